"""The second file (``customers=``): customer attributes, merged into the cohort read from the main file.

The customers file is the authority on attributes: where it gives a value, that value is used, and where the
two files disagree a warning says how often. Its customers without purchases in the main file join the cohort
as customers without history (new customers).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columns import ATTRIBUTES, Columns, listed, recognise, require_customer_id
from rules.cohort.dates import DateOrder
from rules.cohort.error_values import without_error_values
from rules.cohort.load import Loaded
from rules.cohort.model import CustomersFileReport
from rules.cohort.orderlines import MAX_ID, reject_duplicates
from rules.cohort.parts import collect_attributes
from rules.cohort.rejects import RowLog
from rules.cohort.tables import CustomerColumns, Known
from rules.cohort.total_rows import total_rows
from rules.cohort.values import BoolArray, IntArray, decide_decimal_mark, encode_text, longer_than, shown
from rules.reference import province_region, region_by_name
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
) -> tuple[CustomerColumns | None, RowLog, CustomersFileReport]:
    """The customers file → one row of attributes per customer, its row accounting and its report.

    A file with no attribute column gives none (a warning says so); one that is order lines (it has an order date
    or an amount, and no attributes) gives no customers either (None): its customers have purchases there, so
    they are no customers without purchases, and its order lines belong in the main file.

    ``hint`` is the main file's day/month order (used when the signup dates do not tell); ``order`` forces one
    (``date_order=``); ``city_elsewhere``: the main file has cities (a ``Country`` column is then no region).

    Raises:
        InvalidInput: the file has no customer id column, or the mapping names a column it does not have.
    """
    table, log = loaded.table, loaded.log
    columns = recognise(table.column_names, mapping, allowed=("customer_id", *ATTRIBUTES),
                        label="customers_mapping", file_label="the customers file", city_elsewhere=city_elsewhere)
    require_customer_id(columns, table.column_names, "the customers file", "customers_mapping", "--customers-map")
    wanted = ("customer_id", *ATTRIBUTES)
    order_fields = {columns.used[k] for k in _ORDER_LINE_FIELDS if k in columns.used}
    order_columns = [column for column in table.column_names if column in order_fields]
    used = {k: v for k, v in columns.used.items() if k in wanted}
    columns = Columns(used, [c for c in table.column_names if c not in used.values()],
                      [note for note in columns.notes if note.split(":", 1)[0] in wanted])
    loaded = without_error_values(loaded, used)
    table, warnings = loaded.table, list(loaded.warnings)
    order_lines = not any(name in used for name in ATTRIBUTES) and bool(order_columns)
    if not any(name in used for name in ATTRIBUTES):
        warnings.append(_no_attributes(table.column_names, order_columns))
    customer, fixed = encode_text(table[used["customer_id"]], ids=True)
    log.reject(customer.codes < 0, "missing_customer_id")
    log.reject(total_rows(customer), "total_row")
    log.reject(longer_than(customer, MAX_ID), "bad_customer_id")
    rows = np.flatnonzero(log.alive)
    ranked = rows[np.argsort(customer.codes[rows], kind="stable")]
    reject_duplicates(ranked, [customer.codes], table, log)
    mark = decide_decimal_mark([table[used["age"]]] if "age" in used else [])
    date_orders: list[DateOrder] = []
    date_notes: list[str] = []
    attributes = collect_attributes(table, columns, customer.codes, log.alive, customer.values, mark.mark, hint,
                                    warnings, date_orders, order=order, notes=date_notes)
    present = np.zeros(len(customer), dtype=np.bool_)
    present[customer.codes[log.alive]] = True
    keep = np.flatnonzero(present)
    report = CustomersFileReport(
        rows_read=log.rows_read, rows_accepted=log.rows_read - log.rows_rejected, rows_rejected=log.rows_rejected,
        rejected_by_reason=log.rejections(loaded.as_shown), customers=len(keep), file_type=loaded.kind,
        encoding=loaded.encoding, delimiter=loaded.delimiter, date_order=date_orders[0] if date_orders else None,
        column_mapping=used,
        warnings=[*warnings, *([f"customer_id: {fixed}"] if fixed else [])],
        notes=[*columns.notes, *loaded.notes, *date_notes, *([f"columns not used: {listed(columns.unused)}"]
                                                            if columns.unused else [])])
    return None if order_lines else attributes.take(keep), log, report


# Fields only order lines have: a customers file with one of them and no attribute is order lines.
_ORDER_LINE_FIELDS = ("order_date", "amount", "unit_price", "quantity", "product_id", "order_id")


def _no_attributes(column_names: list[str], order_columns: list[str]) -> str:
    """Why a customers file without an attribute column gives nothing, and what it seems to be instead."""
    said = (f"the customers file has no attribute column (age, gender, city, region or signup date; its columns: "
            f"{listed(column_names)}), so it gives no customer attributes")
    if order_columns:
        said += (f"; with {listed(order_columns)} it looks like order lines, which are read as the main file, so "
                 "none of its customers is added to the cohort either")
    return said


def merge_customers(main: CustomerColumns, extra: CustomerColumns, warnings: list[str]) -> CustomerColumns:
    """The main file's customers with the customers file's attributes; the file's other customers appended."""
    main_ids, extra_ids = main.customer_id, extra.customer_id
    if len(extra_ids) == 0:
        warnings.append("the customers file has no accepted rows: no customer got attributes from it")
        return main
    where = _positions_in(main_ids, extra_ids, warnings)
    matched: BoolArray = where >= 0
    position = np.maximum(where, 0).astype(np.int64)
    merged = CustomerColumns(main_ids, main.city, main.region, main.gender, main.age, main.registered_at,
                             main.total_orders)
    disagreements: list[str] = []
    taken = {name: getattr(extra, name).take(pa.array(position)) for name in ("city", "region", "gender")}
    given = {name: matched & column.is_valid().to_numpy(zero_copy_only=False) for name, column in taken.items()}
    dropped = _regions_left_behind(main, taken["city"], given["city"] & ~given["region"], warnings)
    for name in ("city", "region", "gender"):
        ours, theirs = getattr(main, name), taken[name]
        # Another spelling of the same name (IZMIR, Ege Bölgesi for Ege) is no disagreement.
        same = _same_text(ours, theirs, _region_identity if name == "region" else fold)
        differ = given[name] & ours.is_valid().to_numpy(zero_copy_only=False) & ~same
        if differ.any():
            disagreements.append(f"{name} ({int(differ.sum())})")
        kept = pc.if_else(pa.array(dropped), pa.scalar(None, pa.string()), ours) if name == "region" else ours
        setattr(merged, name, pc.if_else(pa.array(given[name]), theirs, kept))
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


