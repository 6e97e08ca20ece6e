"""Shared fixtures: the seed's examples and a builder for customer payloads."""

from __future__ import annotations

import json
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
