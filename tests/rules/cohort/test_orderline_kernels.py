"""Ranking order lines by customer, product and order, and gathering them into history lines: against plain
Python."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort import pieces
from rules.cohort.orderline_kernels import gather_lines, keep_purchased, key_bits, order_codes, rank_lines

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

    take = np.zeros(len(lines), dtype=np.bool_)
    take[rows] = True

    ranked, owners, keys = rank_lines(take, customer, product, order, 4, key_bits(7))

    expected = sorted(rows, key=lambda row: lines[row])  # Python's sort is stable: ties keep file order
    assert ranked.tolist() == expected
    assert owners.tolist() == [lines[row][0] for row in expected]
    assert keys.tolist() == [(lines[row][1] + 1) << 3 | lines[row][2] for row in expected]  # orders 0..6: 3 bits


def test_a_customer_with_many_lines_is_ranked_whole() -> None:
    rng = np.random.default_rng(3)
    product, order = rng.integers(0, 30, 4000), rng.integers(0, 900, 4000)
    customer = np.zeros(4000, dtype=np.int64)
    ranked, _, _ = rank_lines(np.ones(4000, dtype=np.bool_), customer, product, order, 1, key_bits(900))

    assert ranked.tolist() == sorted(range(4000), key=lambda row: (product[row], order[row]))


# (customer, product, order, day, purchase, quantity)
ORDER_LINE = st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(0, 40), st.integers(0, 9), st.booleans(),
                       st.sampled_from([1.0, 2.0, -1.0, 0.5]))


@settings(max_examples=300, deadline=None)
@given(st.lists(ORDER_LINE, max_size=150), st.data())
def test_history_lines_like_plain_python(lines: list[tuple[int, int, int, int, bool, float]],
                                         data: st.DataObject) -> None:
    kept = np.array(data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines))), dtype=np.bool_)
    customer, product, order, day = (np.array([line[i] for line in lines], dtype=np.int64) for i in range(4))
    purchase = np.array([line[4] for line in lines], dtype=np.bool_)
    quantity = np.array([line[5] for line in lines], dtype=np.float64)
    bits = key_bits(41)
    ranked, owner, key = rank_lines(np.ones(len(lines), dtype=np.bool_), customer, product, order, 4, bits)

    gathered = gather_lines(ranked, owner, key, kept[ranked], bits, 4, day, purchase, quantity, -quantity)

    chosen = [row for row in ranked.tolist() if kept[row]]
    assert gathered.rows.tolist() == chosen
    groups = list(dict.fromkeys((lines[row][0], lines[row][1]) for row in chosen))
    assert list(zip(gathered.customer.tolist(), gathered.product.tolist(), strict=True)) == groups
    assert gathered.starts.tolist() == [next(i for i, row in enumerate(chosen) if lines[row][:2] == group)
                                        for group in groups]
    assert gathered.quantity.tolist() == [lines[row][5] for row in chosen]
    assert gathered.amount.tolist() == [-lines[row][5] for row in chosen]
    bought = [[lines[row] for row in chosen if lines[row][:2] == group and lines[row][4]] for group in groups]
    assert gathered.first.tolist() == [min((line[3] for line in rows), default=2**63 - 1) for rows in bought]
    assert gathered.last.tolist() == [max((line[3] for line in rows), default=-2**63) for rows in bought]
    assert gathered.order_count.tolist() == [len({line[2] for line in rows}) for rows in bought]
    purchases = [[lines[row] for row in chosen if lines[row][0] == who and lines[row][4]] for who in range(4)]
    assert gathered.total_orders.tolist() == [len({line[2] for line in rows}) for rows in purchases]
    assert gathered.bought.tolist() == [bool(rows) for rows in purchases]
    assert gathered.fractional == any(lines[row][5] == 0.5 for row in chosen)


def test_a_customer_with_many_orders_counts_each_once() -> None:
    order = np.tile(np.arange(50, dtype=np.int64), 3)  # 150 purchases of 50 orders, over three products
    product = np.repeat(np.arange(3, dtype=np.int64), 50)
    bits = key_bits(50)
    ranked, owner, key = rank_lines(np.ones(150, dtype=np.bool_), np.zeros(150, dtype=np.int64), product, order, 1,
                                    bits)

    gathered = gather_lines(ranked, owner, key, np.ones(150, dtype=np.bool_), bits, 1, np.zeros(150, dtype=np.int64),
                            np.ones(150, dtype=np.bool_), np.ones(150), np.ones(150))

    assert gathered.order_count.tolist() == [50, 50, 50]
    assert gathered.total_orders.tolist() == [50]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 5), st.integers(-50, 50), st.booleans()), max_size=40), st.booleans())
def test_order_codes_are_order_ids_else_days(rows: list[tuple[int, int, bool]], with_ids: bool) -> None:
    order = np.array([row[0] for row in rows], dtype=np.int64) if with_ids else None
    day = np.array([row[1] for row in rows], dtype=np.int64)
    has_line = np.array([row[2] for row in rows], dtype=np.bool_)
    known = 6 if with_ids else 0

    codes, count = order_codes(order, known, day, has_line)

    line_days = [row[1] for row in rows if row[2]]
    first = min(line_days, default=0)
    assert count == known + (max(line_days) - first + 1 if line_days else 1)
    assert codes.tolist() == [
        row[0] if with_ids and row[0] >= 0 else known + (row[1] - first if row[2] else 0) for row in rows]


def test_key_bits_hold_every_order_code() -> None:
    assert [key_bits(orders) for orders in (0, 1, 2, 3, 4, 5, 7, 8, 9, 2**40)] == [0, 0, 1, 2, 2, 3, 3, 3, 4, 40]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 3), st.integers(0, 5), st.booleans()), max_size=60))
def test_lines_without_a_purchase_are_dropped_and_the_rest_counted(lines: list[tuple[int, int, int, bool]]) -> None:
    customer, product, order = (np.array([line[i] for line in lines], dtype=np.int64) for i in range(3))
    purchase = np.array([line[3] for line in lines], dtype=np.bool_)
    bits = key_bits(6)
    ranked, owner, key = rank_lines(np.ones(len(lines), dtype=np.bool_), customer, product, order, 4, bits)

    kept, per_customer = keep_purchased(owner, key, bits, ranked, purchase, 4)

    bought = {line[:2] for line in lines if line[3]}  # (customer, product) with a purchase
    assert kept.tolist() == [lines[row][:2] in bought for row in ranked.tolist()]
    assert per_customer.tolist() == [sum(1 for group in bought if group[0] == who) for who in range(4)]


@settings(max_examples=150, deadline=None)
@given(st.lists(ORDER_LINE, max_size=80))
def test_pieces_on_threads_give_what_one_pass_gives(lines: list[tuple[int, int, int, int, bool, float]]) -> None:
    customer, product, order, day = (np.array([line[i] for line in lines], dtype=np.int64) for i in range(4))
    purchase = np.array([line[4] for line in lines], dtype=np.bool_)
    quantity = np.array([line[5] for line in lines], dtype=np.float64)
    take, bits = np.ones(len(lines), dtype=np.bool_), key_bits(41)

    def run(pool: ThreadPoolExecutor | None) -> list[list[object]]:
        ranked, owner, key = rank_lines(take, customer, product, order, 4, bits, pool, 3)
        kept, per_customer = keep_purchased(owner, key, bits, ranked, purchase, 4, pool, 3)
        gathered = gather_lines(ranked, owner, key, kept, bits, 4, day, purchase, quantity, -quantity, pool, 3)
        return [values.tolist() for values in (ranked, owner, key, kept, per_customer, gathered.rows,
                                               gathered.starts, gathered.customer, gathered.product,
                                               gathered.quantity, gathered.first, gathered.last,
                                               gathered.order_count, gathered.total_orders, gathered.bought)]

    with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(2) as pool:
        patch.setattr(pieces, "MIN_PIECE_ROWS", 2)
        assert run(pool) == run(None)