def _positions_in(main_ids: pa.Array, extra_ids: pa.Array, warnings: list[str]) -> IntArray:
    """Where each main-file customer is in the customers file (-1: not there): the same id, else the one id that
    is the same once leading zeros are left out, or once letter case is ignored (`_pair_lost_zeros`,
    `_pair_other_case`); warns about those."""
    where: IntArray = pc.fill_null(pc.index_in(main_ids, value_set=extra_ids), -1).to_numpy(
        zero_copy_only=False).astype(np.int64)
    taken = np.zeros(len(extra_ids), dtype=np.bool_)
    taken[where[where >= 0]] = True
    if (where >= 0).all() or taken.all():
        return where  # every customer of one file has its own id in the other: nothing left to pair
    main_text, extra_text = main_ids.cast(pa.string()), extra_ids.cast(pa.string())
    _pair_lost_zeros(main_text, extra_text, where, warnings)
    _pair_other_case(main_text, extra_text, where, warnings)
    return where


def _pair_lost_zeros(main_ids: pa.Array, extra_ids: pa.Array, where: IntArray, warnings: list[str]) -> None:
    """Pairs (in ``where``) the ids of digits that are the same once leading zeros are left out (a spreadsheet read
    01234 as the number 1234), when one file has lost its zeros (none of its ids starts with one) and the other
    has not, and that pairs one id with one id (007 and 7 both in one file are two customers: neither is paired);
    warns about those. The customer keeps the main file's id."""
    zero_led = [pc.any(pc.starts_with(ids, "0")).as_py() is True for ids in (main_ids, extra_ids)]
    if zero_led[0] == zero_led[1]:
        return  # both keep some leading zeros (7 there is not 007), or neither has any to lose
    lost = "the customers file" if zero_led[0] else "the main file"
    main_digits, extra_digits = (_digits_only(ids) for ids in (main_ids, extra_ids))
    keys = [pc.utf8_ltrim(ids, "0") for ids in (main_ids, extra_ids)]
    # Only the file that lost its zeros must hold numbers; the other's ids may be any text that starts with zeros.
    paired = _pair(where, keys[0], keys[1], main_digits if lost == "the main file" else None,
                   None if lost == "the main file" else extra_digits)
    if paired.any():
        first = int(np.flatnonzero(paired)[0])
        warnings.append(
            f"{int(paired.sum())} customer id(s) of the customers file match an id of the main file only once "
            f"leading zeros are left out (e.g. {shown(extra_ids[int(where[first])].as_py())} → "
            f"{shown(main_ids[first].as_py())}), and are read as that customer: {lost} has probably lost the zeros "
            "(a spreadsheet reads such ids as numbers)")


