"""`read_cohort`: a customer export (any of the four formats, any common file type) → a `Cohort`.

Formats are told apart by content and columns:

- (a) ``seed_json``: the seed's JSON, a list of customers with productHistory (or ``{"customers": [...]}``);
- (b) ``purchase_history``: one row per customer × product with the productHistory fields;
- (c) ``order_lines``: transactions with a customer id, a date, an amount or unit price, and a product;
- (d) ``orders``: the same without product columns (one row per order); history lines have no product.

File types are told apart by their bytes: CSV/TSV (any delimiter, UTF-8 ± BOM, Windows-1254, Latin-1, also
gzipped), Excel .xlsx, Parquet and JSON. See `rules.cohort.rejects.REASONS` for every reason a row can be
rejected for; the report counts them all, and ``cohort.rejected`` holds the rows themselves.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace

import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columns import ATTRIBUTES, Columns, listed, recognise, require_customer_id, shortened
from rules.cohort.dates import DateOrder
from rules.cohort.error_values import without_error_values
from rules.cohort.load import Loaded, Source, load
from rules.cohort.model import Cohort, CohortFormat, CustomersFileReport, IngestReport
from rules.cohort.orderlines import DEFAULT_NON_PRODUCT_CODES
from rules.cohort.parts import Part
from rules.cohort.read_customers import mapping_for_customers_file, merge_customers, read_customers_file
from rules.cohort.read_history import read_history_file
from rules.cohort.read_orders import read_order_file
from rules.cohort.read_seed import read_seed_json
from rules.cohort.rejects import combine_rejected
from rules.cohort.results_columns import said_as_results
from rules.cohort.tables import customers_frame
from rules.errors import InvalidInput, Problem

__all__ = ["DEFAULT_NON_PRODUCT_CODES", "read_cohort"]

_SOURCE_TYPES = (str, os.PathLike, bytes, bytearray, memoryview)
_SHEET_HINT = "choose another sheet with sheet= (on the command line: --sheet)"
_CUSTOMERS_SHEET_HINT = "choose another sheet with customers_sheet= (on the command line: --customers-sheet)"


def read_cohort(
    source: Source,
    *,
    customers: Source | None = None,
    mapping: Mapping[str, str | None] | None = None,
    customers_mapping: Mapping[str, str | None] | None = None,
    exclude_products: Iterable[str] = DEFAULT_NON_PRODUCT_CODES,
    name: str | None = None,
    customers_name: str | None = None,
    date_order: DateOrder | None = None,
    sheet: str | int | None = None,
    customers_sheet: str | int | None = None,
) -> Cohort:
    """Read a customer export into a cohort: customers, per-product history, ingest report, rejected rows.

    Args:
        source: the file: a path, bytes, or a binary file-like object (e.g. an uploaded file).
        customers: an optional second file with customer attributes (customer id, age, gender, city, region,
            signup date). Its values win over the main file's; its customers without purchases join the cohort.
        mapping: canonical name → column of the main file, for columns the header names do not give away
            (``{"customer_id": "Kunde"}``); a canonical name mapped to None is not read at all. The canonical
            names are those of `rules.cohort.columns.CANONICAL`.
        customers_mapping: the same for the customers file; by default the main mapping's entries for the id
            and the attributes, where the customers file has those columns.
        exclude_products: product ids and names of lines that are not products (postage, fees, adjustments);
            matched however they are spelled. Pass an empty set to keep every line; one text is one code.
        name: the file's name, used in messages (taken from the path or file object when not given).
        customers_name: the same for the customers file.
        date_order: force how dates like 03/04/2025 are read ("DMY" or "MDY"); decided from the data otherwise.
        sheet: the Excel sheet to read (name or 0-based index); the first sheet by default.
        customers_sheet: the same for the customers file.

    Returns:
        The cohort. ``cohort.report`` says what was read and rejected; ``cohort.rejected`` holds rejected rows.

    Raises:
        InvalidInput: the file cannot be read as a cohort (unknown type, no customer id column, a mapping that
            names a missing column, …); the message says which and lists what the file has.
    """
    exclude_products = _checked_arguments(source, customers, mapping, customers_mapping, exclude_products,
                                          date_order, {"sheet": sheet, "customers_sheet": customers_sheet})
    main_label = name or _label(source, "input")
    loaded = load(source, name=main_label, sheet=sheet, header_names=_named(mapping))
    extra: Loaded | None = None
    chosen: Mapping[str, str | None] = {}
    if customers is not None:
        customers_label = customers_name or _label(customers, "customers")
        named = customers_name or _label(customers, "") or None
        try:
            extra = load(customers, name=customers_label, sheet=customers_sheet,
                         header_names=_named(customers_mapping if customers_mapping is not None else mapping))
        except InvalidInput as error:  # say which of the two files it is
            raise _in_customers_file(error, named) from None
        if extra.records == []:
            raise InvalidInput([Problem("customers", "the customers file is an empty JSON list: it holds no customer "
                                                     "to take attributes from", customers_label)])
        if extra.records is not None:
            raise InvalidInput([Problem("customers", "the customers file must be a table (CSV, Excel, Parquet or "
                                                     "JSON records), not the seed's customer JSON", customers_label)])
        chosen = customers_mapping if customers_mapping is not None else mapping_for_customers_file(extra, mapping)
    # A Country column is no region where either file has cities (one country would override their regions).
    part = _read_main(loaded, mapping, exclude_products, date_order, main_label,
                      city_elsewhere=extra is not None and _has_cities(extra, chosen))
    warnings = list(part.warnings)
    if sheet is not None and loaded.kind != "xlsx":
        warnings.append(f"sheet={sheet!r} is not used: the file is not an Excel workbook")
    customers_table = part.customers
    customers_report: CustomersFileReport | None = None
    rejected = [part.rejected.result() if part.rejected is not None else
                part.log.rejected_frame(part.table, main_label)]
    if extra is not None:
        try:
            has_city = part.customers.city.null_count < len(part.customers.city)
            attributes, log, customers_report = read_customers_file(extra, chosen, part.date_order, date_order,
                                                                    city_elsewhere=has_city)
        except InvalidInput as error:
            raise _in_customers_file(_on_other_sheets(error, extra, _CUSTOMERS_SHEET_HINT), named) from None
        if customers_sheet is not None and extra.kind != "xlsx":
            warnings.append(f"customers_sheet={customers_sheet!r} is not used: the customers file is not an Excel "
                            "workbook")
        if attributes is not None:
            customers_table = merge_customers(customers_table, attributes, warnings)
        rejected.append(log.rejected_frame(extra.as_shown, customers_label))
    frame = customers_frame(customers_table)
    log = part.log
    report = IngestReport(
        rows_read=log.rows_read, rows_accepted=log.rows_read - log.rows_rejected, rows_rejected=log.rows_rejected,
        rejected_by_reason=log.rejections(part.table), customers=len(frame), format=part.format,
        file_type=loaded.kind, encoding=part.encoding, delimiter=part.delimiter, date_order=part.date_order,
        column_mapping=part.column_mapping, warnings=warnings, decimal_mark=part.decimal_mark, notes=part.notes,
        customers_file=customers_report)
    return Cohort(frame, part.history, report, combine_rejected(rejected))


def _on_other_sheets(error: InvalidInput, loaded: Loaded, hint: str) -> InvalidInput:
    """The error, saying that the workbook has more sheets when it has: the columns may well be on another."""
    sheets = [note for note in loaded.notes if note.startswith("read sheet ")]
    if not sheets:
        return error
    return InvalidInput([replace(p, msg=f"{p.msg}. The workbook has more sheets ({sheets[0]})",
                                 hint="; or ".join(filter(None, [p.hint, hint])))
                         for p in error.problems])


def _in_customers_file(error: InvalidInput, name: str | None) -> InvalidInput:
    """The customers file's problems, located in it (``customers``, ``customers.columns``), so that a caller can
    tell them from the main file's; its sheet is chosen with ``customers_sheet=`` (``--customers-sheet``). Where
    the file has a name (``customers_name``, a path or a named file object) and a problem does not give it, the
    problem names it: a table of problems, a log or a batch run's output says which file to fix."""
    located = [p if p.loc.startswith("customers") else
               replace(p, loc="customers" if p.loc == "file" else f"customers.{p.loc}",
                       hint=_CUSTOMERS_SHEET_HINT if p.loc == "sheet" and p.hint else p.hint)
               for p in error.problems]
    return InvalidInput([p if name is None or p.input == name else replace(p, msg=f"{p.msg} (in {name!r})")
                         for p in located])


