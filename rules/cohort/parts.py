"""What reading one file gives, whatever its format, and the customer attributes every format shares."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.attributes import MAX_TEXT, age_values, gender_codes, resolve, text_codes
from rules.cohort.columns import Columns
from rules.cohort.compiled import kernel
from rules.cohort.dates import DateOrder, latest_day, to_days
from rules.cohort.model import CohortFormat
from rules.cohort.rejects import RowLog
from rules.cohort.tables import CustomerColumns, Known
from rules.cohort.values import BoolArray, Codes, DecimalMark, IntArray, describer, shown, to_numbers


@dataclass
class Part:
    """One file read: its customers (one row each), its history, its row accounting and how it was read."""

    customers: CustomerColumns
    history: pd.DataFrame
    log: RowLog
    table: pa.Table
    format: CohortFormat
    encoding: str | None = None
    delimiter: str | None = None
    date_order: DateOrder | None = None
    decimal_mark: DecimalMark | None = None
    column_mapping: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected: Future[pd.DataFrame] | None = None  # the rejected rows, when they are being taken already


def collect_attributes(
    table: pa.Table, columns: Columns, customer: IntArray, rows: BoolArray, ids: pa.Array,
    mark: DecimalMark, hint: DateOrder | None, warnings: list[str], date_orders: list[DateOrder] | None = None,
    order: DateOrder | None = None, notes: list[str] | None = None,
) -> CustomerColumns:
    """Each customer's city, region, gender, age and signup day from the given rows (one value per customer).

    Args:
        table: the file's rows.
        columns: which column is which.
        customer: each row's customer code (an index into ``ids``).
        rows: the rows to take attributes from (the accepted ones).
        ids: customer code → id.
        mark: the decimal mark (ages written as 34,0).
        hint: the day/month order of the file's other dates.
        warnings: where warnings go.
        date_orders: where the signup column's day/month order goes, when it has one.
        order: the day/month order the caller forces (``date_order=``), if any.
        notes: where notes on how the values were read go (the signup dates' day/month order), if wanted.
    """
    size = len(ids)
    attributes = CustomerColumns.only_ids(ids)
    positions = np.flatnonzero(rows)
    who = customer[positions]

    def per_customer(values: IntArray, present: BoolArray, label: str, describe: Callable[[int], str]) -> Known:
        chosen = resolve(who, values[positions], present[positions], positions, size, label, describe, ids,
                         warnings)
        return Known(chosen.values, chosen.known)

    for name in ("city", "region", "gender"):
        if name not in columns.used:
            continue
        column = table[columns.used[name]]
        codes = gender_codes(column, warnings) if name == "gender" else \
            text_codes(column, name, MAX_TEXT[name], warnings)
        texts = codes.values
        picked = per_customer(codes.codes, codes.codes >= 0, name, describer(texts))
        taken = texts.take(pa.array(np.where(picked.known, picked.values, 0))) if len(texts) else \
            pa.nulls(size, pa.string())
        setattr(attributes, name, _masked(taken, picked.known))
    if "age" in columns.used:
        ages, whole = age_values(to_numbers(table[columns.used["age"]], mark), warnings)
        attributes.age = per_customer(ages, whole, "age", str)
    if "registered_at" in columns.used:
        label = f"registered_at ({columns.used['registered_at']!r})"
        days = to_days(table[columns.used["registered_at"]], label, hint=hint, order=order, unreadable="left unknown")
        warnings.extend(days.warnings)
        if notes is not None:
            notes.extend(days.notes)  # how the signup dates were read: "day first, as in '13.01.2026'"
        if date_orders is not None and days.order is not None:
            date_orders.append(days.order)
        bad = int(days.no_date[positions].sum())  # dates outside the days taken are warned about by to_days
        if bad:
            warnings.append(f"registered_at: {bad} value(s) are not dates and are left unknown")
        # A signup in the future is a typo; kept, it would stop the whole cohort being segmented.
        future = days.ok & (days.days > latest_day())
        ahead = int(future[positions].sum())
        if ahead:
            first = int(days.days[positions[future[positions]][0]])
            warnings.append(f"registered_at: {ahead} value(s) are in the future (e.g. {np.datetime64(first, 'D')}) "
                            "and are left unknown")
        attributes.registered_at = per_customer(days.days, days.ok & ~future, "registered_at",
                                                lambda day: str(np.datetime64(day, "D")))
    return attributes


def _masked(values: pa.Array, known: BoolArray) -> pa.Array:
    return pc.if_else(pa.array(known), values, pa.scalar(None, pa.string()))


def customers_kept(customer: Codes, accepted: BoolArray, warnings: list[str]) -> IntArray:
    """The customer codes with at least one accepted row; warns about customers whose every row was rejected."""
    kept, seen = np.zeros(len(customer), dtype=np.bool_), np.zeros(len(customer), dtype=np.bool_)
    _mark_customers(customer.codes, accepted, kept, seen)
    lost = np.flatnonzero(seen & ~kept)
    if len(lost):
        example = shown(customer.values[int(lost[0])].as_py()) if len(customer.values) else None
        warnings.append(f"{len(lost)} customer(s) have only rejected rows and are not in the cohort, unless a "
                        f"customers file lists them (e.g. {example})")
    return np.flatnonzero(kept)


@kernel
def _mark_customers(codes: IntArray, accepted: BoolArray, kept: BoolArray, seen: BoolArray) -> None:
    """Mark the customers with a row (``seen``) and those with an accepted row (``kept``)."""
    for row in range(len(codes)):
        if codes[row] >= 0:
            seen[codes[row]] = True
            if accepted[row]:
                kept[codes[row]] = True
