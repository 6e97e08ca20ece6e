"""Compiled loops of `rules.cohort.orderlines`: ranking order lines by customer, product and order, and counting
distinct orders, without sorting the whole file.

Customer codes are dense (0..customers-1), so the lines are placed by customer with a counting sort (stable:
lines keep their file order), and only each customer's few lines are then sorted by product and order. That is
the order a stable sort of all lines by (customer, product, order) gives, at a fraction of its cost.
"""

from __future__ import annotations

import numpy as np

from rules.cohort.compiled import kernel
from rules.cohort.values import BoolArray, IntArray

# A customer with more lines than this has them sorted by numpy's merge sort instead of by insertion.
_INSERTION_LIMIT = 32


def rank_lines(
    rows: IntArray, customer: IntArray, product: IntArray, order: IntArray, customers: int, orders: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """``rows`` in (customer, product, order) order, ties in file order, with their customers and keys.

    Args:
        rows: the positions of the lines to rank, ascending.
        customer: per position, the customer code (0..customers-1).
        product: per position, the product code (0..products-1).
        order: per position, the order code (0..orders-1).
        customers: how many customer codes there are.
        orders: how many order codes there are; ``products × orders`` must stay below 2**62.

    Returns:
        The ranked positions, each one's customer code, and each one's ``product × orders + order``.
    """
    ranked = np.empty(len(rows), dtype=np.int64)  # by numpy: huge pages (see `rules.cohort.compiled`)
    keys = np.empty(len(rows), dtype=np.int64)
    starts = np.zeros(customers + 1, dtype=np.int64)
    _rank(rows, customer, product, order, orders, starts, ranked, keys)
    owners = np.repeat(np.arange(customers, dtype=np.int64), np.diff(starts))
    return ranked, owners, keys


@kernel
def _rank(rows: IntArray, customer: IntArray, product: IntArray, order: IntArray, orders: int,
          starts: IntArray, ranked: IntArray, keys: IntArray) -> None:
    customers = len(starts) - 1
    for i in range(len(rows)):
        starts[customer[rows[i]] + 1] += 1
    for c in range(customers):
        starts[c + 1] += starts[c]
    filled = starts[:-1].copy()
    for i in range(len(rows)):
        row = rows[i]
        at = filled[customer[row]]
        filled[customer[row]] = at + 1
        ranked[at] = row
        keys[at] = product[row] * orders + order[row]
    for c in range(customers):
        start, end = starts[c], starts[c + 1]
        if end - start <= _INSERTION_LIMIT:
            for i in range(start + 1, end):  # insertion sort: stable, and fastest for a few lines
                key, row = keys[i], ranked[i]
                j = i
                while j > start and keys[j - 1] > key:
                    keys[j] = keys[j - 1]
                    ranked[j] = ranked[j - 1]
                    j -= 1
                keys[j] = key
                ranked[j] = row
        else:
            by_key = np.argsort(keys[start:end], kind="mergesort")
            ranked[start:end] = ranked[start:end][by_key]
            keys[start:end] = keys[start:end][by_key]


def count_orders(
    customer: IntArray, order: IntArray, purchase: BoolArray, starts: IntArray, customers: int,
) -> tuple[IntArray, IntArray, BoolArray]:
    """Distinct orders among purchases: per history line, and per customer.

    Args:
        customer, order, purchase: the ranked lines' customer codes, order codes and whether each is a purchase
            (not a return); sorted by customer, then product, then order.
        starts: where each history line (customer × product) starts among them.
        customers: how many customer codes there are.

    Returns:
        Orders per history line; orders per customer; whether the customer has any purchase.
    """
    per_line = np.zeros(len(starts), dtype=np.int64)
    per_customer = np.zeros(customers, dtype=np.int64)
    bought = np.zeros(customers, dtype=np.bool_)
    _count_orders(customer, order, purchase, starts, per_line, per_customer, bought)
    return per_line, per_customer, bought


@kernel
def _count_orders(customer: IntArray, order: IntArray, purchase: BoolArray, starts: IntArray,
                  per_line: IntArray, per_customer: IntArray, bought: BoolArray) -> None:
    size = len(customer)
    for line in range(len(starts)):
        end = starts[line + 1] if line + 1 < len(starts) else size
        previous = -1
        for i in range(starts[line], end):
            if purchase[i] and order[i] != previous:  # a line's rows are sorted by order
                per_line[line] += 1
                previous = order[i]
    # A customer's orders span its lines: sort each customer's purchase orders (a few) and count the changes.
    scratch = np.empty(16, dtype=np.int64)
    start = 0
    while start < size:
        who = customer[start]
        end = start
        count = 0
        while end < size and customer[end] == who:
            if purchase[end]:
                if count == len(scratch):
                    grown = np.empty(2 * len(scratch), dtype=np.int64)
                    grown[:count] = scratch[:count]
                    scratch = grown
                scratch[count] = order[end]
                count += 1
            end += 1
        if count:
            bought[who] = True
            distinct = np.sort(scratch[:count]) if count > _INSERTION_LIMIT else _insertion_sorted(scratch, count)
            changes = 1
            for i in range(1, count):
                changes += distinct[i] != distinct[i - 1]
            per_customer[who] = changes
        start = end


@kernel
def _insertion_sorted(values: IntArray, count: int) -> IntArray:
    for i in range(1, count):
        value = values[i]
        j = i
        while j > 0 and values[j - 1] > value:
            values[j] = values[j - 1]
            j -= 1
        values[j] = value
    return values[:count]