def _checked_arguments(
    source: object, customers: object, mapping: object, customers_mapping: object, exclude: object,
    date_order: object, sheets: Mapping[str, object],
) -> Collection[str]:
    """Refuse arguments of the wrong kind with a problem naming the argument (not a traceback from deep inside);
    the exclusion list as a collection of codes.

    Raises:
        InvalidInput: every argument of the wrong kind.
    """
    problems = []
    for argument, given in (("source", source), ("customers", customers)):
        if given is not None and not isinstance(given, _SOURCE_TYPES) and not callable(getattr(given, "read", None)):
            problems.append(Problem(argument, "expected a path, bytes or a binary file object", type(given).__name__))
    if source is None:
        problems.append(Problem("source", "expected a path, bytes or a binary file object", None))
    for argument, given in (("mapping", mapping), ("customers_mapping", customers_mapping)):
        if given is not None and not isinstance(given, Mapping):
            problems.append(Problem(argument, "expected a dict of canonical name → column name",
                                    type(given).__name__))
    codes: tuple[object, ...] = (exclude,) if isinstance(exclude, str) else \
        tuple(exclude) if isinstance(exclude, Iterable) else (None,)  # any iterable, read once
    if not all(isinstance(code, str) for code in codes):
        problems.append(Problem("exclude_products", "expected a collection of product codes and names (an empty "
                                                    "set keeps every line)", type(exclude).__name__))
    if date_order is not None and date_order not in ("DMY", "MDY"):
        problems.append(Problem("date_order", "expected 'DMY' or 'MDY' (ISO dates are always read year first)",
                                date_order))
    for argument, given in sheets.items():  # True is an int to Python, but no sheet's place
        if given is not None and (isinstance(given, bool) or not isinstance(given, str | int)):
            problems.append(Problem(argument, "expected a sheet's name or its place (0 for the first)", given))
    if problems:
        raise InvalidInput(problems)
    return frozenset(str(code) for code in codes)


