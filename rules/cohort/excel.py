"""Excel workbooks (.xlsx) as Arrow tables: the first sheet (or a named one), its header row found like in CSV.

openpyxl reads a sheet row by row (that is how the format is stored); the columns are then built in one go.
Whole-number cells become integers, date cells become timestamps, and a column mixing kinds becomes text.
Merged cells are read as Excel shows them (`rules.cohort.merged_cells`): a value merged down the data rows is each
row's value, and group labels merged over a header's names are joined to them.
"""

from __future__ import annotations

import html
import io
import math
import re
import zipfile
from collections.abc import Collection, Sequence
from datetime import date, datetime, time
from typing import Any, NamedTuple

import numpy as np
import openpyxl
import pyarrow as pa
from openpyxl.utils import column_index_from_string

from rules.cohort.columns import header_index
from rules.cohort.merged_cells import fill_down, joined_header, merged_ranges
from rules.cohort.null_texts import NULL_TEXTS
from rules.cohort.sniff import HEADER_SEARCH_ROWS, unique_names
from rules.cohort.values import decide_decimal_mark
from rules.errors import InvalidInput, Problem


class Sheet(NamedTuple):
    """A sheet read.

    Attributes:
        table: its rows under its header, as the readers take them.
        shown: the same rows as rejected rows show them, when that differs: in a column mixing number cells with
            decimal-comma text, the numbers as their own values (7.125, not the table's ``7,125``); else None.
        notes, warnings: how it was read (preamble rows skipped, other sheets ignored), and what went wrong
            (formulas never calculated).
    """

    table: pa.Table
    shown: pa.Table | None
    notes: list[str]
    warnings: list[str]


def read_xlsx(data: bytes, sheet: str | int | None = None, named: Collection[str] = ()) -> Sheet:
    """The sheet's rows under its header, its header row found like in CSV (``named``: the mapping's columns).

    Fully empty rows are not data and are skipped (spreadsheets often keep formatted empty rows at the end).

    Raises:
        InvalidInput: the sheet does not exist, or it has no rows.
    """
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        worksheet = _sheet(workbook, sheet)
        hidden = _skipped_hidden(workbook, worksheet) if sheet is None else []
        # The sheet's <dimension> tag is written by whatever saved the workbook and may be stale (A1:F3 over 100
        # rows): read-only openpyxl would stop at it, so the rows are read to where the sheet's XML ends.
        worksheet.reset_dimensions()
        padded = _zero_padded(worksheet)
        xml = _sheet_xml(data, getattr(worksheet, "_worksheet_path", ""))
        formulas, zeros = _uncalculated_formulas(data, xml)
        merges = merged_ranges(xml)
        # Cells are read with their formats only when some show zero-padded numbers: it is slower.
        read = (tuple(_as_shown(cell) for cell in row) for row in worksheet.iter_rows()) if padded else \
            worksheet.iter_rows(values_only=True)
        if formulas:
            read = (_with_formulas(row, formulas.get(number, {})) for number, row in enumerate(read, start=1))
        # A delimited file's null texts are no value in a sheet too (an #N/A cell reads as its text): the same
        # table as CSV and as a workbook gives the same rows. Not in JSON, which has its own null.
        read = (tuple(None if type(value) is str and value in _NO_VALUE else value for value in row) for row in read)
        # Each row with its row in the sheet, which merged ranges name.
        numbered = [(number, trimmed) for number, trimmed in enumerate(map(_trimmed, read), start=1) if trimmed]
        names = sheet_names(workbook)
    finally:
        workbook.close()
    if not numbered:
        several = len(names) > 1
        raise InvalidInput([Problem("sheet", "the sheet has no rows" + (f"; the workbook's sheets: {', '.join(names)}"
                                                                        if several else ""), worksheet.title,
                                    hint="choose one with sheet= (on the command line: --sheet)" if several else None)])
    notes, warnings = [], []
    if len(names) > 1:
        notes.append(f"read sheet {worksheet.title!r} of {len(names)} ({', '.join(names)})")
    if hidden:
        warnings.append(f"skipped the hidden sheet(s) {', '.join(map(repr, hidden))} and read the first visible "
                        f"one, {worksheet.title!r}; a hidden sheet is read when chosen by name or place")
    if formulas:
        warnings.append(f"{sum(map(len, formulas.values()))} formula cell(s) have no stored result (the workbook "
                        "was saved without calculating them, as programs that write workbooks do): they are read as "
                        "their formula text, so their rows are rejected; open and save the workbook in Excel to "
                        "store the results" + (f" ({zeros} of them stored 0, which a workbook flagged to be "
                                               "calculated when opened holds for a formula never calculated, as "
                                               "XlsxWriter writes it)" if zeros else ""))
    numbers, rows = [number for number, _ in numbered], [row for _, row in numbered]
    width = max(len(row) for row in rows)
    header_rows = [[_header_cell(v) for v in row] for row in rows[:HEADER_SEARCH_ROWS]]
    first = header_index(header_rows, width, named)
    top, header = first, header_rows[first]
    two_rows = joined_header(header_rows, numbers, first, merges, named)
    if two_rows is not None:
        top, first, header = two_rows.upper, two_rows.upper + 1, two_rows.names
        notes.append("the header is two rows, merged group labels over the names below them: read as "
                     f"{', '.join(map(repr, two_rows.joined))}")
    if top:
        notes.append(f"skipped {top} row(s) above the header")
    body = rows[first + 1:]
    if merges:
        filled = fill_down(body, numbers[first + 1:], merges)
        body = filled.rows
        if filled.cells:
            notes.append(f"merged cells: {filled.ranges} range(s) in column(s) "
                         f"{', '.join(repr(_column_name(header, place)) for place in filled.columns)} give their "
                         f"value to the {filled.cells} cell(s) below their first, as Excel shows it across the range")
    notes += [f"{_column_name(header, index)}: numbers shown with leading zeros ({'0' * size}) are read as shown"
              for index, size in sorted(padded.items()) if index < width]
    return Sheet(*_tables(header, body), notes, warnings)


