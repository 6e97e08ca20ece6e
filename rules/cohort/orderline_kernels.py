"""Compiled loops of `rules.cohort.orderlines`: ranking order lines by customer, product and order without sorting
the whole file, and gathering them into history lines (first and last purchase, distinct orders).

Customer codes are small numbers (below a count of at most a few times the rows), so the lines are placed by
customer with a counting sort (stable: lines keep their file order), and only each customer's few lines are
then sorted by product and order. That is the order a stable sort of all lines by (customer, product, order)
gives, at a fraction of its cost. Given a thread pool, each pass runs in pieces side by side
(`rules.cohort.pieces`) and gives what it gives in one piece.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import partial
from itertools import pairwise

import numpy as np

from rules.cohort import pooled_arrays as pooled
from rules.cohort.compiled import kernel
from rules.cohort.pieces import customer_pieces, row_pieces, run_pieces
from rules.cohort.values import BoolArray, FloatArray, IntArray

# A customer with more lines than this has them sorted by numpy's merge sort instead of by insertion.
_INSERTION_LIMIT = 32
_HIGH, _LOW = np.iinfo(np.int64).max, np.iinfo(np.int64).min


def order_codes(order: IntArray | None, known: int, day: IntArray, has_line: BoolArray) -> tuple[IntArray, int]:
    """Each row's order as a code: its order id's code (``order``, -1 for none, ``known`` codes), or else a code
    for its day (``known`` + days since the first day), unique within a customer; and how many codes there are.

    Rows without a line (``has_line`` false) and no order id get code ``known``.
    """
    codes = pooled.empty(len(day), np.int64)
    days = _order_codes(np.zeros(0, dtype=np.int64) if order is None else order, known, day, has_line, codes)
    return codes, known + days


@kernel
def _order_codes(order: IntArray, known: int, day: IntArray, has_line: BoolArray, codes: IntArray) -> int:
    first, last = _HIGH, _LOW
    for row in range(len(day)):
        if has_line[row]:
            first, last = min(first, day[row]), max(last, day[row])
    if first > last:
        first = last = 0
    for row in range(len(day)):
        if len(order) and order[row] >= 0:
            codes[row] = order[row]
        else:
            codes[row] = known + (day[row] - first if has_line[row] else 0)
    return last - first + 1


def key_bits(orders: int) -> int:
    """How many bits an order code below ``orders`` takes in a ranking key."""
    return max(orders - 1, 0).bit_length()


def rank_lines(
    take: BoolArray, customer: IntArray, product: IntArray, order: IntArray, customers: int, bits: int,
    pool: Executor | None = None, workers: int = 1,
) -> tuple[IntArray, IntArray, IntArray]:
    """The rows where ``take`` is true in (customer, product, order) order, ties in file order, with their
    customers and keys.

    Args:
        take: per row, whether to rank it.
        customer: per row, the customer code (0..customers-1).
        product: per row, the product code (-1: none).
        order: per row, the order code (below ``2**bits``).
        customers: how many customer codes there are.
        bits: `key_bits` of the order codes; ``(products + 1) << bits`` must stay below 2**62.
        pool, workers: threads to run the passes on, in up to ``workers`` pieces (`rules.cohort.pieces`).

    Returns:
        The ranked rows, each one's customer code, and each one's key ``(product + 1) << bits | order`` (shifts
        and masks take it apart; a division per line was a third of the gathering's time).
    """
    pieces = row_pieces(len(take), pool, workers)
    counts = np.zeros((len(pieces), customers), dtype=np.int64)
    run_pieces(pool, [partial(_count, take[start:end], customer[start:end], counts[piece])
                      for piece, (start, end) in enumerate(pieces)])
    starts = np.zeros(customers + 1, dtype=np.int64)
    np.cumsum(counts.sum(axis=0), out=starts[1:])
    # Within each customer's slots, the lines of earlier pieces come first: the file order is kept.
    slots = starts[:-1] + np.cumsum(counts, axis=0) - counts
    ranked, keys, owners = (pooled.empty(int(starts[-1]), np.int64) for _ in range(3))
    run_pieces(pool, [partial(_place, take[start:end], customer[start:end], product[start:end], order[start:end],
                              start, bits, slots[piece], ranked, keys)
                      for piece, (start, end) in enumerate(pieces)])
    # Then each customer's few lines are sorted, the customers cut where the lines are halved.
    cuts = [0, *(int(np.searchsorted(starts, len(ranked) * part // len(pieces), side="right")) - 1
                 for part in range(1, len(pieces))), customers]
    run_pieces(pool, [partial(_sort_customers, starts, low, high, ranked, keys, owners)
                      for low, high in pairwise(cuts)])
    return ranked, owners, keys


@kernel
def _count(take: BoolArray, customer: IntArray, counts: IntArray) -> None:
    for row in range(len(take)):
        if take[row]:
            counts[customer[row]] += 1


@kernel
def _place(take: BoolArray, customer: IntArray, product: IntArray, order: IntArray, first_row: int, bits: int,
           slots: IntArray, ranked: IntArray, keys: IntArray) -> None:
    """Put each taken row in its customer's next slot (``slots`` advances), with its key."""
    for row in range(len(take)):
        if take[row]:
            at = slots[customer[row]]
            slots[customer[row]] = at + 1
            ranked[at] = first_row + row
            keys[at] = ((product[row] + 1) << bits) | order[row]


@kernel
def _sort_customers(starts: IntArray, low: int, high: int, ranked: IntArray, keys: IntArray,
                    owners: IntArray) -> None:
    """Sort the lines of customers ``low..high-1`` by key (stable) and note their customer."""
    for c in range(low, high):
        start, end = starts[c], starts[c + 1]
        owners[start:end] = c
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


def keep_purchased(owner: IntArray, key: IntArray, bits: int, ranked: IntArray, purchase: BoolArray,
                   customers: int, pool: Executor | None = None, workers: int = 1) -> tuple[BoolArray, IntArray]:
    """Which ranked lines belong to a customer × product with at least one purchase (returns alone have nothing
    to net against), and how many such customer × product lines each customer has.

    Args:
        owner, key, ranked: `rank_lines`' result.
        bits: the ``bits`` given to `rank_lines`.
        purchase: per row, whether it is a purchase.
        customers: how many customer codes there are.
        pool, workers: as for `rank_lines`.
    """
    kept = pooled.empty(len(ranked), np.bool_)
    lines = np.zeros(customers, dtype=np.int64)
    run_pieces(pool, [partial(_keep_purchased, owner[start:end], key[start:end], bits, ranked[start:end], purchase,
                              kept[start:end], lines)
                      for start, end in customer_pieces(owner, pool, workers)])
    return kept, lines


@kernel
def _keep_purchased(owner: IntArray, key: IntArray, bits: int, ranked: IntArray, purchase: BoolArray,
                    kept: BoolArray, lines: IntArray) -> None:
    start = 0
    while start < len(owner):
        product = key[start] >> bits
        end, bought = start, False
        while end < len(owner) and owner[end] == owner[start] and key[end] >> bits == product:
            bought = bought or purchase[ranked[end]]
            end += 1
        kept[start:end] = bought
        lines[owner[start]] += bought
        start = end


@dataclass(frozen=True)
class Lines:
    """The kept order lines gathered into history lines (customer × product), in ranking order.

    Attributes:
        rows: the kept order lines' rows, in ranking order.
        starts: where each history line starts among the kept order lines.
        customer, product: each history line's customer and product codes (product -1: none).
        quantity, amount: the kept order lines' signed quantities and amounts, in ranking order (summed per
            history line by the caller, with numpy's own summation).
        first, last: each history line's first and last purchase day (no purchase: the int64 limits).
        order_count: each history line's distinct orders among its purchases.
        total_orders: each customer's distinct orders among its purchases.
        bought: whether the customer has any purchase.
        fractional: some kept quantity has decimals.
    """

    rows: IntArray
    starts: IntArray
    customer: IntArray
    product: IntArray
    quantity: FloatArray
    amount: FloatArray
    first: IntArray
    last: IntArray
    order_count: IntArray
    total_orders: IntArray
    bought: BoolArray
    fractional: bool


def gather_lines(
    ranked: IntArray, owner: IntArray, key: IntArray, kept: BoolArray, bits: int, customers: int,
    day: IntArray, purchase: BoolArray, quantity: FloatArray, amount: FloatArray,
    pool: Executor | None = None, workers: int = 1,
) -> Lines:
    """The kept ranked order lines as history lines.

    Args:
        ranked, owner, key: `rank_lines`' result (positions, customer codes, keys).
        kept: which of the ranked lines count.
        bits: the ``bits`` given to `rank_lines`.
        customers: how many customer codes there are.
        day, purchase, quantity, amount: per file row: the day, whether it is a purchase (not a return), and
            the signed quantity and amount.
        pool, workers: as for `rank_lines`.
    """
    rows = ranked
    if not kept.all():  # most files keep every ranked line
        rows, owner, key = _compact_kept(kept, [ranked, owner, key], pool, workers)
    pieces = customer_pieces(owner, pool, workers)
    counted = run_pieces(pool, [partial(_count_groups, owner[start:end], key[start:end], bits)
                                for start, end in pieces])
    group_bounds = np.concatenate([[0], np.cumsum(counted)]).astype(np.int64)
    groups = int(group_bounds[-1])
    lines = Lines(
        rows=rows, starts=pooled.empty(groups, np.int64), customer=pooled.empty(groups, np.int64),
        product=pooled.empty(groups, np.int64), quantity=pooled.empty(len(rows)), amount=pooled.empty(len(rows)),
        first=pooled.empty(groups, np.int64), last=pooled.empty(groups, np.int64),
        order_count=pooled.zeros(groups, np.int64), total_orders=pooled.zeros(customers, np.int64),
        bought=pooled.zeros(customers, np.bool_), fractional=False)
    line_day, line_purchase = pooled.empty(len(rows), np.int64), pooled.empty(len(rows), np.bool_)

    def gather(piece: int) -> bool:
        (start, end), low, high = pieces[piece], group_bounds[piece], group_bounds[piece + 1]
        _take(rows[start:end], day, purchase, quantity, amount, line_day[start:end], line_purchase[start:end],
              lines.quantity[start:end], lines.amount[start:end])
        return bool(_gather(owner[start:end], key[start:end], bits, start, line_day[start:end],
                            line_purchase[start:end], lines.quantity[start:end], lines.starts[low:high],
                            lines.customer[low:high], lines.product[low:high], lines.first[low:high],
                            lines.last[low:high], lines.order_count[low:high], lines.total_orders, lines.bought))

    fractional = run_pieces(pool, [partial(gather, piece) for piece in range(len(pieces))])
    return replace(lines, fractional=any(fractional))


def _compact_kept(kept: BoolArray, arrays: list[IntArray], pool: Executor | None, workers: int
                  ) -> list[IntArray]:
    """``array[kept]`` for each of ``arrays``, compacted in pieces side by side."""
    pieces = row_pieces(len(kept), pool, workers)
    bounds = np.cumsum([0, *(int(np.count_nonzero(kept[start:end])) for start, end in pieces)])
    compacted = [pooled.empty(int(bounds[-1]), np.int64) for _ in arrays]

    def compact(piece: int) -> None:
        (start, end), low, high = pieces[piece], bounds[piece], bounds[piece + 1]
        for array, out in zip(arrays, compacted, strict=True):
            _compact(kept[start:end], array[start:end], out[low:high])

    run_pieces(pool, [partial(compact, piece) for piece in range(len(pieces))])
    return compacted


@kernel
def _compact(kept: BoolArray, values: IntArray, out: IntArray) -> None:
    at = 0
    for i in range(len(kept)):
        if kept[i]:
            out[at] = values[i]
            at += 1


@kernel
def _take(rows: IntArray, day: IntArray, purchase: BoolArray, quantity: FloatArray, amount: FloatArray,
          line_day: IntArray, line_purchase: BoolArray, line_quantity: FloatArray, line_amount: FloatArray) -> None:
    # The rows' values are read before the lines are walked: a loop with no branch keeps many memory reads in
    # flight, where `_gather`, which branches on each value it reads, would wait for every one.
    for i in range(len(rows)):
        row = rows[i]
        line_day[i] = day[row]
        line_purchase[i] = purchase[row]
        line_quantity[i] = quantity[row]
        line_amount[i] = amount[row]


@kernel
def _count_groups(owner: IntArray, key: IntArray, bits: int) -> int:
    groups, last_owner, last_product = 0, -1, -1
    for i in range(len(owner)):
        product = key[i] >> bits
        if owner[i] != last_owner or product != last_product:
            groups += 1
            last_owner, last_product = owner[i], product
    return groups


@kernel
def _gather(owner: IntArray, key: IntArray, bits: int, first_line: int, day: IntArray, purchase: BoolArray,
            quantity: FloatArray, starts: IntArray, line_customer: IntArray, line_product: IntArray, first: IntArray,
            last: IntArray, order_count: IntArray, total_orders: IntArray, bought: BoolArray) -> bool:
    fractional = False
    mask = (1 << bits) - 1
    group, last_product, last_order = -1, -1, -1
    # A customer's orders span its products: collect them, then sort the few and count the distinct.
    scratch = np.empty(16, dtype=np.int64)
    collected = 0
    for i in range(len(owner)):
        who, product = owner[i], key[i] >> bits
        if group < 0 or who != line_customer[group] or product != last_product:
            if group >= 0 and who != line_customer[group] and collected:
                total_orders[line_customer[group]] = _distinct(scratch, collected)
                bought[line_customer[group]] = True
                collected = 0
            group += 1
            starts[group], line_customer[group], line_product[group] = first_line + i, who, product - 1
            first[group], last[group] = _HIGH, _LOW
            last_product, last_order = product, -1
        fractional = fractional or quantity[i] != np.floor(quantity[i])
        if purchase[i]:
            first[group] = min(first[group], day[i])
            last[group] = max(last[group], day[i])
            order = key[i] & mask
            if order != last_order:  # a line's rows are sorted by order
                order_count[group] += 1
                last_order = order
            if collected == len(scratch):
                grown = np.empty(2 * len(scratch), dtype=np.int64)
                grown[:collected] = scratch
                scratch = grown
            scratch[collected] = order
            collected += 1
    if collected:
        total_orders[line_customer[group]] = _distinct(scratch, collected)
        bought[line_customer[group]] = True
    return fractional


@kernel
def _distinct(values: IntArray, count: int) -> int:
    """How many distinct values the first ``count`` of ``values`` hold (they are reordered)."""
    if count > _INSERTION_LIMIT:
        values[:count] = np.sort(values[:count])
    else:
        for i in range(1, count):
            value = values[i]
            j = i
            while j > 0 and values[j - 1] > value:
                values[j] = values[j - 1]
                j -= 1
            values[j] = value
    distinct = 1
    for i in range(1, count):
        distinct += values[i] != values[i - 1]
    return distinct
