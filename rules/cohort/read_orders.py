"""Order-line and order-level files: their columns interpreted, then aggregated by `rules.cohort.orderlines`."""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pyarrow as pa

from rules.cohort.columns import Columns
from rules.cohort.dates import DateOrder, to_days
from rules.cohort.load import Loaded
from rules.cohort.model import CohortFormat
from rules.cohort.name_ids import names_as_ids
from rules.cohort.order_status import spread_order_status
from rules.cohort.orderlines import OrderLines, build_history
from rules.cohort.parts import Part, collect_attributes, customers_kept
from rules.cohort.pieces import WORKERS
from rules.cohort.tables import HistoryColumns, Known, history_frame
from rules.cohort.total_rows import total_rows
from rules.cohort.values import Codes, decide_decimal_mark, encode_text, to_numbers


def read_order_file(
    loaded: Loaded, columns: Columns, file_format: CohortFormat, exclude: Collection[str],
    date_order: DateOrder | None, label: str,
) -> Part:
    """Order lines (format c) or orders without products (format d) → customers, history and row accounting.

    ``label`` names the file in the rejected rows.
    """
    table, log, used = loaded.table, loaded.log, columns.used
    notes: list[str] = list(loaded.notes)
    warnings: list[str] = list(loaded.warnings)
    # The columns are independent and Arrow's kernels release the GIL: interpret them side by side. Jobs that
    # need no decimal mark start first; the mark is decided meanwhile.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        def text_codes(name: str, as_id: bool = False) -> Future[Codes] | None:
            if name not in used:
                return None
            return pool.submit(lambda: encode_text(table[used[name]], ids=as_id)[0])

        pending_customer = pool.submit(encode_text, table[used["customer_id"]], ids=True)
        pending_order = pool.submit(_order_ids, table, used) if "order_id" in used else None
        pending_days = pool.submit(to_days, table[used["order_date"]], f"order_date ({used['order_date']!r})",
                                   order=date_order)
        pending = {key: text_codes(key, as_id=key == "product_id") for key in ("product_id", "product_name",
                                                                               "category", "status")}
        mark = decide_decimal_mark([table[used[c]] for c in ("quantity", "amount", "unit_price", "age")
                                    if c in used], default="," if loaded.delimiter == ";" else ".")
        warnings += [mark.warning] if mark.warning else []
        pending_numbers = {key: pool.submit(to_numbers, table[used[key]], mark.mark) if key in used else None
                           for key in ("quantity", "amount", "unit_price")}
        customer, fixed = pending_customer.result()
        days = pending_days.result()
        texts = {key: None if job is None else job.result() for key, job in pending.items()}
        values = {key: None if job is None else job.result() for key, job in pending_numbers.items()}
        order = None if pending_order is None else pending_order.result()
    notes += [f"customer_id: {fixed}"] if fixed else []
    warnings += names_as_ids(customer.values, used["customer_id"])
    notes += days.notes
    warnings += days.warnings

    name, category = texts["product_name"], texts["category"]
    product, product_is_id = texts["product_id"], True
    if product is None and name is not None:
        product = name
        notes.append("no product id column: products are told apart by their name")
    elif product is None and category is not None:
        product, product_is_id = category, False
        notes.append("no product column: one history line per customer and category, product_id unknown")
    status = texts["status"]
    if status is not None:
        status, filled = spread_order_status(status, order)
        notes += [f"status: {filled} line(s) without a status took their order's one status (written on an "
                  "order's first line only, as Shopify does)"] if filled else []
    lines = OrderLines(
        customer=customer, days=days, order=order, product=product, product_is_id=product_is_id, name=name,
        category=category, quantity=values["quantity"], amount=values["amount"], unit_price=values["unit_price"],
        status=status)
    totals = total_rows(customer, undated=~days.present)
    log.reject(totals, "total_row")  # before the row checks: it is no order line at all
    history = build_history(lines, log, table, exclude)
    # Every row is accepted or rejected now: the rejected rows are taken from the table on another thread
    # while the customers and the history frame are built here.
    side = ThreadPoolExecutor(max_workers=1)
    rejected = side.submit(log.rejected_frame, loaded.as_shown, label)
    side.shutdown(wait=False)
    notes += history.notes
    warnings += history.warnings

    accepted = log.alive
    attributes = collect_attributes(table, columns, customer.codes, accepted, customer.values, mark.mark,
                                    days.order, warnings, order=date_order, notes=notes)
    attributes.total_orders = Known(history.total_orders, history.has_total_orders)
    # A total row's "customer" is no customer whose rows were all rejected.
    keep = customers_kept(replace(customer, codes=np.where(totals, -1, customer.codes)) if totals.any() else customer,
                          accepted, warnings)
    frame = history_frame(HistoryColumns(
        customer_id=customer.values.take(pa.array(history.customer, pa.int64())),
        product_id=history.product_id, product_name=history.product_name, category=history.category,
        total_quantity=history.total_quantity, total_spent=history.total_spent, order_count=history.order_count,
        first=history.first, first_known=np.ones(len(history.first), dtype=np.bool_), last=history.last,
        avg_days_between=history.avg_days_between))
    return Part(attributes.take(keep), frame, log, loaded.as_shown, file_format, loaded.encoding, loaded.delimiter,
                days.order, mark.mark, dict(used), notes, warnings, rejected)


def _order_ids(table: pa.Table, used: dict[str, str]) -> Codes:
    """Order id codes; their texts only when some id starts with a C (a possible cancellation, C536379)."""
    return encode_text(table[used["order_id"]], ids=True, texts=_cancellation_prefix)[0]


def _cancellation_prefix(prefixes: list[str]) -> bool:
    return any(prefix[:1] in ("C", "c") for prefix in prefixes)
