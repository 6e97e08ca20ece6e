"""Order lines (transactions) → the per-customer, per-product purchase history, a whole file at a time.

For each customer × product: totalQuantity and totalSpent (returns netted), orderCount (distinct orders; an
order is its order id, or the customer's day when the file has no order ids), firstPurchase and lastPurchase
(of purchases), and avgDaysBetween = (last − first) / (orderCount − 1) days, NaN when bought once.

Row checks run in this order, each rejected row counted once under the first reason that applies (see
`rules.cohort.rejects.REASONS`): no customer id, id too long, bad date, bad quantity, bad amount, product too
long or missing, non-product line, cancelled (status), zero quantity, zero price, exact duplicate, a return
with no purchase of that product by that customer to net against, and a customer with more product lines than
the engine takes.

Returns and cancellations (negative quantity or amount, an order id like C536379 in a file of numeric order ids,
or a cancelled/returned status on a negative line) are netted against the same customer's purchases of the same
product; they count as neither orders nor purchase days. A line whose status says cancelled or returned but whose
numbers are positive reverses itself: it is rejected as ``cancelled_order``.

Everything is done with reductions over whole columns and a ranking by customer, product and order that
sorts each customer's few lines only (`rules.cohort.orderline_kernels`); nothing loops over rows in Python.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.attributes import resolve
from rules.cohort.dates import Days
from rules.cohort.orderline_kernels import Lines, gather_lines, key_bits, order_codes, rank_lines
from rules.cohort.rejects import RowLog, over_line_limit, take_rows
from rules.cohort.values import BoolArray, Codes, FloatArray, IntArray, Numbers, describer, longer_than, spread_flags
from rules.text import fold

MAX_ID, MAX_CATEGORY = 128, 64

# Product codes and names of lines that are not products: postage and shipping, fees, manual adjustments,
# discounts and vouchers (the Online Retail export's codes, and their usual Turkish counterparts). Matched
# against the product id and the product name, however they are spelled (`rules.text.fold`).
DEFAULT_NON_PRODUCT_CODES: frozenset[str] = frozenset(fold(code) for code in (
    "POST", "DOT", "C2", "M", "D", "CRUK", "PADS", "AMAZONFEE", "BANK CHARGES", "ADJUST", "ADJUST2",
    "POSTAGE", "DOTCOM POSTAGE", "CARRIAGE", "MANUAL", "DISCOUNT", "SAMPLES", "ADJUST BAD DEBT",
    "CRUK COMMISSION", "AMAZON FEE", "SHIPPING", "SHIPPING FEE", "SHIPPING COST", "DELIVERY", "DELIVERY FEE",
    "SERVICE FEE", "HANDLING FEE", "FEE", "KARGO", "KARGO ÜCRETİ", "KARGO BEDELİ", "TESLİMAT ÜCRETİ",
    "HİZMET BEDELİ", "KAPIDA ÖDEME", "KAPIDA ÖDEME BEDELİ", "İNDİRİM", "İSKONTO", "KUPON", "KOMİSYON",
))
CANCEL_WORDS = ("iptal", "iade", "cancel", "return", "refund", "void")


@dataclass(frozen=True)
class OrderLines:
    """The parsed columns of an order-line file, one entry per table row.

    Attributes:
        customer: customer codes.
        days: the order dates.
        order: order id codes, if the file has order ids.
        product: what a history line is keyed by: product ids, else product names, else categories.
        product_is_id: False when ``product`` holds categories (an order-level file: product_id stays <NA>).
        name, category: product names and categories, if the file has them.
        quantity: quantities, if the file has them (else every line counts 1).
        amount, unit_price: line amounts and unit prices; amount = quantity × unit price where there is no amount.
        status: order status codes, if the file has a status column.
    """

    customer: Codes
    days: Days
    order: Codes | None = None
    product: Codes | None = None
    product_is_id: bool = True
    name: Codes | None = None
    category: Codes | None = None
    quantity: Numbers | None = None
    amount: Numbers | None = None
    unit_price: Numbers | None = None
    status: Codes | None = None


@dataclass
class History:
    """The history lines (one per customer × product, customer-major) and per-customer order counts.

    ``customer`` holds customer codes; the id texts are the caller's ``OrderLines.customer.values``.
    """

    customer: IntArray
    product_id: pa.Array
    product_name: pa.Array
    category: pa.Array
    total_quantity: IntArray
    total_spent: FloatArray
    order_count: IntArray
    first: IntArray
    last: IntArray
    avg_days_between: FloatArray
    total_orders: IntArray
    has_total_orders: BoolArray
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_history(lines: OrderLines, log: RowLog, table: pa.Table, exclude: Collection[str]) -> History:
    """Check every row (rejecting into ``log``) and aggregate the accepted ones into the history.

    Rows with a customer id and no order data at all (a customer list joined to its orders) are accepted as
    customers without lines. ``table`` holds the rows' original values, to tell exact duplicates.
    """
    notes: list[str] = []
    warnings: list[str] = []
    size = len(log.codes)
    customer = lines.customer.codes
    log.reject(customer < 0, "missing_customer_id")
    log.reject(longer_than(lines.customer, MAX_ID), "bad_customer_id")
    has_line = log.alive & _has_order_data(lines, size)
    quantity, amount = _quantities_and_amounts(lines, size, notes)
    log.reject(has_line & ~lines.days.ok, "bad_date")
    if lines.quantity is not None:
        log.reject(has_line & ~np.isfinite(quantity), "bad_quantity")
    log.reject(has_line & ~np.isfinite(amount), "bad_amount")
    product = lines.product.codes if lines.product is not None else np.full(size, -1, dtype=np.int64)
    if lines.product is not None:
        limit = MAX_ID if lines.product_is_id else MAX_CATEGORY
        log.reject(has_line & longer_than(lines.product, limit), "bad_product")
        if lines.product_is_id:
            log.reject(has_line & (product < 0), "missing_product")
    if lines.category is not None:
        log.reject(has_line & longer_than(lines.category, MAX_CATEGORY), "bad_product")

    if exclude:
        reject_non_products(lines, exclude, log, has_line)
    reversal = _reversals(lines, quantity, amount, log, has_line, notes)
    purchase = ~reversal
    log.reject(has_line & purchase & (quantity == 0), "zero_quantity")
    log.reject(has_line & (amount == 0), "zero_price")
    signed_quantity, signed_amount = quantity.copy(), amount.copy()
    returned = np.flatnonzero(reversal)  # a few percent of the rows
    signed_quantity[returned] = -np.abs(quantity[returned])
    signed_amount[returned] = -np.abs(amount[returned])

    # One ranking by customer, product and order. The checks that need neighbours (copies, returns without a
    # purchase, crowded customers) run on the keys alone; the other columns are gathered once, for the lines
    # that are kept.
    day = lines.days.days
    order, orders = order_codes(None if lines.order is None else lines.order.codes,
                                0 if lines.order is None else len(lines.order), day, has_line)
    products = len(lines.product) if lines.product is not None else 0
    customers = len(lines.customer)
    order, bits = _compact_orders(order, orders, products + 1)
    ranked, owner, key = rank_lines(np.flatnonzero(has_line & log.alive), customer, product + 1, order, customers,
                                    bits)
    copies = copies_among(ranked, [owner, key], table)
    log.reject(_flags(size, ranked[copies]), "duplicate_row")
    kept = ~copies
    ranked, owner, key = ranked[kept], owner[kept], key[kept]
    bought_rows = purchase[ranked]
    starts = _group_starts(owner, key >> bits)
    bought = np.add.reduceat(bought_rows.astype(np.int64), starts) if len(starts) else np.zeros(0)
    kept = ~np.repeat(bought == 0, np.diff(np.append(starts, len(ranked))))
    log.reject(_flags(size, ranked[~kept]), "return_without_purchase")
    # A shared guest account can buy more products than one request may hold: its rows are rejected, so the
    # rest of the file still reads.
    crowded = np.zeros(customers, dtype=np.bool_)
    over = over_line_limit(owner[starts[kept[starts]]] if len(starts) else owner[:0])
    crowded[:len(over)] = over
    if crowded.any():
        too_many = crowded[owner] & kept
        log.reject(_flags(size, ranked[too_many]), "too_many_products")
        kept &= ~too_many
    gathered = gather_lines(ranked, owner, key, kept, bits, customers, day, purchase, signed_quantity,
                            signed_amount)
    history = _aggregate(gathered, warnings)
    _describe_products(history, lines, ranked[kept], gathered.product)
    history.notes, history.warnings = notes, warnings + history.warnings
    return history


def _flags(size: int, positions: IntArray) -> BoolArray:
    flags = np.zeros(size, dtype=np.bool_)
    flags[positions] = True
    return flags


def _has_order_data(lines: OrderLines, size: int) -> BoolArray:
    given = lines.days.present.copy()
    for codes in (lines.order, lines.product if lines.product_is_id else None, lines.name):
        if codes is not None:
            given |= codes.codes >= 0
    for numbers in (lines.quantity, lines.amount, lines.unit_price):
        if numbers is not None:
            given |= numbers.present
    return given


def _quantities_and_amounts(lines: OrderLines, size: int, notes: list[str]) -> tuple[FloatArray, FloatArray]:
    if lines.quantity is not None:
        quantity = lines.quantity.values
    else:
        quantity = np.ones(size)
        notes.append("no quantity column: each line counts as quantity 1")
    amount = np.full(size, np.nan)
    if lines.amount is not None:
        amount = lines.amount.values.copy()
    if lines.unit_price is not None:
        from_price = quantity * lines.unit_price.values
        missing = ~np.isfinite(amount)
        amount[missing] = from_price[missing]
        if lines.amount is None:
            notes.append("amount = quantity × unit price")
    return quantity, amount


def _compact_orders(order: IntArray, orders: int, products: int) -> tuple[IntArray, int]:
    """Order codes for a ranking key, and the key's bits for them: renumbered 0..n-1 first when ``products``
    and ``orders`` would not fit one key (order ids numbered from their digits may be that sparse; the key must
    not overflow)."""
    if products << key_bits(orders) < 2**62:
        return order, key_bits(orders)
    distinct, codes = np.unique(order, return_inverse=True)
    return codes.astype(np.int64), key_bits(len(distinct))


def _group_starts(*keys: IntArray) -> IntArray:
    """Where each run of equal keys starts (the keys are sorted alike)."""
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(len(keys[0]), dtype=np.bool_)
    change[0] = True
    for values in keys:
        change[1:] |= values[1:] != values[:-1]
    return np.flatnonzero(change)


def reject_duplicates(ranked: IntArray, keys: list[IntArray], table: pa.Table, log: RowLog) -> None:
    """Reject exact copies of an earlier row; ``ranked`` are row positions sorted by ``keys`` (per-row arrays)."""
    copies = copies_among(ranked, [values[ranked] for values in keys], table)
    log.reject(_flags(len(log.codes), ranked[copies]), "duplicate_row")


def copies_among(ranked: IntArray, sorted_keys: list[IntArray], table: pa.Table) -> BoolArray:
    """Which of the rows ``ranked`` (sorted by ``sorted_keys``, given in that order) copy an earlier row exactly.

    Only neighbours with equal keys can be copies, so only those few rows are compared on all their values.
    """
    copies = np.zeros(len(ranked), dtype=np.bool_)
    if len(ranked) < 2:
        return copies
    same = np.ones(len(ranked) - 1, dtype=np.bool_)
    for values in sorted_keys:
        same &= values[1:] == values[:-1]
    if not same.any():
        return copies
    pairs = np.flatnonzero(same)
    candidates = np.unique(np.concatenate([pairs, pairs + 1]))  # positions in ranked
    by_row = candidates[np.argsort(ranked[candidates], kind="stable")]  # "earlier" means earlier in the file
    original = take_rows(table, ranked[by_row]).to_pandas()
    copies[by_row[original.duplicated(keep="first").to_numpy()]] = True
    return copies


def reject_non_products(lines: OrderLines, exclude: Collection[str], log: RowLog, has_line: BoolArray) -> None:
    keys = {fold(code) for code in exclude}
    flagged = np.zeros(len(log.codes), dtype=np.bool_)
    for codes in (lines.product if lines.product_is_id else None, lines.name):
        if codes is not None and len(codes):
            hit = np.array([fold(str(value)) in keys for value in codes.values.to_pylist()], dtype=np.bool_)
            flagged |= spread_flags(hit, codes.codes)
    log.reject(has_line & flagged, "non_product_line")


def _reversals(
    lines: OrderLines, quantity: FloatArray, amount: FloatArray, log: RowLog, has_line: BoolArray,
    notes: list[str],
) -> BoolArray:
    """Lines that reverse a purchase; rejects lines whose status cancels them while their numbers are positive."""
    negative = (quantity < 0) | (amount < 0)
    reversal = negative.copy()
    # Order ids without texts are all plain numbers. The regexes run only when some id starts with a C.
    if lines.order is not None and len(lines.order.values) and \
            pc.any(pc.starts_with(lines.order.values, "C", ignore_case=True)).as_py():
        ids = lines.order.values
        marked = pc.match_substring_regex(ids, r"^[Cc]\d+$").to_numpy(zero_copy_only=False)
        numeric = pc.match_substring_regex(ids, r"^\d+$").to_numpy(zero_copy_only=False)
        share = _share(lines.order.codes, marked)
        if marked.any() and numeric.any() and share < 0.5:
            reversal |= spread_flags(marked, lines.order.codes)
            notes.append("order ids like C536379 (C before a number) are cancellations of earlier purchases")
    if lines.status is not None and len(lines.status):
        words = [fold(str(value)) for value in lines.status.values.to_pylist()]
        cancelled = np.array([any(word in text for word in CANCEL_WORDS) for text in words], dtype=np.bool_)
        by_status = spread_flags(cancelled, lines.status.codes)
        log.reject(has_line & by_status & ~negative, "cancelled_order")
        reversal |= by_status
    return reversal


def _share(codes: IntArray, flags: np.ndarray) -> float:
    present = codes >= 0
    if not present.any():
        return 0.0
    return float(np.asarray(flags, dtype=np.bool_)[codes[present]].mean())


def _aggregate(lines: Lines, warnings: list[str]) -> History:
    starts = lines.starts
    groups = len(starts)
    total_quantity = np.add.reduceat(lines.quantity, starts) if groups else np.zeros(0)
    total_spent = np.add.reduceat(lines.amount, starts) if groups else np.zeros(0)
    # Sums of cents carry binary noise (6 × 2.55 + ... = 17.849999999999998); no currency has 6 decimals.
    total_spent = np.round(total_spent, 6)
    rounded = np.round(total_quantity)
    if lines.fractional:
        warnings.append("some quantities have decimals; each product's total is rounded to whole units")
    over_returned = (rounded < 0) | (total_spent < -0.005)
    if over_returned.any():
        warnings.append(f"{int(over_returned.sum())} customer × product line(s) have more returned than bought "
                        "in this file (the purchases are probably older than the export); their totals are 0")
    span = (lines.last - lines.first).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        average = np.where(lines.order_count > 1, span / (lines.order_count - 1), np.nan)
    return History(
        customer=lines.customer,
        product_id=pa.nulls(groups, pa.string()), product_name=pa.nulls(groups, pa.string()),
        category=pa.nulls(groups, pa.string()),
        total_quantity=np.maximum(rounded, 0).astype(np.int64), total_spent=np.maximum(total_spent, 0.0),
        order_count=lines.order_count, first=lines.first, last=lines.last, avg_days_between=average,
        total_orders=lines.total_orders, has_total_orders=lines.bought,
    )


def _describe_products(history: History, lines: OrderLines, accepted: IntArray, line_product: IntArray) -> None:
    """Product id, name and category of every history line (per product: its most frequent name and category).

    Args:
        history: the history lines, described in place.
        lines: the file's columns.
        accepted: the positions of the order lines the history is made of.
        line_product: each history line's product code.
    """
    if lines.product is None or not len(history.customer):
        return
    values = _texts(lines.product.values, line_product)
    if not lines.product_is_id:
        history.category = values
        return
    history.product_id = values
    # In file order: the same rows as `accepted`, read front to back instead of gathered.
    in_file = _flags(len(lines.product.codes), accepted) & (lines.product.codes >= 0)
    for label, codes in (("product_name", lines.name), ("category", lines.category)):
        if codes is None:
            continue
        chosen = resolve(lines.product.codes, codes.codes, in_file & (codes.codes >= 0), None,
                         len(lines.product), f"{label} of a product",
                         describer(codes.values),
                         lines.product.values, history.warnings)
        per_line = np.where(chosen.known[line_product], chosen.values[line_product], -1)
        if label == "product_name":
            history.product_name = _texts(codes.values, per_line)
        else:
            history.category = _texts(codes.values, per_line)


def _texts(values: pa.Array, codes: IntArray) -> pa.Array:
    """The texts of codes (null for -1)."""
    if not len(values):
        return pa.nulls(len(codes), pa.string())
    missing = codes < 0
    return values.take(pa.array(codes, mask=missing) if missing.any() else pa.array(codes))  # a null index: null