def _pair_other_case(main_ids: pa.Array, extra_ids: pa.Array, where: IntArray, warnings: list[str]) -> None:
    """Pairs (in ``where``) the ids that differ in letter case only (c7 for C7: one system wrote them in capitals),
    where that pairs one id with one id (c7 and C7 both in one file are two customers); warns about those."""
    paired = _pair(where, pc.utf8_lower(main_ids), pc.utf8_lower(extra_ids))
    if paired.any():
        first = int(np.flatnonzero(paired)[0])
        warnings.append(
            f"{int(paired.sum())} customer id(s) of the customers file match an id of the main file only when letter "
            f"case is ignored (e.g. {shown(extra_ids[int(where[first])].as_py())} → {shown(main_ids[first].as_py())})"
            ", and are read as that customer")


def _pair(where: IntArray, main_keys: pa.Array, extra_keys: pa.Array, main_may: BoolArray | None = None,
          extra_may: BoolArray | None = None) -> BoolArray:
    """Pairs, in ``where``, each main-file customer not yet paired with the customers file's customer not yet
    paired that has its key, where the key is one customer's only in each file (all of it, paired or not) and
    both may be paired (``main_may``, ``extra_may``: all when None). Returns which main-file customers it paired."""
    taken = np.zeros(len(extra_keys), dtype=np.bool_)
    taken[where[where >= 0]] = True
    main_open = (where < 0) & _once(main_keys) & (True if main_may is None else main_may)
    extra_open = ~taken & _once(extra_keys) & (True if extra_may is None else extra_may)
    paired = np.zeros(len(where), dtype=np.bool_)
    open_main, open_extra = np.flatnonzero(main_open), np.flatnonzero(extra_open)
    if len(open_main) == 0 or len(open_extra) == 0:
        return paired
    found = pc.fill_null(pc.index_in(main_keys.take(pa.array(open_main)),
                                     value_set=extra_keys.take(pa.array(open_extra))), -1).to_numpy(
        zero_copy_only=False)
    hit = found >= 0
    where[open_main[hit]] = open_extra[found[hit]]
    paired[open_main[hit]] = True
    return paired


def _digits_only(ids: pa.Array) -> BoolArray:
    digits: BoolArray = pc.fill_null(pc.match_substring_regex(ids, r"^[0-9]+$"), False).to_numpy(
        zero_copy_only=False)
    return digits


def _once(keys: pa.Array) -> BoolArray:
    """Whether each key occurs only once (a missing key never does)."""
    codes = pc.fill_null(pc.dictionary_encode(keys).indices, -1).to_numpy(zero_copy_only=False)
    counts = np.bincount(codes[codes >= 0], minlength=1)
    once: BoolArray = (codes >= 0) & (counts[np.maximum(codes, 0)] == 1)
    return once


