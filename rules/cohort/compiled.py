"""Compiled per-customer kernels: the loops that numpy and Arrow cannot express without temporaries.

`segment_cohort` has no per-customer Python loop; where a computation is naturally "for each customer, over
its few lines" (ordered sums, a top category, a sort by spend), a kernel compiled by numba runs that loop in
machine code. Kernels are compiled on first use and cached on disk (next to this package, or in the user's
cache folder when the package folder is read-only), and they release the GIL, so `segment_cohort`'s threads
run them side by side.

Large results are allocated by numpy and passed in, not allocated inside a kernel: numpy asks Linux for
transparent huge pages on large arrays, so filling 8 MB costs 4 page faults instead of 2,048 (numba's own
allocator does not ask, and the faults showed as a quarter of a million-customer batch's time). The read
path's row-sized arrays come from Arrow's pool instead (`rules.cohort.pooled_arrays`): a read frees and
allocates them again, and Arrow keeps freed memory where numpy gives it back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

_Function = TypeVar("_Function", bound=Callable[..., Any])
logger = logging.getLogger(__name__)


def kernel(function: _Function) -> _Function:
    """Compile `function` in numba's nopython mode, cached on disk and without the GIL."""
    return _compiled(function, nogil=True)


def inline_kernel(function: _Function) -> _Function:
    """A small `kernel` that numba copies into every kernel that calls it (a comparison in a sort's loop)."""
    return _compiled(function, nogil=True, inline="always")


def _compiled(function: _Function, **options: Any) -> _Function:
    try:
        return cast(_Function, numba.njit(cache=True, **options)(function))
    except RuntimeError:
        # No folder to cache in: a read-only install run by a user without a writable home (a service account,
        # a read-only container). The kernels are then compiled in memory, in every process, once.
        global _WARNED
        if not _WARNED:
            _WARNED = True
            logger.warning("no writable folder for numba's cache (set NUMBA_CACHE_DIR): compiling in memory, "
                           "which makes each process's first read slower")
        return cast(_Function, numba.njit(**options)(function))


_WARNED = False


def _copy_bytes_intrinsic(typing_context: Any, target: Any, at: Any, source: Any, start: Any, count: Any
                          ) -> tuple[Any, Callable[..., Any]]:
    signature = types.void(target, types.intp, source, types.intp, types.intp)

    def generate(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        target_array = context.make_array(signature.args[0])(context, builder, args[0])
        source_array = context.make_array(signature.args[2])(context, builder, args[2])
        cgutils.raw_memcpy(builder, builder.gep(target_array.data, [args[1]]),  # type: ignore[no-untyped-call]
                           builder.gep(source_array.data, [args[3]]), args[4], 1)
        return context.get_dummy_value()

    return signature, generate


# Inside a kernel: ``target[at:at + count] = source[start:start + count]`` for byte arrays, as one memcpy.
# (numba compiles that slice assignment to a byte loop, about five times slower for the short texts of a
# reason; a ctypes memcpy would stop the kernel from being cached.)
copy_bytes = cast(Callable[[npt.NDArray[np.uint8], int, npt.NDArray[np.uint8], int, int], None],
                  intrinsic(_copy_bytes_intrinsic))


def _load_word_intrinsic(typing_context: Any, data: Any, at: Any) -> tuple[Any, Callable[..., Any]]:
    signature = types.uint64(data, types.intp)

    def generate(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array = context.make_array(signature.args[0])(context, builder, args[0])
        address = builder.bitcast(builder.gep(array.data, [args[1]]), ir.IntType(64).as_pointer())
        return builder.load(address, align=1)

    return signature, generate


# Inside a kernel: the 8 bytes of a byte array from `at` as one integer (unaligned load); the caller keeps
# ``at + 8 <= len(data)``.
load_word = cast(Callable[[npt.NDArray[np.uint8], int], int], intrinsic(_load_word_intrinsic))
