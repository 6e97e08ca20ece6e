"""Kernels compile whether or not numba has a folder to cache them in."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pytest

from rules.cohort import compiled


def test_without_a_writable_cache_folder_kernels_are_compiled_in_memory(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    real_njit = numba.njit

    def njit_without_cache_folder(*args: Any, **options: Any) -> Any:
        if options.get("cache"):  # what numba raises when no cache locator applies
            raise RuntimeError("cannot cache function 'total': no locator available for file 'x.py'")
        return real_njit(*args, **options)

    monkeypatch.setattr(numba, "njit", njit_without_cache_folder)
    monkeypatch.setattr(compiled, "_WARNED", False)

    def total(values: np.ndarray) -> float:
        return float(values.sum())

    compiled_total = compiled.kernel(total)

    assert compiled_total(np.arange(5.0)) == 10.0
    assert [r.getMessage() for r in caplog.records if r.name == "rules.cohort.compiled"] == [
        "no writable folder for numba's cache (set NUMBA_CACHE_DIR): compiling in memory, which makes each "
        "process's first read slower"]