def _named(mapping: Mapping[str, str | None] | None) -> list[str]:
    """The column names a mapping gives (where the header is, when the reader does not know them)."""
    return [column for column in (mapping or {}).values() if isinstance(column, str) and column]


_HEAD_ROWS = 1_000


def _has_value(column: pa.ChunkedArray | pa.Array) -> bool:
    """Whether a column holds a value that is not blank."""
    if column.null_count == len(column):
        return False
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type) or
            pa.types.is_dictionary(column.type)):
        return True
    texts = column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
    # A column with values shows one in its first rows: the whole column is looked at only when they are blank.
    return any(bool(pc.any(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(part)), 0)).as_py())
               for part in (texts.slice(0, _HEAD_ROWS), texts.slice(_HEAD_ROWS)) if len(part))


def _has_cities(loaded: Loaded, mapping: Mapping[str, str | None]) -> bool:
    """Whether a customers file has a city column with a value in it (its mapping as given, or as recognised)."""
    try:
        column = recognise(loaded.table.column_names, mapping, allowed=("customer_id", *ATTRIBUTES),
                           label="customers_mapping", file_label="the customers file").used.get("city")
    except InvalidInput:
        return False  # said when the file is read
    return column is not None and _has_value(loaded.table[column])


def _read_main(
    loaded: Loaded, mapping: Mapping[str, str | None] | None, exclude: Collection[str], date_order: DateOrder | None,
    label: str, *, city_elsewhere: bool = False,
) -> Part:
    if loaded.records is not None:
        part = read_seed_json(loaded)
        if mapping:
            part.warnings.append("the mapping is not used: the seed's JSON names its fields itself")
        return part
    try:
        part = _read_table(loaded, mapping, exclude, date_order, label, city_elsewhere=city_elsewhere)
    except InvalidInput as error:  # segment's own results fed back in: say so, rather than which column is missing
        raise said_as_results(error, loaded.table.column_names) from None
    return part


def _read_table(
    loaded: Loaded, mapping: Mapping[str, str | None] | None, exclude: Collection[str], date_order: DateOrder | None,
    label: str, *, city_elsewhere: bool,
) -> Part:
    columns = recognise(loaded.table.column_names, mapping, city_elsewhere=city_elsewhere,
                        filled=lambda column: _has_value(loaded.table[column]))
    try:
        require_customer_id(columns, loaded.table.column_names)
        file_format = detect_format(columns, loaded.table.column_names)
    except InvalidInput as error:
        raise _on_other_sheets(error, loaded, _SHEET_HINT) from None
    loaded = without_error_values(loaded, columns.used)
    if file_format == "purchase_history":
        part = read_history_file(loaded, columns, exclude, date_order)
    else:
        part = read_order_file(loaded, columns, file_format, exclude, date_order, label)
    part.notes = [*columns.notes, *part.notes]
    if columns.unused:
        part.notes.append(f"columns not used: {listed(columns.unused)}")
    return part


def detect_format(columns: Columns, all_columns: list[str]) -> CohortFormat:
    """The format of a table, from the columns it has.

    Raises:
        InvalidInput: the columns fit no format; the message says what each format needs.
    """
    used = columns.used
    if "total_spent" in used or "last_purchase" in used:
        return "purchase_history"
    if "order_date" in used and ("amount" in used or "unit_price" in used):
        return "order_lines" if "product_id" in used or "product_name" in used else "orders"
    found = ", ".join(f"{canonical} ← {column!r}" for canonical, column in used.items())
    hint = "Name columns with mapping={'order_date': '<column>', ...} (on the command line: --map " \
           "order_date=<column> ...)"
    if "order_date" in used:  # only the money is missing: say which name it takes
        hint = "Name the column of each line's money with mapping={'amount': '<column>'} (a line's total) or " \
               "mapping={'unit_price': '<column>'} (a price per unit) (on the command line: --map amount=<column>)"
    raise InvalidInput([Problem(
        "columns",
        "the file is neither order lines (they need an order date and an amount or unit price column) nor a "
        f"purchase history (totalSpent, lastPurchase, …). Recognised: {found or 'nothing'}; the file's columns: "
        f"{listed(all_columns)}",
        [shortened(column) for column in all_columns[:40]], hint=hint)])


def _label(source: object, default: str) -> str:
    if isinstance(source, str):
        return source.rsplit("/", 1)[-1]
    given = getattr(source, "name", None)
    if isinstance(given, str):
        return given.rsplit("/", 1)[-1]
    fspath = getattr(source, "__fspath__", None)
    return str(fspath()).rsplit("/", 1)[-1] if callable(fspath) else default
