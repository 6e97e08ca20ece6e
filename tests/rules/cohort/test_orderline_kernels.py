"""Ranking order lines by customer, product and order, and counting distinct orders: against plain Python."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.orderline_kernels import count_orders, rank_lines

# (customer, product, order): few distinct values, so ties and customers with more than 32 lines both occur.
LINE = st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(0, 6))


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=150), st.data())
def test_ranked_like_a_stable_sort_by_customer_product_order(lines: list[tuple[int, int, int]],
                                                              data: st.DataObject) -> None:
    rows = sorted(data.draw(st.sets(st.integers(0, max(len(lines) - 1, 0)))) if lines else set())
    customer = np.array([line[0] for line in lines], dtype=np.int64)
    product = np.array([line[1] for line in lines], dtype=np.int64)
    order = np.array([line[2] for line in lines], dtype=np.int64)

    ranked, owners, keys = rank_lines(np.array(rows, dtype=np.int64), customer, product, order, 4, 7)

    expected = sorted(rows, key=lambda row: lines[row])  # Python's sort is stable: ties keep file order
    assert ranked.tolist() == expected
    assert owners.tolist() == [lines[row][0] for row in expected]
    assert keys.tolist() == [lines[row][1] * 7 + lines[row][2] for row in expected]


def test_a_customer_with_many_lines_is_ranked_whole() -> None:
    rng = np.random.default_rng(3)
    product, order = rng.integers(0, 30, 4000), rng.integers(0, 900, 4000)
    customer = np.zeros(4000, dtype=np.int64)
    rows = np.arange(4000, dtype=np.int64)

    ranked, _, _ = rank_lines(rows, customer, product, order, 1, 900)

    assert ranked.tolist() == sorted(range(4000), key=lambda row: (product[row], order[row]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(LINE, st.booleans()), max_size=150))
def test_orders_counted_once_per_line_and_per_customer(drawn: list[tuple[tuple[int, int, int], bool]]) -> None:
    drawn = sorted(drawn, key=lambda item: item[0])  # ranked lines, as build_history passes them
    lines = [line for line, _ in drawn]
    purchase = np.array([bought for _, bought in drawn], dtype=np.bool_)
    customer = np.array([line[0] for line in lines], dtype=np.int64)
    order = np.array([line[2] for line in lines], dtype=np.int64)
    starts = np.array([i for i in range(len(lines)) if i == 0 or lines[i][:2] != lines[i - 1][:2]], dtype=np.int64)

    per_line, per_customer, bought = count_orders(customer, order, purchase, starts, 4)

    groups = sorted({line[:2] for line in lines})
    assert per_line.tolist() == [len({line[2] for (line, b) in drawn if line[:2] == group and b}) for group in groups]
    assert per_customer.tolist() == [len({line[2] for (line, b) in drawn if line[0] == who and b}) for who in range(4)]
    assert bought.tolist() == [any(line[0] == who and b for (line, b) in drawn) for who in range(4)]


def test_a_customer_with_many_orders_counts_each_once() -> None:
    order = np.array(list(range(50)) * 3, dtype=np.int64)  # 150 purchases of 50 orders, over three products
    product = np.repeat(np.arange(3), 50)
    by_product_then_order = np.lexsort([order, product])
    customer = np.zeros(150, dtype=np.int64)
    starts = np.array([0, 50, 100], dtype=np.int64)

    per_line, per_customer, _ = count_orders(customer, order[by_product_then_order], np.ones(150, dtype=np.bool_),
                                             starts, 1)

    assert per_line.tolist() == [50, 50, 50]
    assert per_customer.tolist() == [50]
