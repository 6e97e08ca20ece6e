"""Running a compiled pass over a whole column in pieces, one per thread.

The kernels release the GIL (`rules.cohort.compiled`), so pieces of one pass run side by side on the cores
Arrow's parser has just used. Passes that walk a customer's lines together are cut between customers.
Small columns are not cut: handing a piece to a thread costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Executor
from itertools import pairwise
from typing import TypeVar

import numpy as np

from rules.cohort.values import IntArray

# Below this many rows a pass runs in one piece.
MIN_PIECE_ROWS = 100_000
# Threads for passes over a whole file (more than four gain nothing on these memory-bound passes).
WORKERS = max(1, min(4, os.cpu_count() or 1))

_Result = TypeVar("_Result")


def row_pieces(size: int, pool: Executor | None, workers: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges that cover ``0..size``: one per worker, or one in all when there is no pool or
    the column is small."""
    parts = 1 if pool is None else max(1, min(workers, size // MIN_PIECE_ROWS))
    bounds = [size * part // parts for part in range(parts + 1)]
    return list(pairwise(bounds))


def customer_pieces(owner: IntArray, pool: Executor | None, workers: int) -> list[tuple[int, int]]:
    """Like `row_pieces` for lines grouped by customer (``owner`` non-decreasing): every cut falls between two
    customers, so no customer's lines are split."""
    cuts = [start for start, _ in row_pieces(len(owner), pool, workers)][1:]
    starts = sorted({0, *(int(np.searchsorted(owner, owner[cut], side="left")) for cut in cuts)})
    return list(pairwise([*starts, len(owner)])) if len(owner) else [(0, 0)]


def run_pieces(pool: Executor | None, jobs: list[Callable[[], _Result]]) -> list[_Result]:
    """Every job's result, in order; the last job runs on the calling thread while the pool runs the others."""
    if pool is None or len(jobs) == 1:
        return [job() for job in jobs]
    pending = [pool.submit(job) for job in jobs[:-1]]
    last = jobs[-1]()
    return [*(future.result() for future in pending), last]