def _column_name(header: Sequence[str], place: int) -> str:
    """A column as notes name it: its header name, or its place when it has none."""
    return header[place] if place < len(header) and header[place] else f"column {place + 1}"


def _tables(header: list[str], body: list[tuple[Any, ...]]) -> tuple[pa.Table, pa.Table | None]:
    """The body's columns under the header's names: only those with a name or some value, so that a stray cell
    far to the right (XFD1) makes one column, not 16,000 empty ones; and the rows as rejected rows show them
    (see `Sheet`), when that differs.

    The columns half the rows reach are taken whole; beyond them only the cells of the rows that go further are
    looked at, and only their filled ones kept.
    """
    lengths = sorted(len(row) for row in body)
    common = lengths[len(lengths) // 2] if lengths else 0
    beyond: dict[int, dict[int, Any]] = {}
    for number, row in enumerate(body):
        for place in range(common, len(row)):
            if _filled(row[place]):
                beyond.setdefault(place, {})[number] = row[place]
    places = list(range(common)) + sorted(beyond)
    cells = columns_from_values([[row[i] if i < len(row) else None for row in body] for i in range(common)] +
                                [[beyond[place].get(number) for number in range(len(body))]
                                 for place in places[common:]])
    columns = {place: column for place, column in zip(places, cells.columns, strict=True)
               if column.null_count < len(column)}
    columns.update({place: pa.nulls(len(body), pa.string()) for place, name in enumerate(header)
                    if name.strip() and place not in columns})
    end = max([len(header), *(place + 1 for place in columns)])
    names = unique_names(header + [""] * (end - len(header)))
    kept = sorted(columns)
    table = pa.table([columns[place] for place in kept], names=[names[place] for place in kept])
    if not cells.shown:
        return table, None
    shown = {places[index]: column for index, column in cells.shown.items()}
    return table, pa.table([shown.get(place, columns[place]) for place in kept], names=table.column_names)


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row without the empty cells after its last filled one (formatted cells, a row padded to the sheet's
    width); empty when no cell is filled."""
    end = len(row)
    while end and not _filled(row[end - 1]):
        end -= 1
    return row if end == len(row) else row[:end]


class Cells(NamedTuple):
    """Arrow columns built from cell values.

    Attributes:
        columns: the columns, as the readers take them.
        shown: place → the column with its number cells written with a point, where ``columns`` has them with a
            decimal comma: what rejected rows show, so that a fixed and re-read row keeps their values.
    """

    columns: list[pa.Array]
    shown: dict[int, pa.Array]


def columns_from_values(columns: Sequence[Sequence[Any]]) -> Cells:
    """Arrow columns from cell values (see `column_from_values`).

    A column mixing number cells with text becomes text; its numbers are then written with the decimal mark the
    text cells of such columns use (7.125 as ``7,125`` beside ``1.234,50``), so that reading the column's text
    later gives every number cell its own value back (``7.125`` would be read as 7125 in a decimal-comma file).
    """
    mixed = [_mixes_numbers_and_text(values) for values in columns]
    texts = [value for values, mixes in zip(columns, mixed, strict=True) if mixes for value in values
             if isinstance(value, str) and _filled(value)]
    mark = decide_decimal_mark([pa.array(texts, pa.string())]).mark if texts else "."
    built = [column_from_values(values, mark) for values in columns]
    shown = {place: column_from_values(values) for place, (values, mixes) in enumerate(zip(columns, mixed, strict=True))
             if mixes and mark != "."}
    return Cells(built, shown)


def column_from_values(values: Sequence[Any], number_mark: str = ".") -> pa.Array:
    """An Arrow column from cell values: integers, floats, timestamps or text, whichever fits them all (numbers
    in text written with ``number_mark``)."""
    present = [v for v in values if _filled(v)]
    cleaned = [v if _filled(v) else None for v in values]
    if not present:
        return pa.nulls(len(values), pa.string())
    if all(isinstance(v, bool) for v in present):
        return pa.array([None if v is None else str(v).upper() for v in cleaned], pa.string())
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        if all(isinstance(v, int) or float(v).is_integer() for v in present) and \
                all(abs(v) < 2**53 for v in present):
            return pa.array([None if v is None else int(v) for v in cleaned], pa.int64())
        return pa.array([None if v is None else _as_float(v) for v in cleaned], pa.float64())
    if all(isinstance(v, datetime | date) for v in present):
        return pa.array([_as_datetime(v) for v in cleaned], pa.timestamp("us"))
    return pa.array([_as_text(v, number_mark) for v in cleaned], pa.string())


def _mixes_numbers_and_text(values: Sequence[Any]) -> bool:
    return any(isinstance(v, str) and _filled(v) for v in values) and \
        any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


# A cell holding a formula and no stored result: `<c r="D2"><f>2*5</f><v /></c>` (or no <v> at all); its
# attributes are checked apart (`_CELL_PLACE`, `_TEXT_RESULT`).
_UNCALCULATED = re.compile(rb'<c\b([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)(<v\s*/>|<v>\s*</v>)?</c>')
_CELL_PLACE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
# A formula whose result is text: with an empty <v>, Excel calculated it to "" (=IFERROR(…;""), a template
# row's =IF(E9="";"";E9*G9)), which is an empty cell, not a formula never calculated. Without a <v>, it was
# never calculated (PhpSpreadsheet writes every formula so when told not to calculate them).
_TEXT_RESULT = re.compile(rb'\bt="str"')
# XlsxWriter (unless told a result) and Apache POI store 0 as a formula's result and flag the workbook to be
# calculated when it is opened (<calcPr fullCalcOnLoad="1"/>); Excel and LibreOffice set no such flag when they
# save. In a flagged workbook a stored 0 cannot be told from a calculated 0, so it is taken as no result: a real
# 0 in a number column (an amount, a quantity) is a rejected row either way. Results other than 0 are kept.
_ZERO_RESULT = re.compile(rb'<c\b([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)(<v>0</v>)</c>')
_CALCULATE_ON_LOAD = re.compile(rb'<calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')


class _Uncalculated(NamedTuple):
    """The sheet's formula cells without a result: row → column → the formula text (``=2*5``), 1-based as the
    sheet counts them; `zeros`: how many of them stored a 0 in a workbook flagged to be calculated on opening."""

    formulas: dict[int, dict[int, str]]
    zeros: int


def _sheet_xml(data: bytes, path: str) -> bytes:
    """The sheet's XML as stored in the workbook; empty when it cannot be read (openpyxl has said why)."""
    try:
        return zipfile.ZipFile(io.BytesIO(data)).read(path.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError):
        return b""


def _uncalculated_formulas(data: bytes, xml: bytes) -> _Uncalculated:
    """The sheet's (``xml``) formula cells without a stored result (which openpyxl reads as empty), and those whose
    stored 0 is no result (`_ZERO_RESULT`)."""
    if b"<f" not in xml:
        return _Uncalculated({}, 0)
    try:
        book = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return _Uncalculated({}, 0)
    found: dict[int, dict[int, str]] = {}
    zeros = 0
    patterns = (_UNCALCULATED, _ZERO_RESULT) if _CALCULATE_ON_LOAD.search(book) else (_UNCALCULATED,)
    for pattern in patterns:
        for match in pattern.finditer(xml):
            place = _CELL_PLACE.search(match[1])
            if place is None or (pattern is _UNCALCULATED and match[3] is not None and _TEXT_RESULT.search(match[1])):
                continue
            formula = html.unescape(match[2].decode("utf-8", "replace")) if match[2] else "(shared formula)"
            found.setdefault(int(place[2]), {})[column_index_from_string(place[1].decode())] = f"={formula}"
            zeros += pattern is _ZERO_RESULT
    return _Uncalculated(found, zeros)


def _with_formulas(row: tuple[Any, ...], formulas: dict[int, str]) -> tuple[Any, ...]:
    """The row with its uncalculated formula cells (column → formula text) as their formula text."""
    if not formulas:
        return row
    return tuple(formulas.get(column, value) for column, value in enumerate(row, start=1))


def _as_float(value: int | float) -> float:
    """The number as a float; an integer too large for one (a JSON 1 followed by 400 zeros) is infinite, which
    the readers reject as not a number."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


_ZEROS = re.compile(r"0{2,}")


def sheet_names(workbook: Any) -> list[str]:
    """The names of a workbook's sheets of cells, in order (chart sheets hold no data and are left out)."""
    return [worksheet.title for worksheet in workbook.worksheets]


def default_sheet(workbook: Any) -> Any:
    """The sheet read when none is named: the first visible sheet of cells (the first one when none is visible);
    None for a workbook without sheets of cells."""
    visible = [worksheet for worksheet in workbook.worksheets if worksheet.sheet_state == "visible"]
    return next(iter(visible or workbook.worksheets), None)  # Excel keeps one sheet visible; another program may not


def _sheet(workbook: Any, sheet: str | int | None) -> Any:
    """The sheet by name, or by its place among the sheets of cells, hidden ones included (also given as text, "2":
    a sheet named "2" wins); the first visible one when None.

    Raises:
        InvalidInput: there is no such sheet (the message lists the sheets).
        ValueError: the workbook has no sheet of cells at all.
    """
    names = sheet_names(workbook)
    if sheet is None:
        if not names:  # `load` says which file: this one cannot be read as a workbook of cells
            raise ValueError("it has no sheet of cells (only charts, or its sheets are missing)")
        return default_sheet(workbook)
    if isinstance(sheet, str) and sheet in names:
        return workbook.worksheets[names.index(sheet)]
    place = int(sheet) if isinstance(sheet, str) and sheet.isascii() and sheet.isdigit() else sheet
    if isinstance(place, int) and 0 <= place < len(names):
        return workbook.worksheets[place]
    raise InvalidInput([Problem("sheet", f"the workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}",
                                sheet)])


def _skipped_hidden(workbook: Any, worksheet: Any) -> list[str]:
    """The hidden sheets before `worksheet` (the default sheet is the first visible one; workbooks hide sheets of
    lookups and old data)."""
    skipped = []
    for candidate in workbook.worksheets:
        if candidate is worksheet:
            break
        skipped.append(candidate.title)
    return skipped


def _zero_padded(worksheet: Any) -> dict[int, int]:
    """Columns whose whole numbers are shown with leading zeros (number format ``00000``, as ERPs export
    customer numbers): column index → width, from the cells of the first rows."""
    widths: dict[int, int] = {}
    for row in worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS + 50):
        for index, cell in enumerate(row):
            number_format = getattr(cell, "number_format", None)
            if isinstance(cell.value, int) and isinstance(number_format, str) and _ZEROS.fullmatch(number_format):
                widths[index] = len(number_format)
    return widths


def _as_shown(cell: Any) -> Any:
    """A cell's value; a whole number formatted ``00000`` as the text the sheet shows (``12`` as ``00012``)."""
    value = cell.value
    number_format = getattr(cell, "number_format", None)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0 and isinstance(number_format, str) \
            and _ZEROS.fullmatch(number_format):
        return str(value).zfill(len(number_format))
    return value


_NO_VALUE = frozenset(NULL_TEXTS)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _header_cell(value: Any) -> str:
    return "" if value is None else _as_text(value) or ""


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _as_text(value: Any, number_mark: str = ".") -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float) and math.isfinite(value):  # never 1e-05: the number readers take plain decimals
        return np.format_float_positional(value, trim="-").replace(".", number_mark)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
