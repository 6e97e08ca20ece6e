"""An order's status for its lines that have none: Shopify writes an order's ``Financial Status`` on its first line.

Without it, a refunded order of two lines would lose its first line as cancelled and keep the second as a
purchase. A blank status takes the order's only status; an order whose lines disagree (a status per line, as
marketplaces write it) gives its blank lines none, and a file without order ids has no orders to go by.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rules.cohort.values import Codes, IntArray


def spread_order_status(status: Codes, order: Codes | None) -> tuple[Codes, int]:
    """The status codes with blanks filled from their order's one status, and how many lines were filled.

    Examples:
        >>> import pyarrow as pa
        >>> status = Codes(np.array([0, -1, -1, 1, -1]), pa.array(["refunded", "paid"]))
        >>> order = Codes(np.array([0, 0, 1, 1, -1]), pa.array(["#1", "#2"]))
        >>> filled, count = spread_order_status(status, order)
        >>> filled.codes.tolist(), count
        ([0, 0, 1, 1, -1], 2)
    """
    if order is None:
        return status, 0
    codes, orders = status.codes, order.codes
    blank = codes < 0
    if not blank.any() or blank.all():  # the common cases: every line has its status, or none has
        return status, 0
    if len(order) > len(orders):
        # Order ids counted by their numbers have codes up to 2**40 apart: the per-order tables below are sized
        # by the orders the rows have, not by the largest code.
        orders = _dense(orders)
    known = ~blank & (orders >= 0)
    lowest = np.full(len(orders), np.iinfo(np.int64).max, dtype=np.int64)
    highest = np.full(len(orders), -1, dtype=np.int64)
    np.minimum.at(lowest, orders[known], codes[known])
    np.maximum.at(highest, orders[known], codes[known])
    one_status = (highest >= 0) & (lowest == highest)
    fill = blank & (orders >= 0)
    fill[fill] = one_status[orders[fill]]
    count = int(np.count_nonzero(fill))
    if count == 0:
        return status, 0
    filled = codes.copy()
    filled[fill] = highest[orders[fill]]
    return replace(status, codes=filled), count


def _dense(orders: IntArray) -> IntArray:
    """Order codes renumbered 0, 1, … in the order of their codes, -1 (no order id) kept."""
    present = orders >= 0
    dense = np.full(len(orders), -1, dtype=np.int64)
    dense[present] = np.unique(orders[present], return_inverse=True)[1]
    return dense
