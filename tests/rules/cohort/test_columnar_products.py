"""Ranking lines within customers: the order of the scalar engine's stable sort by (-key, product id)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.columnar_products import _ordered

LINE = st.tuples(st.integers(0, 3), st.sampled_from([0.0, 1.5, 2.0, 99.99]), st.integers(0, 4))


def _python_order(customer: list[int], key: list[float], product: list[int], keep: int) -> list[int]:
    ranked: list[int] = []
    for owner in sorted(set(customer)):
        rows = [row for row in range(len(customer)) if customer[row] == owner]
        ranked += sorted(rows, key=lambda row: (-key[row], product[row]))[:keep]
    return ranked


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=120), st.integers(0, 8))
def test_ranked_like_pythons_stable_sort(lines: list[tuple[int, float, int]], keep: int) -> None:
    # Up to 120 lines for four customers: groups past 24 lines take the merge sort.
    lines = sorted(lines, key=lambda line: line[0])  # rows come in customer order
    customer = [line[0] for line in lines]
    key = [line[1] for line in lines]
    product = [line[2] for line in lines]

    chosen = _ordered(np.array(customer, dtype=np.int64), np.array(key), np.array(product, dtype=np.int64), keep)

    assert chosen.tolist() == _python_order(customer, key, product, keep)


def test_one_large_customer_is_sorted_whole() -> None:
    rng = np.random.default_rng(7)
    key = rng.integers(0, 20, 5000).astype(np.float64)
    product = rng.integers(0, 50, 5000)

    chosen = _ordered(np.zeros(5000, dtype=np.int64), key, product, 5000)

    assert chosen.tolist() == sorted(range(5000), key=lambda row: (-key[row], product[row]))
