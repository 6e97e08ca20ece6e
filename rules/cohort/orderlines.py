"""Order lines (transactions) → the per-customer, per-product purchase history, a whole file at a time.

For each customer × product: totalQuantity and totalSpent (returns netted), orderCount (distinct orders; an
order is its order id, or the customer's day when the file has no order ids), firstPurchase and lastPurchase
(of purchases), and avgDaysBetween = (last − first) / (orderCount − 1) days, NaN when bought once.

Row checks run in this order, each rejected row counted once under the first reason that applies (see
`rules.cohort.rejects.REASONS`): no customer id, id too long, bad date, date in the future, bad quantity,
bad amount, product too long or missing, non-product line, cancelled (status), zero quantity, zero price, exact
duplicate, a return with no purchase of that product by that customer to net against, and a customer with more
product lines than the engine takes.

Returns and cancellations (negative quantity or amount, an order id like C536379 in a file of numeric order ids,
or a cancelled/returned status on a negative line) are netted against the same customer's purchases of the same
product; they count as neither orders nor purchase days. A line whose status says cancelled or returned but whose
numbers are positive reverses itself: it is rejected as ``cancelled_order``.

Everything is done with reductions over whole columns and a ranking by customer, product and order that
sorts each customer's few lines only (`rules.cohort.orderline_kernels`); nothing loops over rows in Python.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.attributes import resolve
from rules.cohort.closed_status import closed_as_refunded
from rules.cohort.dates import Days
from rules.cohort.orderline_checks import ValueFlags, check_rows
from rules.cohort.orderline_kernels import Lines, gather_lines, keep_purchased, key_bits, order_codes, rank_lines
from rules.cohort.pieces import WORKERS
from rules.cohort.rejects import RowLog, take_rows
from rules.cohort.values import BoolArray, Codes, FloatArray, IntArray, Numbers, describer, long_values, spread_flags
from rules.models.request import MAX_PRODUCT_LINES
from rules.text import fold

MAX_ID, MAX_CATEGORY = 128, 64
_EXACT_MICROS = 2**53 / 10**6

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
# "fail": a payment that failed (WooCommerce's wc-failed, Stripe's and PayPal's Failed) is no purchase.
CANCEL_WORDS = ("iptal", "iade", "cancel", "return", "refund", "void", "fail")
# A status that says the cancellation did not happen ("İade Talebi Reddedildi", "Refund declined"), and the
# words for what may be returned or not ("İadesiz Satış", "non-returnable") rather than what was.
_NOT_CANCELLED_WORDS = ("redd", "reject", "declin", "denied")
# Around a cancel word: a negation before it ("Not returned"), a negated verb after it ("İade Edilmedi",
# "İade edilmiyor": Turkish negates with -me/-ma), or a request still open after it ("İade Talebi", "Return
# requested", "Refund pending") unless some word says it was granted. Words elsewhere in the status do not count
# ("Cancelled - no stock", "Müşteri talebiyle iptal edildi").
_NEGATIONS = ("not", "no", "never", "non")
_NEGATED_VERB = re.compile(r"m[ae](?:di|mis|yecek|yacak)|m[iu]yor")
_PENDING_WORDS = ("talep", "talebi", "request", "pending", "bekl", "await")
_GRANTED_WORDS = ("onay", "approv", "accept", "kabul", "grant", "complet", "tamam")
_WITHOUT = ("siz", "suz", "able", "lable")
# A partial return ("Kısmi İade", "Partially returned") says the order went ahead and part of it came back: its
# line is what its numbers say (a purchase, or a return when negative), never a whole order that did not happen.
_PARTLY_WORDS = ("kismi", "kismen", "partial", "partly")


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
    if lines.quantity is None:
        notes.append("no quantity column: each line counts as quantity 1")
    if lines.unit_price is not None and lines.amount is None:
        notes.append("amount = quantity × unit price")
    # The compiled passes run in pieces on every core (`rules.cohort.pieces`).
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        checked = check_rows(lines, log.codes, _value_flags(lines, exclude, notes), pool, WORKERS)
        has_line, purchase = checked.has_line, checked.purchase
        product = lines.product.codes if lines.product is not None else np.full(size, -1, dtype=np.int64)

        # One ranking by customer, product and order. The checks that need neighbours (copies, returns without a
        # purchase, crowded customers) run on the keys alone; the other columns are gathered once, for the lines
        # that are kept.
        day = lines.days.days
        order, orders = order_codes(None if lines.order is None else lines.order.codes,
                                    0 if lines.order is None else len(lines.order), day, has_line)
        products = len(lines.product) if lines.product is not None else 0
        customers = len(lines.customer)
        order, bits = _compact_orders(order, orders, products + 1)
        ranked, owner, key = rank_lines(has_line & log.alive, customer, product, order, customers, bits, pool,
                                        WORKERS)
        # Copies are left among the ranked lines (they buy or return just as the row they copy): their group
        # keeps or loses its purchase alike, and they are simply not kept.
        copies = copies_among(ranked, [owner, key], table)
        kept, lines_per_customer = keep_purchased(owner, key, bits, ranked, purchase, customers, pool, WORKERS)
        if copies.any():
            log.reject(_flags(size, ranked[copies]), "duplicate_row")
            kept &= ~copies
        log.reject(_flags(size, ranked[~kept]), "return_without_purchase")
        # A shared guest account can buy more products than one request may hold: its rows are rejected, so the
        # rest of the file still reads.
        crowded = lines_per_customer > MAX_PRODUCT_LINES
        if crowded.any():
            too_many = crowded[owner] & kept
            log.reject(_flags(size, ranked[too_many]), "too_many_products")
            kept &= ~too_many
        gathered = gather_lines(ranked, owner, key, kept, bits, customers, day, purchase, checked.quantity,
                                checked.amount, pool, WORKERS)
        describing = pool.submit(_describe_products, lines, gathered.rows, gathered.product)
        history = _aggregate(gathered, warnings)
        described = describing.result()
    for name in ("product_id", "product_name", "category"):
        if getattr(described, name) is not None:
            setattr(history, name, getattr(described, name))
    history.notes, history.warnings = notes, warnings + described.warnings
    return history


def _flags(size: int, positions: IntArray) -> BoolArray:
    flags = np.zeros(size, dtype=np.bool_)
    flags[positions] = True
    return flags


def _compact_orders(order: IntArray, orders: int, products: int) -> tuple[IntArray, int]:
    """Order codes for a ranking key, and the key's bits for them: renumbered 0..n-1 first when ``products``
    and ``orders`` would not fit one key (order ids numbered from their digits may be that sparse; the key must
    not overflow)."""
    if products << key_bits(orders) < 2**62:
        return order, key_bits(orders)
    distinct, codes = np.unique(order, return_inverse=True)
    return codes.astype(np.int64), key_bits(len(distinct))


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
    flagged = np.zeros(len(log.codes), dtype=np.bool_)
    for codes, hit in zip((lines.product if lines.product_is_id else None, lines.name),
                          _excluded(lines, exclude), strict=True):
        if codes is not None and len(hit):
            flagged |= spread_flags(hit, codes.codes)
    log.reject(has_line & flagged, "non_product_line")


def _excluded(lines: OrderLines, exclude: Collection[str]) -> tuple[BoolArray, BoolArray]:
    """Per product id and per product name: whether it names a line that is not a product (empty: no check)."""
    keys = {fold(code) for code in exclude}
    found = []
    for codes in (lines.product if lines.product_is_id else None, lines.name):
        if codes is None or not keys or not len(codes):
            found.append(np.zeros(0, dtype=np.bool_))
        else:
            found.append(np.array([fold(str(value)) in keys for value in codes.values.to_pylist()], dtype=np.bool_))
    return found[0], found[1]


def _value_flags(lines: OrderLines, exclude: Collection[str], notes: list[str]) -> ValueFlags:
    """What the row checks decide per distinct value: over-long ids, non-product codes, cancelling order ids
    and statuses."""
    excluded_product, excluded_name = _excluded(lines, exclude)
    long_product = np.zeros(0, dtype=np.bool_)
    if lines.product is not None:
        long_product = long_values(lines.product, MAX_ID if lines.product_is_id else MAX_CATEGORY)
    cancelling_order = np.zeros(0, dtype=np.bool_)
    # Order ids without texts are all plain numbers. The regexes run only when some id starts with a C.
    if lines.order is not None and len(lines.order.values) and \
            pc.any(pc.starts_with(lines.order.values, "C", ignore_case=True)).as_py():
        ids = lines.order.values
        marked = np.asarray(pc.match_substring_regex(ids, r"^[Cc]\d+$").to_numpy(zero_copy_only=False),
                            dtype=np.bool_)
        numeric = pc.match_substring_regex(ids, r"^\d+$").to_numpy(zero_copy_only=False)
        if marked.any() and numeric.any() and _share(lines.order.codes, marked) <= 0.5:
            cancelling_order = marked
            notes.append("order ids like C536379 (C before a number) are cancellations of earlier purchases")
        elif marked.any() and numeric.any():
            # Most rows have them: C is how this shop numbers its orders, not a cancellation mark.
            notes.append("order ids like C536379 (C before a number) are on most rows: read as ordinary orders, "
                         "not cancellations")
    cancelling_status = np.zeros(0, dtype=np.bool_)
    if lines.status is not None and len(lines.status):
        statuses = [str(value) for value in lines.status.values.to_pylist()]
        cancelling_status = np.array([cancelling(status) for status in statuses], dtype=np.bool_)
        closed = np.array(closed_as_refunded(statuses), dtype=np.bool_)
        if closed.any():
            cancelling_status |= closed
            notes.append("status 'Closed' beside 'Complete' is an order refunded in full (as Magento closes it): "
                         "read as a cancellation")
        partly = [status for status in statuses if partly_returned(status)]
        if partly:
            shown = ", ".join(repr(status) for status in partly[:3]) + (", …" if len(partly) > 3 else "")
            notes.append(f"statuses that say partly returned ({shown}) are no cancellation: such a line is "
                         "the purchase (or, with negative numbers, the return) its numbers say; the part returned is "
                         "netted where the file has its return line")
    return ValueFlags(
        long_customer=long_values(lines.customer, MAX_ID), long_product=long_product,
        long_category=long_values(lines.category, MAX_CATEGORY) if lines.category is not None else
        np.zeros(0, dtype=np.bool_),
        excluded_product=excluded_product, excluded_name=excluded_name, cancelling_order=cancelling_order,
        cancelling_status=cancelling_status)


def cancelling(status: str) -> bool:
    """Whether an order status says the line was cancelled or returned: one of its words starts with a
    `CANCEL_WORDS` stem (İptal Edildi, Returned, Cancelled), not as "without" or "-able" (İadesiz, Returnable),
    is neither negated nor a request still open (see `_NEGATIONS`), and no word says the cancellation was refused
    or partial (`_PARTLY_WORDS`).

    Examples:
        >>> [cancelling(s) for s in ("İade Edildi", "Cancelled", "İadesiz Satış", "Refund declined", "Returnable")]
        [True, True, False, False, False]
        >>> [cancelling(s) for s in ("İade Edilmedi", "Not returned", "İade Talebi", "İade Talebi Onaylandı")]
        [False, False, False, True]
        >>> [cancelling(s) for s in ("Cancelled - no stock", "Müşteri talebiyle iptal edildi", "İade No: 4512")]
        [True, True, True]
        >>> [cancelling(s) for s in ("wc-cancelled", "Canceled", "wc-failed", "Payment failed", "Complete")]
        [True, True, True, True, False]
        >>> [cancelling(s) for s in ("Kısmi İade", "Partially returned", "KISMEN İADE EDİLDİ")]
        [False, False, False]
    """
    words = re.findall(r"[a-z]+", fold(status))
    if any(word.startswith(_NOT_CANCELLED_WORDS + _PARTLY_WORDS) for word in words):
        return False
    granted = any(word.startswith(_GRANTED_WORDS) for word in words)
    for place, word in enumerate(words):
        if not any(word.startswith(stem) and not word[len(stem):].startswith(_WITHOUT) for stem in CANCEL_WORDS):
            continue
        before = words[place - 1] if place else ""
        after = words[place + 1] if place + 1 < len(words) else ""
        negated = before in _NEGATIONS or bool(_NEGATED_VERB.search(after))
        pending = after.startswith(_PENDING_WORDS) and not granted
        if not negated and not pending:
            return True
    return False


def partly_returned(status: str) -> bool:
    """Whether an order status says part of the order was returned (``Kısmi İade``, ``Partially refunded``).

    Examples:
        >>> [partly_returned(s) for s in ("Kısmi İade", "Partially returned", "İade", "Kısmi Teslimat")]
        [True, True, False, False]
    """
    words = re.findall(r"[a-z]+", fold(status))
    return any(word.startswith(_PARTLY_WORDS) for word in words) and \
        any(word.startswith(stem) for word in words for stem in CANCEL_WORDS)


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
    # Beyond 2**53 / 10**6 rounding would add noise of its own (x × 10**6 is no longer exact), and there is
    # none below the float's own resolution to take away.
    total_spent = np.where(np.abs(total_spent) < _EXACT_MICROS, np.round(total_spent, 6), total_spent)
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
        # More returned than bought, in units or in money: both totals are 0, never units without spend.
        total_quantity=np.where(over_returned, 0, rounded).astype(np.int64),
        total_spent=np.where(over_returned, 0.0, np.maximum(total_spent, 0.0)),  # half a cent over: 0 too
        order_count=lines.order_count, first=lines.first, last=lines.last, avg_days_between=average,
        total_orders=lines.total_orders, has_total_orders=lines.bought,
    )


@dataclass
class _Products:
    """What `_describe_products` found for the history lines; None where the history keeps its nulls."""

    product_id: pa.Array | None = None
    product_name: pa.Array | None = None
    category: pa.Array | None = None
    warnings: list[str] = field(default_factory=list)


def _describe_products(lines: OrderLines, accepted: IntArray, line_product: IntArray) -> _Products:
    """Product id, name and category of every history line (per product: its most frequent name and category).

    Args:
        lines: the file's columns.
        accepted: the positions of the order lines the history is made of.
        line_product: each history line's product code.
    """
    described = _Products()
    if lines.product is None or not len(line_product):
        return described
    values = _texts(lines.product.values, line_product)
    if not lines.product_is_id:
        described.category = values
        return described
    described.product_id = values
    # In file order: the same rows as `accepted`, read front to back instead of gathered.
    in_file = _flags(len(lines.product.codes), accepted) & (lines.product.codes >= 0)
    for label, codes in (("product_name", lines.name), ("category", lines.category)):
        if codes is None:
            continue
        chosen = resolve(lines.product.codes, codes.codes, in_file & (codes.codes >= 0), None,
                         len(lines.product), f"{label} of a product",
                         describer(codes.values),
                         lines.product.values, described.warnings, owner="product")
        per_line = np.where(chosen.known[line_product], chosen.values[line_product], -1)
        setattr(described, label, _texts(codes.values, per_line))
    return described


def _texts(values: pa.Array, codes: IntArray) -> pa.Array:
    """The texts of codes (null for -1)."""
    if not len(values):
        return pa.nulls(len(codes), pa.string())
    missing = codes < 0
    return values.take(pa.array(codes, mask=missing) if missing.any() else pa.array(codes))  # a null index: null
