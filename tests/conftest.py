"""Shared fixtures: the seed's examples, a builder for customer payloads, and a folder one may not write in."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
AS_OF = date(2026, 2, 12)


def seed_example(name: str) -> dict[str, Any]:
    """A file of the seed's examples, e.g. ``seed_example("example-request")``."""
    example: dict[str, Any] = json.loads((SEED / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    return example


@pytest.fixture
def seed_dir() -> Path:
    if not SEED.is_dir():
        raise AssertionError(f"the seed material is expected beside the repository at {SEED}")
    return SEED


@pytest.fixture
def read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path / "ro"``, which `os.access` says no file may be created in (the tests run as root, whom no
    permission stops); the working directory is ``tmp_path``."""
    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access

    def access(path: str | os.PathLike[str], mode: int) -> bool:
        return False if Path(path) == folder and mode & os.W_OK else real_access(path, mode)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.chdir(tmp_path)
    return folder
