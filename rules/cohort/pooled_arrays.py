"""Large numpy arrays allocated from Arrow's memory pool, so that memory freed by one read is reused by the next.

numpy allocates large arrays with the C library, which hands freed blocks back to the operating system; the
next array of that size is fresh memory again, and the first write to each page faults. On the development
VM, fresh memory cost 0.4–1.7 s of system time per GB (most of a read's erratic system time), reused memory
almost nothing. Arrow's pool (mimalloc) keeps freed memory for the next allocation: 0.04–0.12 s per GB in the
same test. The arrays are ordinary writable numpy arrays; the pool's buffer is freed when the array is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

# Below this many bytes numpy's allocator (with its own cache of small blocks) is as good.
POOLED_BYTES = 1 << 20


def empty(size: int, dtype: npt.DTypeLike = np.float64) -> npt.NDArray[Any]:
    """An uninitialised 1-D array of ``size`` values."""
    kind = np.dtype(dtype)
    if size * kind.itemsize < POOLED_BYTES:
        return np.empty(size, dtype=kind)
    return np.frombuffer(pa.allocate_buffer(size * kind.itemsize), dtype=kind, count=size)


def zeros(size: int, dtype: npt.DTypeLike = np.float64) -> npt.NDArray[Any]:
    """A 1-D array of ``size`` zeros."""
    array = empty(size, dtype)
    array.fill(0)
    return array
