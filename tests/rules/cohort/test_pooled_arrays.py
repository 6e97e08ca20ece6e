"""Arrays from Arrow's memory pool behave as numpy's own: writable, sized and typed as asked, zeros are zero."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rules.cohort import pooled_arrays as pooled


def test_large_arrays_come_from_arrows_pool_and_are_writable() -> None:
    before = pa.total_allocated_bytes()
    array = pooled.empty(1_000_000, np.int64)

    assert array.shape == (1_000_000,)
    assert array.dtype == np.int64
    assert array.flags.writeable
    assert array.flags.c_contiguous
    assert pa.total_allocated_bytes() - before >= 8_000_000
    array[:] = 7
    assert int(array.sum()) == 7_000_000
    del array
    assert pa.total_allocated_bytes() - before < 8_000_000  # freed with the array


def test_small_arrays_stay_with_numpy() -> None:
    before = pa.total_allocated_bytes()
    array = pooled.empty(10, np.bool_)

    assert array.dtype == np.bool_
    assert len(array) == 10
    assert pa.total_allocated_bytes() == before


def test_zeros_are_zero_even_in_reused_memory() -> None:
    dirty = pooled.empty(500_000)
    dirty.fill(3.5)
    del dirty

    for dtype in (np.float64, np.int64, np.bool_):
        assert not pooled.zeros(2_000_000, dtype).any()
    assert len(pooled.zeros(0, np.int64)) == 0
