"""Per-customer metrics over the whole cohort at once: the numbers `rules.analyze` computes one customer at a time.

Sums of money are added in the order the scalar engine adds them (each customer's lines in table order,
categories in order of first appearance), so every total is the same double, not merely close: reasons
print whole numbers without decimals, and a last-bit difference would show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_input import CustomerColumns, Encoded, LineColumns, Problems
from rules.cohort.columnar_numbers import BoolArray, FloatArray, IntArray
from rules.cohort.compiled import kernel
from rules.rulebook import Rulebook


def _customer_totals(starts: IntArray, spent: FloatArray, orders: IntArray, first: IntArray, has_first: BoolArray,
                     last: IntArray, as_of: int) -> tuple[FloatArray, IntArray, IntArray, IntArray, IntArray]:
    """Per customer, over its lines in table order: spend (added left to right, as Python's loop adds it),
    the sum and the largest of the lines' order counts, the last purchase and the first purchase (a line's
    first purchase, or its last when the first is missing)."""
    count = len(starts) - 1
    # Results are allocated by numpy (huge pages for large arrays, see `rules.cohort.compiled`).
    totals = (np.zeros(count), np.zeros(count, dtype=np.int64), np.zeros(count, dtype=np.int64),
              np.full(count, as_of, dtype=np.int64), np.full(count, as_of, dtype=np.int64))
    _fill_customer_totals(starts, spent, orders, first, has_first, last, *totals)
    return totals


@kernel
def _fill_customer_totals(starts: IntArray, spent: FloatArray, orders: IntArray, first: IntArray,
                          has_first: BoolArray, last: IntArray, total: FloatArray, line_orders: IntArray,
                          most_orders: IntArray, latest: IntArray, earliest: IntArray) -> None:
    for customer in range(len(starts) - 1):
        begin, end = starts[customer], starts[customer + 1]
        if begin == end:
            continue
        spend, orders_sum, most, newest, oldest = 0.0, 0, orders[begin], last[begin], last[begin]
        for line in range(begin, end):
            spend += spent[line]
            orders_sum += orders[line]
            most = max(most, orders[line])
            newest = max(newest, last[line])
            oldest = min(oldest, first[line] if has_first[line] else last[line])
        total[customer], line_orders[customer], most_orders[customer] = spend, orders_sum, most
        latest[customer], earliest[customer] = newest, oldest


@dataclass(frozen=True)
class CustomerMetrics:
    """What `rules.analyze._regular` computes before classifying; meaningful where `has_history`."""

    has_history: BoolArray
    total_spent: FloatArray
    line_orders: IntArray
    orders: IntArray
    days_since: IntArray
    registered_from_purchase: BoolArray
    first_purchase: IntArray
    membership_days: IntArray
    months: FloatArray
    rate_months: FloatArray
    per_month: FloatArray
    avg_basket: FloatArray


def customer_metrics(
    customers: CustomerColumns, lines: LineColumns, as_of: int, rules: Rulebook, problems: Problems
) -> CustomerMetrics:
    """Totals, recency, membership and rates for every customer."""
    filled = np.diff(lines.starts) > 0
    total_spent, line_orders, most_orders, last, first_seen = _customer_totals(
        lines.starts, lines.total_spent, lines.order_count, lines.first, lines.has_first, lines.last, as_of)

    given = customers.has_total_orders
    inconsistent = np.flatnonzero(filled & given & ((customers.total_orders < most_orders)
                                                    | (customers.total_orders > line_orders)))
    problems.add_rows("customers", "total_orders", inconsistent, customers.total_orders,
                      "must lie between the largest history order_count of the customer and their sum")
    problems.raise_if_any()

    orders = np.where(given, customers.total_orders, line_orders)
    from_purchase = filled & ~customers.has_registered
    registered = np.where(customers.has_registered, customers.registered, first_seen)
    membership_days = as_of - registered
    months = membership_days / rules.days_per_month
    rate_months = np.maximum(months, rules.min_months_for_rates)
    safe_orders = np.where(orders > 0, orders, 1)
    return CustomerMetrics(
        has_history=filled, total_spent=total_spent, line_orders=line_orders, orders=orders,
        days_since=as_of - last, registered_from_purchase=from_purchase, first_purchase=first_seen,
        membership_days=membership_days, months=months, rate_months=rate_months, per_month=orders / rate_months,
        avg_basket=np.where(orders > 0, total_spent / safe_orders, 0.0),
    )


@dataclass(frozen=True)
class CategoryMetrics:
    """The top category by spend and its share, per customer; meaningful where `has_category`."""

    has_category: BoolArray
    names: pa.Array
    top: IntArray
    top_spend: FloatArray
    top_orders: IntArray
    total: FloatArray


def category_metrics(lines: LineColumns, encoded: Encoded, count: int) -> CategoryMetrics:
    """Spend and orders per customer × category (`encoded`: the lines' categories), then the top category
    (ties: alphabetically first)."""
    # Arrow sorts texts by their UTF-8 bytes, which is the order of code points: Python's order of str.
    alphabetical = np.argsort(np.asarray(pc.sort_indices(encoded.values)), kind="stable").astype(np.int64)
    count = len(lines.starts) - 1
    has, top, top_spend = np.zeros(count, dtype=np.bool_), np.zeros(count, dtype=np.int64), np.zeros(count)
    top_orders, total = np.zeros(count, dtype=np.int64), np.zeros(count)
    _top_categories(lines.starts, encoded.codes, alphabetical, lines.total_spent, lines.order_count,
                    has, top, top_spend, top_orders, total)
    return CategoryMetrics(has, encoded.values, top, top_spend, top_orders, total)


@kernel
def _top_categories(starts: IntArray, codes: npt.NDArray[np.int32], alphabetical: IntArray, spent: FloatArray,
                    orders: IntArray, has: BoolArray, top: IntArray, top_spend: FloatArray, top_orders: IntArray,
                    total: FloatArray) -> None:
    """`rules.analyze._affinity`'s loop for every customer: spend and orders per category (-1: none), added
    in line order; the total over the categories in order of first appearance; the highest spend, ties to
    the alphabetically first category."""
    count = len(starts) - 1
    width = len(alphabetical)
    owner = np.full(width, -1, dtype=np.int64)  # the customer whose sums `spend` and `orders_of` now hold
    spend = np.zeros(width)
    orders_of = np.zeros(width, dtype=np.int64)
    appearance = np.zeros(width, dtype=np.int64)
    for customer in range(count):
        seen = 0
        for line in range(starts[customer], starts[customer + 1]):
            category = codes[line]
            if category < 0:
                continue
            if owner[category] != customer:
                owner[category] = customer
                spend[category], orders_of[category] = 0.0, 0
                appearance[seen] = category
                seen += 1
            spend[category] += spent[line]
            orders_of[category] += orders[line]
        if seen == 0:
            continue
        best, added = appearance[0], 0.0
        for index in range(seen):
            category = appearance[index]
            added += spend[category]
            if spend[category] > spend[best] or (spend[category] == spend[best]
                                                 and alphabetical[category] < alphabetical[best]):
                best = category
        has[customer], top[customer], total[customer] = True, best, added
        top_spend[customer], top_orders[customer] = spend[best], orders_of[best]


@dataclass(frozen=True)
class ProductLines:
    """The history lines that name a product, with a rank that orders product ids as Python orders strings."""

    rows: IntArray
    customer: IntArray
    id_rank: IntArray
    distinct: IntArray

    @property
    def has_products(self) -> BoolArray:
        return self.distinct > 0


def product_lines(lines: LineColumns, encoded: Encoded, count: int) -> ProductLines:
    """The product lines, a rank ordering their ids as Python orders strings, and each customer's number of
    distinct products.

    Ids are ranked through their distinct values (a few thousand, however many lines).
    """
    every_line = encoded.null_count == 0  # then the rows are 0, 1, 2, …: spare the gathers
    rows = np.arange(len(lines), dtype=np.int64) if every_line else np.flatnonzero(encoded.codes >= 0)
    customer = lines.customer if every_line else lines.customer[rows]
    codes = encoded.codes if every_line else encoded.codes[rows]
    # Arrow sorts texts by their UTF-8 bytes, which is the order of code points: Python's order of str.
    dictionary_rank = np.argsort(np.asarray(pc.sort_indices(encoded.values)), kind="stable")
    id_rank = dictionary_rank[codes].astype(np.int64)
    distinct = np.zeros(count, dtype=np.int64)
    _count_distinct(customer, codes, len(encoded.values), distinct)
    return ProductLines(rows, customer, id_rank, distinct)


@kernel
def _count_distinct(customer: IntArray, codes: npt.NDArray[np.int32], width: int, distinct: IntArray) -> None:
    """Per customer (rows in customer order), the number of distinct codes."""
    last_owner = np.full(width, -1, dtype=np.int64)  # the customer that last had each code
    for row in range(len(customer)):
        owner, code = customer[row], codes[row]
        if last_owner[code] != owner:
            last_owner[code] = owner
            distinct[owner] += 1
