"""Per-customer metrics over the whole cohort at once: the numbers `rules.analyze` computes one customer at a time.

Sums of money are added in the order the scalar engine adds them (each customer's lines in table order,
categories in order of first appearance), so every total is the same double, not merely close: reasons
print whole numbers without decimals, and a last-bit difference would show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_input import CustomerColumns, LineColumns, Problems
from rules.cohort.columnar_numbers import BoolArray, FloatArray, IntArray
from rules.rulebook import Rulebook


def ordered_sums(values: FloatArray, group: IntArray, position: IntArray, groups: int) -> FloatArray:
    """Per group, ``((v0 + v1) + v2) + ...`` in the order given by `position` within the group.

    Python's ``sum`` adds left to right; numpy's reductions add pairwise. The loop here runs over positions
    within a group (as many as the largest group has members), each step one vectorised add.
    """
    totals = np.zeros(groups, dtype=np.float64)
    for rows in _by_position(position):
        totals[group[rows]] += values[rows]
    return totals


def _segment_starts(starts: IntArray, filled: BoolArray) -> IntArray:
    return starts[:-1][filled]


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
    count = len(customers)
    sizes = np.diff(lines.starts)
    filled = sizes > 0
    seg = _segment_starts(lines.starts, filled)
    total_spent = ordered_sums(lines.total_spent, lines.customer, lines.position, count)
    line_orders = np.zeros(count, dtype=np.int64)
    most_orders = np.zeros(count, dtype=np.int64)
    last = np.full(count, as_of, dtype=np.int64)
    first_seen = np.full(count, as_of, dtype=np.int64)
    if len(seg):
        line_orders[filled] = np.add.reduceat(lines.order_count, seg)
        most_orders[filled] = np.maximum.reduceat(lines.order_count, seg)
        last[filled] = np.maximum.reduceat(lines.last, seg)
        first_seen[filled] = np.minimum.reduceat(np.where(lines.has_first, lines.first, lines.last), seg)

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


def category_metrics(lines: LineColumns, count: int) -> CategoryMetrics:
    """Spend and orders per customer × category, then the top category (ties: alphabetically first)."""
    encoded = lines.category_codes
    names = encoded.values
    alphabetical = np.argsort(np.asarray(pc.sort_indices(names)), kind="stable")
    codes = encoded.codes.astype(np.int64)
    known = codes >= 0
    rows = np.flatnonzero(known)
    empty = CategoryMetrics(np.zeros(count, dtype=np.bool_), names, np.zeros(count, dtype=np.int64),
                            np.zeros(count), np.zeros(count, dtype=np.int64), np.zeros(count))
    if len(rows) == 0:
        return empty
    rank = alphabetical[codes[rows]]
    if len(names) <= _WIDE_CATEGORIES:
        return _category_metrics_wide(lines, count, names, rows, rank)
    key = lines.customer[rows] * (len(names) + 1) + rank
    order = np.argsort(key, kind="stable")  # nearly sorted already: lines come in customer order
    rows, key = rows[order], key[order]
    boundary = np.ones(len(rows), dtype=np.bool_)
    boundary[1:] = key[1:] != key[:-1]
    group_starts = np.flatnonzero(boundary)
    group_of_row = np.cumsum(boundary) - 1
    groups = len(group_starts)
    spend = ordered_sums(lines.total_spent[rows], group_of_row,
                         np.arange(len(rows)) - group_starts[group_of_row], groups)
    group_orders = np.add.reduceat(lines.order_count[rows], group_starts)
    group_customer = lines.customer[rows[group_starts]]
    group_code = codes[rows[group_starts]]

    customer_change = np.ones(groups, dtype=np.bool_)
    customer_change[1:] = group_customer[1:] != group_customer[:-1]
    customer_starts = np.flatnonzero(customer_change)
    best = np.maximum.reduceat(spend, customer_starts)
    slot = np.cumsum(customer_change) - 1
    is_best = spend == best[slot]
    best_groups = np.flatnonzero(is_best)
    first_best = best_groups[np.r_[True, slot[best_groups[1:]] != slot[best_groups[:-1]]]]

    # The scalar engine totals the categories in order of their first line.
    appearance = np.argsort(rows[group_starts], kind="stable")
    appearance_customer = group_customer[appearance]
    appearance_change = np.ones(groups, dtype=np.bool_)
    appearance_change[1:] = appearance_customer[1:] != appearance_customer[:-1]
    appearance_starts = np.flatnonzero(appearance_change)
    appearance_position = np.arange(groups) - appearance_starts[np.cumsum(appearance_change) - 1]
    total = ordered_sums(spend[appearance], appearance_customer, appearance_position, count)

    has = np.zeros(count, dtype=np.bool_)
    top = np.zeros(count, dtype=np.int64)
    top_spend = np.zeros(count)
    top_orders = np.zeros(count, dtype=np.int64)
    winners = group_customer[first_best]
    has[winners] = True
    top[winners] = group_code[first_best]
    top_spend[winners] = spend[first_best]
    top_orders[winners] = group_orders[first_best]
    return CategoryMetrics(has, names, top, top_spend, top_orders, total)


_WIDE_CATEGORIES = 16


def _category_metrics_wide(lines: LineColumns, count: int, names: pa.Array, rows: IntArray, rank: IntArray
                           ) -> CategoryMetrics:
    """`category_metrics` for few categories: a customers × categories table instead of a sort.

    Lines are visited by their position within the customer (a loop over positions, each step vectorised):
    category spends add up in line order, and each category joins the customer's total at its first line, so
    the total adds the categories in order of first appearance, as the scalar engine does.
    """
    width = len(names)
    every_line = len(rows) == len(lines)  # then rows is 0, 1, 2, …: spare the gathers
    customer = lines.customer if every_line else lines.customer[rows]
    cell = customer * width + rank  # columns in alphabetical order
    position = lines.position if every_line else lines.position[rows]
    spent = lines.total_spent if every_line else lines.total_spent[rows]
    cells = count * width
    spend = np.zeros(cells)
    seen = np.zeros(cells, dtype=np.bool_)
    firsts = []
    for step in _by_position(position):
        here = cell[step]
        spend[here] += spent[step]
        firsts.append(step[~seen[here]])
        seen[here] = True
    total = np.zeros(count)
    for step in firsts:  # the first line of each category, in position order
        total[customer[step]] += spend[cell[step]]
    order_count = lines.order_count if every_line else lines.order_count[rows]
    orders = np.bincount(cell, weights=order_count, minlength=cells).astype(np.int64)

    table = np.where(seen, spend, -np.inf).reshape(count, width)
    top = np.argmax(table, axis=1)  # ties: the first column, alphabetically first
    everyone = np.arange(count)
    chosen = everyone * width + top
    code_of_rank = np.asarray(pc.sort_indices(names), dtype=np.int64)
    has: BoolArray = np.any(seen.reshape(count, width), axis=1)
    return CategoryMetrics(has, names, code_of_rank[top], spend[chosen], orders[chosen], total)


def _by_position(position: IntArray) -> list[IntArray]:
    """Row indices grouped by position (0, 1, 2, …), each group in row order."""
    if len(position) == 0:
        return []
    narrow = np.int16 if position.max() < np.iinfo(np.int16).max else np.int32  # 16 bits sort by radix
    order = np.argsort(position.astype(narrow), kind="stable")
    bounds = np.searchsorted(position[order], np.arange(int(position.max()) + 2))
    return [order[bounds[i]: bounds[i + 1]] for i in range(len(bounds) - 1)]


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


def product_lines(lines: LineColumns, count: int) -> ProductLines:
    """The product lines, a rank ordering their ids as Python orders strings, and each customer's number of
    distinct products.

    Ids are ranked through their distinct values (a few thousand, however many lines). Files read into a
    cohort often list a customer's products in id order; then there are no repeats to look for.
    """
    encoded = lines.product_codes
    rows = np.flatnonzero(encoded.codes >= 0)
    customer = lines.customer[rows]
    dictionary_rank = np.argsort(np.asarray(pc.sort_indices(encoded.values)), kind="stable")
    id_rank = dictionary_rank[encoded.codes[rows]].astype(np.int64)
    distinct = np.bincount(customer, minlength=count).astype(np.int64)
    if len(rows) < 2:
        return ProductLines(rows, customer, id_rank, distinct)
    same_customer = customer[1:] == customer[:-1]
    if bool(np.all((id_rank[1:] > id_rank[:-1]) | ~same_customer)):
        return ProductLines(rows, customer, id_rank, distinct)
    width = len(encoded.values)
    ordered = np.sort(customer * width + id_rank, kind="stable")  # runs per customer: timsort is quick
    repeats = ordered[1:][ordered[1:] == ordered[:-1]] // width
    distinct -= np.bincount(repeats, minlength=count)
    return ProductLines(rows, customer, id_rank, distinct)
