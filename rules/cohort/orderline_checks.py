"""The row checks of an order-line file in one compiled pass, and the returns signed.

What can be decided once per distinct value (an id that is too long, a postage code, a cancelling status, an
order id like C536379) is decided by `rules.cohort.orderlines` on the few distinct values; this pass spreads
those flags over the rows, checks every row in the order of `rules.cohort.rejects.REASONS` (a row keeps the
first reason that rejects it) and signs the quantities and amounts of the lines that reverse a purchase. It
replaces some forty whole-column numpy passes, each with a fresh temporary array.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from rules.cohort import dates
from rules.cohort import pooled_arrays as pooled
from rules.cohort.compiled import inline_kernel, kernel
from rules.cohort.pieces import row_pieces, run_pieces
from rules.cohort.rejects import reason_code
from rules.cohort.values import MAX_LINE_AMOUNT, MAX_LINE_QUANTITY, BoolArray, Codes, FloatArray, IntArray, Numbers

if TYPE_CHECKING:
    from rules.cohort.orderlines import OrderLines

_NO_FLAGS = np.zeros(0, dtype=np.bool_)
_NO_CODES = np.zeros(0, dtype=np.int64)
_NO_NUMBERS = np.zeros(0, dtype=np.float64)
# The reasons this pass gives, in the order it checks them.
_REASONS = np.array([reason_code(reason) for reason in (
    "missing_customer_id", "bad_customer_id", "bad_date", "future_date", "bad_quantity", "bad_amount",
    "bad_product", "missing_product", "non_product_line", "cancelled_order", "zero_quantity", "zero_price")],
    dtype=np.int8)


@dataclass(frozen=True)
class ValueFlags:
    """Flags decided once per distinct value, indexed by the value's code; empty where a check does not apply.

    Attributes:
        long_customer: customer ids longer than the engine takes.
        long_product: product keys (ids, names or categories) longer than the engine takes.
        long_category: categories longer than the engine takes.
        excluded_product, excluded_name: product ids and names of lines that are not products.
        cancelling_order: order ids that mark a cancellation (C536379 among numeric ids).
        cancelling_status: statuses that say cancelled or returned.
    """

    long_customer: BoolArray
    long_product: BoolArray
    long_category: BoolArray
    excluded_product: BoolArray
    excluded_name: BoolArray
    cancelling_order: BoolArray
    cancelling_status: BoolArray


@dataclass(frozen=True)
class CheckedRows:
    """Per row: whether it is an order line at all, whether it is a purchase (not a return), and its signed
    quantity and amount (amount = quantity × unit price where the row gives no amount; returns negative)."""

    has_line: BoolArray
    purchase: BoolArray
    quantity: FloatArray
    amount: FloatArray


def check_rows(lines: OrderLines, log_codes: npt.NDArray[np.int8], flags: ValueFlags,
               pool: Executor | None = None, workers: int = 1) -> CheckedRows:
    """Check every row of ``lines``, writing reason codes into ``log_codes`` (rows already rejected keep theirs).

    A row is an order line when it has a customer and any order data (a date, an order id, a product, a number);
    rows with a customer and nothing else (a customer list joined to its orders) are neither checked nor lines.
    ``pool`` and ``workers``: threads to check the rows on, in up to ``workers`` pieces (`rules.cohort.pieces`).
    A purchase after `rules.cohort.dates.latest_day` is a ``future_date``.
    """
    last_day = dates.latest_day()
    size = len(log_codes)
    checked = CheckedRows(has_line=pooled.empty(size, np.bool_), purchase=pooled.empty(size, np.bool_),
                          quantity=pooled.empty(size), amount=pooled.empty(size))

    def codes(column: Codes | None) -> IntArray:
        return _NO_CODES if column is None else column.codes

    def numbers(column: Numbers | None) -> tuple[FloatArray, BoolArray]:
        return (_NO_NUMBERS, _NO_FLAGS) if column is None else (column.values, column.present)

    quantity, amount, unit_price = (numbers(column) for column in (lines.quantity, lines.amount, lines.unit_price))
    per_row: list[Any] = [
        lines.customer.codes, lines.days.ok, lines.days.present, lines.days.days, codes(lines.order),
        codes(lines.product), codes(lines.name), codes(lines.category), *quantity, *amount, *unit_price,
        codes(lines.status),
        checked.has_line, checked.purchase, checked.quantity, checked.amount, log_codes]

    def check(start: int, end: int) -> None:
        (customer, day_ok, day_given, day, order, product, name, category, quantity, quantity_given, amount,
         amount_given, unit_price, price_given, status, has_line, purchase, signed_quantity, signed_amount,
         log) = (values[start:end] for values in per_row)  # an absent column stays empty
        _check(log, _REASONS, customer, flags.long_customer, day_ok, day_given, day, last_day, order,
               flags.cancelling_order, product, lines.product_is_id, flags.long_product, flags.excluded_product,
               name, flags.excluded_name, category, flags.long_category, quantity, quantity_given, amount,
               amount_given, unit_price, price_given, status, flags.cancelling_status, has_line, purchase,
               signed_quantity, signed_amount)

    run_pieces(pool, [partial(check, start, end) for start, end in row_pieces(size, pool, workers)])
    return checked


@inline_kernel
def _flag(flags: BoolArray, code: int) -> bool:
    return len(flags) > 0 and code >= 0 and flags[code]


@kernel
def _check(log: npt.NDArray[np.int8], reason: npt.NDArray[np.int8], customer: IntArray, long_customer: BoolArray,
           day_ok: BoolArray, day_given: BoolArray, day: IntArray, latest: int, order: IntArray,
           cancelling_order: BoolArray,
           product: IntArray, product_is_id: bool, long_product: BoolArray, excluded_product: BoolArray,
           name: IntArray, excluded_name: BoolArray, category: IntArray, long_category: BoolArray,
           quantity: FloatArray, quantity_given: BoolArray, amount: FloatArray, amount_given: BoolArray,
           unit_price: FloatArray, price_given: BoolArray, status: IntArray, cancelling_status: BoolArray,
           has_line: BoolArray, purchase: BoolArray, signed_quantity: FloatArray, signed_amount: FloatArray) -> None:
    has_quantity, has_amount, has_price = len(quantity) > 0, len(amount) > 0, len(unit_price) > 0
    has_order, has_product, has_name, has_category = len(order) > 0, len(product) > 0, len(name) > 0, \
        len(category) > 0
    has_status = len(status) > 0
    for row in range(len(log)):
        q = quantity[row] if has_quantity else 1.0
        a = amount[row] if has_amount else np.nan
        if has_price and not (has_amount and amount_given[row]):  # an unreadable amount stays one: bad_amount
            a = q * unit_price[row]
        negative = q < 0 or a < 0
        by_status = has_status and _flag(cancelling_status, status[row])
        reversal = negative or by_status or (has_order and _flag(cancelling_order, order[row]))
        purchase[row] = not reversal
        signed_quantity[row] = -abs(q) if reversal else q
        signed_amount[row] = -abs(a) if reversal else a

        code = log[row]
        if code == 0 and customer[row] < 0:
            code = reason[0]
        elif code == 0 and _flag(long_customer, customer[row]):
            code = reason[1]
        p = product[row] if has_product else -1
        line = code == 0 and (day_given[row] or (has_order and order[row] >= 0) or (product_is_id and p >= 0)
                              or (has_name and name[row] >= 0) or (has_quantity and quantity_given[row])
                              or (has_amount and amount_given[row]) or (has_price and price_given[row]))
        has_line[row] = line
        if line:
            if not day_ok[row]:
                code = reason[2]
            elif day[row] > latest:
                code = reason[3]
            elif has_quantity and not abs(q) < MAX_LINE_QUANTITY:  # also NaN: not a number
                code = reason[4]
            elif not abs(a) < MAX_LINE_AMOUNT:
                code = reason[5]
            elif _flag(long_product, p):
                code = reason[6]
            elif product_is_id and has_product and p < 0:
                code = reason[7]
            elif has_category and _flag(long_category, category[row]):
                code = reason[6]
            elif _flag(excluded_product, p) or (has_name and _flag(excluded_name, name[row])):
                code = reason[8]
            elif by_status and not negative:
                code = reason[9]
            elif not reversal and q == 0:
                code = reason[10]
            elif a == 0:
                code = reason[11]
        log[row] = code
