"""An order's one status for its lines without one (Shopify writes it on an order's first line only)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rules.cohort.order_status import spread_order_status
from rules.cohort.values import Codes

STATUSES = pa.array(["refunded", "paid", "İptal Edildi"])


def _codes(values: list[int]) -> Codes:
    return Codes(np.array(values, dtype=np.int64), STATUSES)


def test_blank_lines_take_their_orders_one_status_and_no_other() -> None:
    # orders: 0 refunded + blank; 1 paid on a line, İptal on another, one blank (lines disagree: stays blank);
    # 2 blank only; a line without an order id stays blank.
    status = _codes([0, -1, 1, 2, -1, -1, -1])
    order = Codes(np.array([0, 0, 1, 1, 1, 2, -1], dtype=np.int64), pa.array(["#1", "#2", "#3"]))

    filled, count = spread_order_status(status, order)

    assert filled.codes.tolist() == [0, 0, 1, 2, -1, -1, -1]
    assert count == 1
    assert filled.values is STATUSES


def test_without_order_ids_or_blanks_nothing_changes() -> None:
    every_line = _codes([0, 1, 1])
    none_given = _codes([-1, -1])
    order = Codes(np.array([0, 0, 1], dtype=np.int64), pa.array(["#1", "#2"]))

    unchanged = [spread_order_status(every_line, order),
                 spread_order_status(none_given, Codes(np.array([0, 0], dtype=np.int64), pa.array(["#1"]))),
                 spread_order_status(_codes([0, -1]), None)]

    assert [(codes.codes.tolist(), count) for codes, count in unchanged] == [([0, 1, 1], 0), ([-1, -1], 0),
                                                                             ([0, -1], 0)]


def test_order_ids_counted_by_their_sparse_numbers_fill_as_any_others() -> None:
    # Order ids such as 1001 and 90000000001 are coded by their numbers without texts (codes up to 2**40 apart):
    # the per-order tables are sized by the rows' orders, not by the largest code (8 TiB here).
    status = _codes([0, -1, 1, -1, -1])
    order = Codes(np.array([5, 5, 2**40 - 1, 2**40 - 1, -1], dtype=np.int64), pa.array([], pa.string()), count=2**40)

    filled, count = spread_order_status(status, order)

    assert (filled.codes.tolist(), count) == ([0, 0, 1, 1, -1], 2)
