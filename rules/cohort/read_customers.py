"""The second file (``customers=``): customer attributes, merged into the cohort read from the main file.

The customers file is the authority on attributes: where it gives a value, that value is used, and where the
two files disagree a warning says how often. Its customers without purchases in the main file join the cohort
as customers without history (new customers).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columns import ATTRIBUTES, Columns, recognise, require_customer_id
from rules.cohort.dates import DateOrder
from rules.cohort.load import Loaded
from rules.cohort.model import CustomersFileReport
from rules.cohort.orderlines import MAX_ID, reject_duplicates
from rules.cohort.parts import collect_attributes
from rules.cohort.rejects import RowLog
from rules.cohort.tables import CustomerColumns, Known
from rules.cohort.values import BoolArray, IntArray, decide_decimal_mark, encode_text, longer_than, shown
from rules.text import fold


def mapping_for_customers_file(loaded: Loaded, mapping: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """The part of a mapping that applies to the customers file: its id and attributes, where the file has the
    column named. A field the mapping turns off (None or "") is turned off in the main file only: the customers
    file is read for what it has."""
    names = set(loaded.table.column_names)
    wanted = ("customer_id", *ATTRIBUTES)
    return {k: v for k, v in (mapping or {}).items() if k in wanted and v and v in names}


def read_customers_file(
    loaded: Loaded, mapping: Mapping[str, str | None] | None, hint: DateOrder | None,
    order: DateOrder | None = None, *, city_elsewhere: bool = False,
) -> tuple[CustomerColumns, RowLog, CustomersFileReport, Columns]:
    """The customers file → one row of attributes per customer, its row accounting and its report.

    ``hint`` is the main file's day/month order (used when the signup dates do not tell); ``order`` forces one
    (``date_order=``); ``city_elsewhere``: the main file has cities (a ``Country`` column is then no region).

    Raises:
        InvalidInput: the file has no customer id column, or the mapping names a column it does not have.
    """
    table, log = loaded.table, loaded.log
    columns = recognise(table.column_names, mapping, allowed=("customer_id", *ATTRIBUTES),
                        label="customers_mapping", file_label="the customers file", city_elsewhere=city_elsewhere)
    require_customer_id(columns, table.column_names, "the customers file", "customers_mapping")
    used = {k: v for k, v in columns.used.items() if k in ("customer_id", *ATTRIBUTES)}
    columns = Columns(used, [c for c in table.column_names if c not in used.values()], columns.notes)
    warnings = list(loaded.warnings)
    customer, fixed = encode_text(table[used["customer_id"]], ids=True)
    log.reject(customer.codes < 0, "missing_customer_id")
    log.reject(longer_than(customer, MAX_ID), "bad_customer_id")
    rows = np.flatnonzero(log.alive)
    ranked = rows[np.argsort(customer.codes[rows], kind="stable")]
    reject_duplicates(ranked, [customer.codes], table, log)
    mark = decide_decimal_mark([table[used["age"]]] if "age" in used else [])
    date_orders: list[DateOrder] = []
    attributes = collect_attributes(table, columns, customer.codes, log.alive, customer.values, mark.mark, hint,
                                    warnings, date_orders, order=order)
    present = np.zeros(len(customer), dtype=np.bool_)
    present[customer.codes[log.alive]] = True
    keep = np.flatnonzero(present)
    report = CustomersFileReport(
        rows_read=log.rows_read, rows_accepted=log.rows_read - log.rows_rejected, rows_rejected=log.rows_rejected,
        rejected_by_reason=log.rejections(table), customers=len(keep), file_type=loaded.kind, encoding=loaded.encoding,
        delimiter=loaded.delimiter, date_order=date_orders[0] if date_orders else None, column_mapping=used,
        warnings=[*warnings, *([f"customer_id: {fixed}"] if fixed else [])])
    return attributes.take(keep), log, report, columns


def merge_customers(main: CustomerColumns, extra: CustomerColumns, warnings: list[str]) -> CustomerColumns:
    """The main file's customers with the customers file's attributes; the file's other customers appended."""
    main_ids, extra_ids = main.customer_id, extra.customer_id
    if len(extra_ids) == 0:
        warnings.append("the customers file has no accepted rows: no customer got attributes from it")
        return main
    where = pc.fill_null(pc.index_in(main_ids, value_set=extra_ids), -1).to_numpy(zero_copy_only=False)
    matched: BoolArray = where >= 0
    position = np.maximum(where, 0).astype(np.int64)
    merged = CustomerColumns(main_ids, main.city, main.region, main.gender, main.age, main.registered_at,
                             main.total_orders)
    disagreements: list[str] = []
    taken = {name: getattr(extra, name).take(pa.array(position)) for name in ("city", "region", "gender")}
    given = {name: column.is_valid().to_numpy(zero_copy_only=False) for name, column in taken.items()}
    # City and region are one place: a customer moved to another city by the customers file does not keep the
    # main file's region (it is resolved from the new city, unless the customers file gives one).
    moved = matched & given["city"] & ~_same_text(main.city, taken["city"])
    for name in ("city", "region", "gender"):
        ours, theirs = getattr(main, name), taken[name]
        use_theirs = matched & (given[name] | moved if name == "region" else given[name])
        differ = use_theirs & ours.is_valid().to_numpy(zero_copy_only=False) & \
            ~pc.fill_null(pc.equal(ours, theirs), False).to_numpy(zero_copy_only=False)
        if differ.any():
            disagreements.append(f"{name} ({int(differ.sum())})")
        setattr(merged, name, pc.if_else(pa.array(use_theirs), theirs, ours))
    for name in ("age", "registered_at"):
        ours_known: Known = getattr(main, name)
        theirs_known = getattr(extra, name).take(position)
        use_theirs = matched & theirs_known.known
        differ = use_theirs & ours_known.known & (ours_known.values != theirs_known.values)
        if differ.any():
            disagreements.append(f"{name} ({int(differ.sum())})")
        setattr(merged, name, Known(np.where(use_theirs, theirs_known.values, ours_known.values),
                                    ours_known.known | use_theirs))
    if disagreements:
        warnings.append("the customers file and the main file disagree on " + ", ".join(disagreements) +
                        " customer(s); the customers file's values are used")
    if len(main_ids) and len(extra_ids) and not matched.any():
        # Ids in two forms, not a list of new customers: adding them all would double the cohort.
        warnings.append(_no_id_in_common(main_ids, extra_ids))
        return merged
    seen = np.zeros(len(extra_ids), dtype=np.bool_)
    seen[position[matched]] = True
    newcomers = np.flatnonzero(~seen)
    if len(newcomers):
        warnings.append(f"{len(newcomers)} customer(s) of the customers file have no accepted rows in the main file; "
                        "they are in the cohort as customers without purchases")
    return _concat(merged, extra.take(newcomers))


