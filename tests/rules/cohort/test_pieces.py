"""Cutting a pass into pieces for threads: the pieces cover every row once, and never split a customer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort import pieces
from rules.cohort.pieces import customer_pieces, row_pieces, run_pieces


@pytest.fixture(autouse=True)
def _small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "MIN_PIECE_ROWS", 2)


def test_rows_are_cut_evenly_and_only_with_a_pool() -> None:
    with ThreadPoolExecutor(2) as pool:
        assert row_pieces(10, pool, 3) == [(0, 3), (3, 6), (6, 10)]
        assert row_pieces(3, pool, 3) == [(0, 3)]  # fewer rows than a piece takes twice
        assert row_pieces(0, pool, 2) == [(0, 0)]
    assert row_pieces(10, None, 3) == [(0, 10)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 4), max_size=30), st.integers(1, 4))
def test_customer_pieces_cover_the_lines_and_cut_between_customers(lines: list[int], workers: int) -> None:
    owner = np.repeat(np.arange(len(lines), dtype=np.int64), lines)
    with ThreadPoolExecutor(2) as pool:
        cut = customer_pieces(owner, pool, workers)

    assert cut[0][0] == 0
    assert cut[-1][1] == len(owner)
    assert all(end == start for (_, end), (start, _) in pairwise(cut))
    assert all(owner[start - 1] != owner[start] for start, _ in cut[1:])
    assert len(cut) <= workers


def test_results_come_back_in_order() -> None:
    with ThreadPoolExecutor(2) as pool:
        assert run_pieces(pool, [lambda i=i: i * i for i in range(5)]) == [0, 1, 4, 9, 16]  # type: ignore[misc]
    assert run_pieces(None, [lambda: "one"]) == ["one"]
