"""Purchase-history files (format b): one row per customer × product with the seed's productHistory fields.

Rows repeat the customer's attributes. A row with a customer id and no history fields at all is a customer
without purchases. Rows that break the contract of `rules.models.request.ProductLine` are rejected with the reason,
so that everything accepted is something `analyze_customer` accepts too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.attributes import resolve
from rules.cohort.columns import Columns
from rules.cohort.dates import DateOrder, Days, latest_day, to_days
from rules.cohort.load import Loaded
from rules.cohort.name_ids import names_as_ids
from rules.cohort.orderlines import MAX_CATEGORY, MAX_ID, OrderLines, reject_duplicates, reject_non_products
from rules.cohort.parts import Part, collect_attributes, customers_kept
from rules.cohort.rejects import RowLog, over_line_limit
from rules.cohort.tables import HistoryColumns, Known, history_frame
from rules.cohort.total_rows import total_rows
from rules.cohort.values import (
    BoolArray,
    Codes,
    DecimalMark,
    IntArray,
    Numbers,
    decide_decimal_mark,
    encode_text,
    longer_than,
)
from rules.cohort.values import to_numbers as numbers_of
from rules.errors import InvalidInput, Problem
from rules.models.request import MAX_COUNT

REQUIRED = ("total_quantity", "total_spent", "order_count", "last_purchase")
# A history line's total spend beyond this is a broken cell: a customer's lines then still sum to a finite amount.
MAX_TOTAL_SPENT = 1e15


def read_history_file(
    loaded: Loaded, columns: Columns, exclude: Collection[str], date_order: DateOrder | None,
) -> Part:
    """A purchase-history file → customers, history and row accounting.

    Raises:
        InvalidInput: a required history column is missing.
    """
    table, log, used = loaded.table, loaded.log, columns.used
    missing = [name for name in REQUIRED if name not in used]
    if missing:
        raise InvalidInput([Problem("columns", "a purchase history needs the columns totalQuantity, totalSpent, "
                                               f"orderCount and lastPurchase; missing: {', '.join(missing)}",
                                    list(table.column_names),
                                    hint=f"Name columns with mapping={{'{missing[0]}': '<column>', ...}} (on the "
                                         f"command line: --map {missing[0]}=<column> ...)")])
    notes, warnings = list(loaded.notes), list(loaded.warnings)
    customer, fixed = encode_text(table[used["customer_id"]], ids=True)
    notes += [f"customer_id: {fixed}"] if fixed else []
    warnings += names_as_ids(customer.values, used["customer_id"])
    mark = decide_decimal_mark([table[used[c]] for c in ("total_quantity", "total_spent", "avg_days_between", "age",
                                                         "total_orders") if c in used],
                               default="," if loaded.delimiter == ";" else ".")
    warnings += [mark.warning] if mark.warning else []

    def numbers(name: str) -> Numbers | None:
        return numbers_of(table[used[name]], mark.mark) if name in used else None

    def codes(name: str, as_id: bool = False) -> Codes | None:
        if name not in used:
            return None
        return encode_text(table[used[name]], ids=as_id)[0]

    last = to_days(table[used["last_purchase"]], f"last_purchase ({used['last_purchase']!r})", order=date_order)
    first = to_days(table[used["first_purchase"]], f"first_purchase ({used['first_purchase']!r})",
                    hint=last.order, order=date_order) if "first_purchase" in used else None
    for days in (last, first):
        if days is not None:
            notes += days.notes
            warnings += days.warnings
    quantity = numbers_of(table[used["total_quantity"]], mark.mark)
    spent = numbers_of(table[used["total_spent"]], mark.mark)
    orders = numbers_of(table[used["order_count"]], mark.mark)
    average = numbers("avg_days_between")
    product, name, category = codes("product_id", as_id=True), codes("product_name"), codes("category")
    if product is None and name is not None:
        product = name  # as order lines do: the name is what tells products apart
        notes.append("no product id column: products are told apart by their name")

    size = len(log.codes)
    log.reject(customer.codes < 0, "missing_customer_id")
    totals = total_rows(customer, undated=~last.present)
    log.reject(totals, "total_row")
    log.reject(longer_than(customer, MAX_ID), "bad_customer_id")
    has_line = log.alive & _has_history(size, quantity, spent, orders, average, last, first, product)
    bad_date = ~last.ok | (first.bad if first is not None else False)
    log.reject(has_line & bad_date, "bad_date")
    latest = latest_day()
    log.reject(has_line & ((last.days > latest) | (first.ok & (first.days > latest) if first is not None else False)),
               "future_date")
    log.reject(has_line & ~_whole(quantity, 0), "bad_quantity")
    log.reject(has_line & ~((spent.values >= 0) & (spent.values < MAX_TOTAL_SPENT)), "bad_amount")
    log.reject(has_line & ~_whole(orders, 1), "bad_order_count")
    if first is not None:
        log.reject(has_line & first.ok & (first.days > last.days), "dates_out_of_order")
    if average is not None:
        log.reject(has_line & average.present & ~(average.values >= 0), "bad_avg_days_between")
    for codes_of, limit in ((product, MAX_ID), (category, MAX_CATEGORY)):
        if codes_of is not None:
            log.reject(has_line & longer_than(codes_of, limit), "bad_product")
    if product is not None:
        log.reject(has_line & (product.codes < 0), "missing_product")
    if exclude and (product is not None or name is not None):
        reject_non_products(OrderLines(customer=customer, days=last, product=product, name=name), exclude, log,
                            has_line)
    product_codes = product.codes if product is not None else np.full(size, -1, dtype=np.int64)
    _reject_copies(log, table, has_line, customer.codes, product_codes)

    rows = np.flatnonzero(has_line & log.alive)
    crowded = over_line_limit(customer.codes[rows])
    if crowded.any():
        too_many = np.zeros(size, dtype=np.bool_)
        too_many[rows[crowded[customer.codes[rows]]]] = True
        log.reject(too_many, "too_many_products")
        rows = np.flatnonzero(has_line & log.alive)
    rows = rows[np.argsort(customer.codes[rows], kind="stable")]
    avg_values = _averages(rows, average, orders, first, last, notes, warnings)
    history = history_frame(HistoryColumns(
        customer_id=customer.values.take(pa.array(customer.codes[rows])),
        product_id=_texts(product, rows), product_name=_texts(name, rows), category=_texts(category, rows),
        total_quantity=quantity.values[rows].astype(np.int64), total_spent=spent.values[rows],
        order_count=orders.values[rows].astype(np.int64),
        first=first.days[rows] if first is not None else np.zeros(len(rows), np.int64),
        first_known=first.ok[rows] if first is not None else np.zeros(len(rows), np.bool_),
        last=last.days[rows], avg_days_between=avg_values))

    accepted = log.alive
    attributes = collect_attributes(table, columns, customer.codes, accepted, customer.values, mark.mark,
                                    last.order, warnings, order=date_order, notes=notes)
    if "total_orders" in used:
        attributes.total_orders = _total_orders(table, used["total_orders"], mark.mark, customer, accepted, rows,
                                                orders, warnings)
    keep = customers_kept(replace(customer, codes=np.where(totals, -1, customer.codes)) if totals.any() else customer,
                          accepted, warnings)  # a total row's "customer" is none
    return Part(attributes.take(keep), history, log, loaded.as_shown, "purchase_history",
                loaded.encoding, loaded.delimiter, last.order, mark.mark, dict(used), notes, warnings)


def _has_history(
    size: int, quantity: Numbers, spent: Numbers, orders: Numbers, average: Numbers | None, last: Days,
    first: Days | None, product: Codes | None,
) -> BoolArray:
    given = quantity.present | spent.present | orders.present | last.present
    if average is not None:
        given |= average.present
    if first is not None:
        given |= first.present
    if product is not None:
        given |= product.codes >= 0
    flags: BoolArray = np.asarray(given, dtype=np.bool_)
    return flags


def _whole(numbers: Numbers, least: int) -> BoolArray:
    values = numbers.values
    whole: BoolArray = np.isfinite(values) & (values == np.round(values)) & (values >= least) & (values < MAX_COUNT)
    return whole


def _reject_copies(log: RowLog, table: pa.Table, has_line: BoolArray, customer: IntArray, product: IntArray) -> None:
    """Exact copies first (duplicate_row), then other lines for a customer × product already seen."""
    rows = np.flatnonzero(has_line & log.alive)
    ranked = rows[np.lexsort((rows, product[rows], customer[rows]))]
    reject_duplicates(ranked, [customer, product], table, log)
    ranked = ranked[log.alive[ranked] & (product[ranked] >= 0)]
    again = np.zeros(len(ranked), dtype=np.bool_)
    if len(ranked) > 1:
        again[1:] = (customer[ranked][1:] == customer[ranked][:-1]) & (product[ranked][1:] == product[ranked][:-1])
    flags = np.zeros(len(log.codes), dtype=np.bool_)
    flags[ranked[again]] = True
    log.reject(flags, "duplicate_product_line")


def _averages(
    rows: IntArray, average: Numbers | None, orders: Numbers, first: Days | None, last: Days, notes: list[str],
    warnings: list[str],
) -> np.ndarray:
    """avgDaysBetween as given; where it is not given, (last − first) / (orderCount − 1) when both days are known.
    Lines whose numbers disagree with their days are kept as given, with a warning."""
    given = average.values[rows] if average is not None else np.full(len(rows), np.nan)
    if first is None:
        return given
    count = orders.values[rows]
    span = (last.days[rows] - first.days[rows]).astype(np.float64)
    dated = first.ok[rows]
    once = int((dated & (count == 1) & (span != 0)).sum())
    if once:
        warnings.append(f"{once} line(s) have orderCount 1 but a firstPurchase before their lastPurchase; kept as "
                        "given")
    computed = span / np.where(count > 1, count - 1, 1)
    differ = int((dated & (count > 1) & np.isfinite(given) & (np.abs(given - computed) > 1)).sum())
    if differ:
        warnings.append(f"{differ} line(s) give an avgDaysBetween more than a day away from (lastPurchase − "
                        "firstPurchase) / (orderCount − 1); the given values are used")
    derivable = ~np.isfinite(given) & dated & (count > 1)
    if derivable.any():
        given = np.where(derivable, computed, given)
        notes.append(f"avgDaysBetween computed from firstPurchase, lastPurchase and orderCount for "
                     f"{int(derivable.sum())} line(s) that did not give it")
    return given


def _texts(codes: Codes | None, rows: IntArray) -> pa.Array:
    if codes is None or not len(codes):
        return pa.nulls(len(rows), pa.string())
    picked = codes.codes[rows]
    taken = codes.values.take(pa.array(np.maximum(picked, 0)))
    return pc.if_else(pa.array(picked >= 0), taken, pa.scalar(None, pa.string()))


def _total_orders(
    table: pa.Table, column: str, mark: DecimalMark, customer: Codes, accepted: BoolArray, rows: IntArray,
    orders: Numbers, warnings: list[str],
) -> Known:
    """The file's totalOrders per customer, kept only where it fits the lines (largest ≤ total ≤ sum)."""
    values = numbers_of(table[column], mark)
    whole = _whole(values, 0)
    positions = np.flatnonzero(accepted)
    unreadable = int((values.present & ~whole)[positions].sum())
    if unreadable:
        warnings.append(f"total_orders: {unreadable} value(s) are not whole numbers of at least 0 and are left "
                        "unknown")
    count = len(customer)
    as_int = np.where(whole, values.values, 0).astype(np.int64)
    chosen = resolve(customer.codes[positions], as_int[positions], whole[positions], positions, count,
                     "total_orders", str, customer.values, warnings)
    line_orders = orders.values[rows].astype(np.int64)
    largest = np.zeros(count, dtype=np.int64)
    np.maximum.at(largest, customer.codes[rows], line_orders)
    total = np.bincount(customer.codes[rows], weights=line_orders, minlength=count).astype(np.int64)
    has_lines = np.bincount(customer.codes[rows], minlength=count) > 0
    fits = ~has_lines | ((largest <= chosen.values) & (chosen.values <= total))
    misfit = chosen.known & ~fits
    if misfit.any():
        warnings.append(f"total_orders: {int(misfit.sum())} customer(s) have a totalOrders outside the range their "
                        "lines allow (largest orderCount to the sum of orderCounts); left unknown")
    return Known(chosen.values, chosen.known & fits)
