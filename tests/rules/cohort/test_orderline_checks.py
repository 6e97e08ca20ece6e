"""The row checks of order lines: one reason per rejected row, the first that applies, and returns signed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pytest

from rules.cohort import pieces
from rules.cohort.dates import Days
from rules.cohort.orderline_checks import ValueFlags, check_rows
from rules.cohort.orderlines import OrderLines
from rules.cohort.rejects import REASONS, RowLog, reason_code
from rules.cohort.values import Codes, Numbers

NAN = float("nan")
# One row per case: customer code, date (given, valid), order code, product code, category code, status code,
# quantity, amount, unit price (NaN: not given), and what the row becomes: reason (None: accepted), is an
# order line, is a purchase, signed quantity and amount.
ROWS = [
    (-1, True, True, 0, 0, 0, 0, 1.0, 5.0, NAN, "missing_customer_id", False, True, 1.0, 5.0),
    (1, True, True, 0, 0, 0, 0, 1.0, 5.0, NAN, "bad_customer_id", False, True, 1.0, 5.0),
    (0, False, False, -1, -1, -1, -1, NAN, NAN, NAN, None, False, True, NAN, NAN),  # a customer, no order data
    (0, True, False, 0, 0, 0, 0, NAN, 5.0, NAN, "bad_date", True, True, NAN, 5.0),  # bad date before quantity
    (0, True, True, 0, 0, 0, 0, NAN, 5.0, NAN, "bad_quantity", True, True, NAN, 5.0),
    (0, True, True, 0, 0, 0, 0, 2.0, NAN, NAN, "bad_amount", True, True, 2.0, NAN),
    (0, True, True, 0, 1, 0, 0, 1.0, 5.0, NAN, "bad_product", True, True, 1.0, 5.0),  # product id too long
    (0, True, True, 0, -1, 0, 0, 1.0, 5.0, NAN, "missing_product", True, True, 1.0, 5.0),
    (0, True, True, 0, 0, 1, 0, 1.0, 5.0, NAN, "bad_product", True, True, 1.0, 5.0),  # category too long
    (0, True, True, 0, 2, 0, 0, 1.0, 5.0, NAN, "non_product_line", True, True, 1.0, 5.0),  # POST
    (0, True, True, 0, 0, 0, 1, 1.0, 5.0, NAN, "cancelled_order", True, False, -1.0, -5.0),  # status, positive
    (0, True, True, 0, 0, 0, 1, -1.0, 5.0, NAN, None, True, False, -1.0, -5.0),  # status on a return: nets
    (0, True, True, 0, 0, 0, 0, 0.0, 5.0, NAN, "zero_quantity", True, True, 0.0, 5.0),
    (0, True, True, 0, 0, 0, 0, 1.0, 0.0, NAN, "zero_price", True, True, 1.0, 0.0),
    (0, True, True, 1, 0, 0, 0, 2.0, 6.0, NAN, None, True, False, -2.0, -6.0),  # order C536379: a return
    (0, True, True, 0, 0, 0, 0, 2.0, NAN, 2.5, None, True, True, 2.0, 5.0),  # amount = quantity × unit price
    (0, True, True, -1, 0, 0, 0, 3.0, 9.0, NAN, None, True, True, 3.0, 9.0),
    (0, True, True, 0, 0, 0, 0, 2.0, NAN, 2.5, "bad_amount", True, True, 2.0, NAN),  # unreadable beside a price
]
UNREADABLE = (4, 17)  # rows whose NaN numbers were given but are not numbers (abc12)


def _lines() -> OrderLines:
    def codes(index: int, values: list[str]) -> Codes:
        return Codes(np.array([row[index] for row in ROWS], dtype=np.int64), pa.array(values))

    def numbers(index: int) -> Numbers:
        values = np.array([row[index] for row in ROWS], dtype=np.float64)
        return Numbers(values, ~np.isnan(values) | np.isin(np.arange(len(ROWS)), UNREADABLE))

    day_given = np.array([row[1] for row in ROWS], dtype=np.bool_)
    return OrderLines(
        customer=codes(0, ["C1", "C" * 200]),
        days=Days(np.zeros(len(ROWS), dtype=np.int64), np.array([row[2] for row in ROWS], dtype=np.bool_),
                  day_given),
        order=codes(3, ["536365", "C536379"]), product=codes(4, ["P1", "P" * 200, "POST"]),
        category=codes(5, ["HOME", "X" * 80]), status=codes(6, ["ok", "iptal"]),
        quantity=numbers(7), amount=numbers(8), unit_price=numbers(9))


def _flags() -> ValueFlags:
    return ValueFlags(
        long_customer=np.array([False, True]), long_product=np.array([False, True, False]),
        long_category=np.array([False, True]), excluded_product=np.array([False, False, True]),
        excluded_name=np.zeros(0, dtype=np.bool_), cancelling_order=np.array([False, True]),
        cancelling_status=np.array([False, True]))


def test_each_row_gets_the_first_reason_that_applies() -> None:
    log = RowLog.for_rows(len(ROWS))

    checked = check_rows(_lines(), log.codes, _flags())

    reasons = list(REASONS)
    assert [reasons[code - 1] if code else None for code in log.codes.tolist()] == [row[10] for row in ROWS]
    assert checked.has_line.tolist() == [row[11] for row in ROWS]
    assert checked.purchase.tolist() == [row[12] for row in ROWS]
    np.testing.assert_array_equal(checked.quantity, [row[13] for row in ROWS])
    np.testing.assert_array_equal(checked.amount, [row[14] for row in ROWS])


def test_rows_rejected_before_keep_their_reason_and_are_not_lines() -> None:
    log = RowLog.for_rows(len(ROWS))
    log.codes[:] = reason_code("malformed_row")

    checked = check_rows(_lines(), log.codes, _flags())

    assert set(log.codes.tolist()) == {reason_code("malformed_row")}
    assert not checked.has_line.any()


def test_without_quantity_each_line_counts_one() -> None:
    lines = OrderLines(
        customer=Codes(np.zeros(2, dtype=np.int64), pa.array(["C1"])),
        days=Days(np.zeros(2, dtype=np.int64), np.ones(2, dtype=np.bool_), np.ones(2, dtype=np.bool_)),
        unit_price=Numbers(np.array([4.0, -4.0]), np.ones(2, dtype=np.bool_)))
    no_flags = np.zeros(0, dtype=np.bool_)
    log = RowLog.for_rows(2)

    checked = check_rows(lines, log.codes, ValueFlags(np.array([False]), *[no_flags] * 6))

    assert log.codes.tolist() == [0, 0]
    assert checked.quantity.tolist() == [1.0, -1.0]
    assert checked.amount.tolist() == [4.0, -4.0]
    assert checked.purchase.tolist() == [True, False]


def test_rows_checked_in_pieces_on_threads_are_checked_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "MIN_PIECE_ROWS", 2)
    alone, split = RowLog.for_rows(len(ROWS)), RowLog.for_rows(len(ROWS))

    expected = check_rows(_lines(), alone.codes, _flags())
    with ThreadPoolExecutor(2) as pool:
        checked = check_rows(_lines(), split.codes, _flags(), pool, 3)

    assert split.codes.tolist() == alone.codes.tolist()
    for name in ("has_line", "purchase", "quantity", "amount"):
        np.testing.assert_array_equal(getattr(checked, name), getattr(expected, name))