def _same_text(ours: pa.Array, theirs: pa.Array) -> BoolArray:
    """Row by row, whether two text columns hold the same name however it is spelled (`fold`: İzmir = IZMIR);
    the few distinct names are folded, not the rows."""
    keys: dict[str, int] = {}

    def folded(column: pa.Array) -> IntArray:
        encoded = column.cast(pa.string()).dictionary_encode()
        table = np.array([keys.setdefault(fold(str(text)), len(keys)) for text in encoded.dictionary.to_pylist()]
                         + [-1], dtype=np.int64)
        codes: IntArray = table[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]
        return codes

    a, b = folded(ours), folded(theirs)
    same: BoolArray = (a == b) & (a >= 0)
    return same


def _no_id_in_common(main_ids: pa.Array, extra_ids: pa.Array) -> str:
    """Why no customer got the customers file's attributes: the ids differ, and how (leading zeros, say)."""
    said = (f"no customer id of the main file is in the customers file (the main file has ids like "
            f"{shown(main_ids[0].as_py())!r}, the customers file like {shown(extra_ids[0].as_py())!r}), so no "
            f"customer got its attributes and its {len(extra_ids):,} customer(s) are left out of the cohort")
    unpadded = pc.utf8_ltrim(extra_ids.cast(pa.string()), "0")
    if pc.any(pc.is_in(pc.utf8_ltrim(main_ids.cast(pa.string()), "0"), value_set=unpadded)).as_py():
        said += ("; they match once leading zeros are left out: the customers file has probably lost them (a "
                 "spreadsheet reads such ids as numbers)")
    return said


def _concat(first: CustomerColumns, second: CustomerColumns) -> CustomerColumns:
    def texts(name: str) -> pa.Array:
        return pa.concat_arrays([getattr(first, name).cast(pa.string()), getattr(second, name).cast(pa.string())])

    def known(name: str) -> Known:
        a: Known = getattr(first, name)
        b: Known = getattr(second, name)
        return Known(np.concatenate([a.values, b.values]), np.concatenate([a.known, b.known]))

    return CustomerColumns(texts("customer_id"), texts("city"), texts("region"), texts("gender"), known("age"),
                           known("registered_at"), known("total_orders"))
