"""Giving freed memory back to the operating system between the phases of a large batch.

numpy allocates through the C library's malloc and Arrow through its own pool (mimalloc or jemalloc). Memory
that numpy frees stays with glibc's heap, where Arrow cannot reuse it, so a batch would hold both high-water
marks at once. `malloc_trim` hands the free heap back; elsewhere (no glibc) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import pyarrow as pa


@cache
def _malloc_trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


def release_free_memory() -> None:
    """Return free heap memory (glibc) and unused Arrow pool memory to the operating system."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    pa.default_memory_pool().release_unused()