def _regions_left_behind(main: CustomerColumns, city: pa.Array, city_only: BoolArray,
                         warnings: list[str]) -> BoolArray:
    """The customers whose main-file region no longer holds: the customers file gives them another city (and no
    region) that lies in another region, or that is no province while the main file had a different city (the
    customer moved to a place the reference does not know). Another spelling of the same city, a district or a
    city in the same region keeps the region; so does an unknown place where the main file had no city. Warns
    about each kind.

    Args:
        main: the main file's customers.
        city: the customers file's city of each of them (null where it gives none).
        city_only: the customers file gives a city and no region.
        warnings: where the warnings go.
    """
    old_city, new_city = _text_keys([main.city, city], fold)
    moved: BoolArray = city_only & (old_city != new_city) & main.region.is_valid().to_numpy(zero_copy_only=False)
    if not moved.any():
        return moved
    old_region, new_region = _text_keys([main.region, city], _region_identity, _province_identity)
    elsewhere = moved & (new_region >= 0) & (new_region != old_region)
    nowhere = moved & (new_region < 0) & (old_city >= 0)
    ids = main.customer_id
    if elsewhere.any():
        first = int(np.flatnonzero(elsewhere)[0])
        warnings.append(
            f"the customers file gives {int(elsewhere.sum())} customer(s) a city in another region than the main "
            f"file's and no region (e.g. customer {shown(ids[first].as_py())}: {shown(city[first].as_py())!r}, "
            f"not {shown(main.region[first].as_py())!r}); their region is their city's")
    if nowhere.any():
        first = int(np.flatnonzero(nowhere)[0])
        warnings.append(
            f"the customers file moves {int(nowhere.sum())} customer(s) to a place that is no province and gives no "
            f"region (e.g. customer {shown(ids[first].as_py())}: {shown(main.city[first].as_py())!r} → "
            f"{shown(city[first].as_py())!r}); the main file's region ({shown(main.region[first].as_py())!r}) is "
            "not kept, so their region is unknown")
    dropped: BoolArray = elsewhere | nowhere
    return dropped


def _region_identity(name: str) -> Hashable:
    """One key for the names of one region: a reference region by any of its names, another however spelled."""
    found = region_by_name(name)
    return ("reference", found.name) if found is not None else fold(name)


def _province_identity(city: str) -> Hashable | None:
    """The key (`_region_identity`) of the region of a city that is a province; None for any other place."""
    region = province_region(city)
    return None if region is None else _region_identity(region)


def _same_text(ours: pa.Array, theirs: pa.Array, key: Callable[[str], Hashable] = fold) -> BoolArray:
    """Row by row, whether two text columns hold the same name however it is spelled (`fold`: İzmir = IZMIR,
    or the given ``key``)."""
    a, b = _text_keys([ours, theirs], key)
    same: BoolArray = (a == b) & (a >= 0)
    return same


def _text_keys(columns: list[pa.Array], *keys: Callable[[str], Hashable | None]) -> list[IntArray]:
    """Each row's text as a number, equal where the key of the text is: one key for all columns, or one per
    column; -1 where the text is null or its key None. The few distinct texts are keyed, not the rows."""
    numbers: dict[Hashable, int] = {}

    def keyed(column: pa.Array, key: Callable[[str], Hashable | None]) -> IntArray:
        encoded = column.cast(pa.string()).dictionary_encode()
        found = (key(str(text)) for text in encoded.dictionary.to_pylist())
        table = np.array([-1 if k is None else numbers.setdefault(k, len(numbers)) for k in found] + [-1],
                         dtype=np.int64)
        codes: IntArray = table[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]
        return codes

    return [keyed(column, keys[min(index, len(keys) - 1)]) for index, column in enumerate(columns)]


def _no_id_in_common(main_ids: pa.Array, extra_ids: pa.Array) -> str:
    """Why no customer got the customers file's attributes: the ids differ, and how (leading zeros, say)."""
    said = (f"no customer id of the main file is in the customers file (the main file has ids like "
            f"{shown(main_ids[0].as_py())!r}, the customers file like {shown(extra_ids[0].as_py())!r}), so no "
            f"customer got its attributes and its {len(extra_ids):,} customer(s) are left out of the cohort")
    unpadded = pc.utf8_ltrim(extra_ids.cast(pa.string()), "0")
    if pc.any(pc.is_in(pc.utf8_ltrim(main_ids.cast(pa.string()), "0"), value_set=unpadded)).as_py():
        said += ("; some match once leading zeros are left out, but both files have ids with leading zeros, or two "
                 "ids would become one (01 and 001 are both 1), so they are not matched: export the ids as text")
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
