"""Excel workbooks (.xlsx) as Arrow tables: the first sheet (or a named one), its header row found like in CSV.

calamine reads the sheet's cells (`rules.cohort.workbook`), its XML adds what they show beyond their stored values
(`rules.cohort.sheet_xml`: formulas never calculated, error values, numbers shown with leading zeros); the columns
are then built in one go. Whole-number cells become integers, date cells become timestamps, and a column mixing
kinds becomes text.
Merged cells are read as Excel shows them (`rules.cohort.merged_cells`): a value merged down the data rows is each
row's value, and group labels merged over a header's names are joined to them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time
from itertools import zip_longest
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columns import header_index
from rules.cohort.merged_cells import fill_down, joined_header, merged_ranges
from rules.cohort.null_texts import NULL_TEXTS
from rules.cohort.sheet_xml import error_cells, uncalculated_formulas, zero_padded_cells
from rules.cohort.sniff import HEADER_SEARCH_ROWS, unique_names
from rules.cohort.values import decide_decimal_mark, sample_texts, to_numbers
from rules.cohort.workbook import open_workbook
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
    with open_workbook(data) as book:
        part = book.find(sheet)
        hidden = [skipped.name for skipped in book.sheets[:book.sheets.index(part)]] if sheet is None else []
        xml = book.xml(part)
        formulas, zeros = uncalculated_formulas(book.part(book.path) or b"", xml)
        padded = zero_padded_cells(xml, book.number_formats())
        # A delimited file's null texts are no value in a sheet too (an #N/A cell reads as its text): the same
        # table as CSV and as a workbook gives the same rows. Not in JSON, which has its own null.
        cells = book.rows(part, no_value=_NO_VALUE)
        names = book.names
    for overlay in (formulas, error_cells(xml)):
        _overlay(cells, overlay)
    shown_padded = _shown_padded(cells, padded)
    _overlay(cells, shown_padded)
    merges = merged_ranges(xml)
    # Each row with its row in the sheet, which merged ranges name.
    numbered = [(number, trimmed) for number, trimmed in enumerate(map(_trimmed, cells), start=1) if trimmed]
    del cells
    if not numbered:
        several = len(names) > 1
        raise InvalidInput([Problem("sheet", "the sheet has no rows" + (f"; the workbook's sheets: {', '.join(names)}"
                                                                        if several else ""), part.name,
                                    hint="choose one with sheet= (on the command line: --sheet)" if several else None)])
    notes, warnings = [], []
    if len(names) > 1:
        notes.append(f"read sheet {part.name!r} of {len(names)} ({', '.join(names)})")
    if hidden:
        warnings.append(f"skipped the hidden sheet(s) {', '.join(map(repr, hidden))} and read the first visible "
                        f"one, {part.name!r}; a hidden sheet is read when chosen by name or place")
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
    notes += [f"{_column_name(header, place)}: numbers shown with leading zeros ({'0' * size}) are read as shown"
              for place, size in sorted(_padded_columns(shown_padded, padded).items()) if place < width]
    return Sheet(*_tables(header, body), notes, warnings)


def _column_name(header: Sequence[str], place: int) -> str:
    """A column as notes name it: its header name, or its place when it has none."""
    return header[place] if place < len(header) and header[place] else f"column {place + 1}"


def _tables(header: list[str], body: Sequence[Sequence[Any]]) -> tuple[pa.Table, pa.Table | None]:
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
    cells = columns_from_values(list(zip_longest(*(row[:common] for row in body))) +
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


def _overlay(rows: list[list[Any]], cells: Mapping[int, Mapping[int, Any]]) -> None:
    """Give the cells of ``rows`` (the sheet's, from its first) the values ``cells`` has for them (row → column →
    value, 1-based as the sheet counts them)."""
    for number, values in cells.items():
        if number > len(rows):  # a cell of a row calamine does not give (one it holds no value in)
            rows.extend([] for _ in range(number - len(rows)))
        row = rows[number - 1]
        for column, value in values.items():
            if column > len(row):
                row.extend([None] * (column - len(row)))
            row[column - 1] = None if value in _NO_VALUE else value  # an error cell #N/A


def _shown_padded(rows: Sequence[Sequence[Any]], padded: Mapping[int, Mapping[int, int]]) -> dict[int, dict[int, str]]:
    """The whole numbers among ``padded``'s cells (row → column → width) as the text the sheet shows (``12`` as
    ``00012`` under the number format ``00000``)."""
    shown: dict[int, dict[int, str]] = {}
    for number, widths in padded.items():
        row = rows[number - 1] if number <= len(rows) else []
        for column, width in widths.items():
            value = row[column - 1] if column <= len(row) else None
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 and \
                    float(value).is_integer():
                shown.setdefault(number, {})[column] = str(int(value)).zfill(width)
    return shown


def _padded_columns(shown: Mapping[int, Mapping[int, str]], padded: Mapping[int, Mapping[int, int]]) -> dict[int, int]:
    """The columns (0-based places) where numbers of the first rows are shown with leading zeros (``shown``, from
    `_shown_padded`), with the width shown: named in the notes."""
    return {column - 1: padded[number][column] for number in sorted(shown) if number <= HEADER_SEARCH_ROWS + 50
            for column in shown[number]}


def _trimmed(row: Sequence[Any]) -> Sequence[Any]:
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
    texts = [_number_texts([value for value in values if isinstance(value, str) and _filled(value)])
             for values, mixes in zip(columns, mixed, strict=True) if mixes]
    mark = decide_decimal_mark(texts).mark if texts else "."
    built = [column_from_values(values, mark) for values in columns]
    shown = {place: column_from_values(values) for place, (values, mixes) in enumerate(zip(columns, mixed, strict=True))
             if mixes and mark != "."}
    return Cells(built, shown)


def _number_texts(texts: Sequence[str]) -> pa.Array:
    """The texts that read as a number with either decimal mark: the evidence for the mark of number cells.

    A date column mixing date serials with text dates (``25.08.2025``) or an id column mixing number cells with
    ``C1001`` mixes kinds too, but its texts are no numbers: ``25.08.2025`` would count as a decimal point, and
    the amounts beside ``12,50`` would be written with one, then rejected in a file read with decimal commas.
    """
    # A sample, as the mark is decided on one; only texts with a mark in them can tell it (12,50, not 12 or C1001).
    column = pa.array(sample_texts(pa.array(texts, pa.string())), pa.string())
    column = column.filter(pc.match_substring_regex(column, "[.,]"))
    readable = pc.or_(*(pc.is_finite(pa.array(to_numbers(column, mark).values)) for mark in (",", ".")))
    return column.filter(readable)


def column_from_values(values: Sequence[Any], number_mark: str = ".") -> pa.Array:
    """An Arrow column from cell values: integers, floats, timestamps or text, whichever fits them all (numbers
    in text written with ``number_mark``)."""
    uniform = _uniform_column(values)
    return uniform if uniform is not None else _column_value_by_value(values, number_mark)


def _column_value_by_value(values: Sequence[Any], number_mark: str = ".") -> pa.Array:
    """`column_from_values`, looking at each value in Python: for columns mixing kinds."""
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


def _uniform_column(values: Sequence[Any]) -> pa.Array | None:
    """The column `column_from_values` builds, when its values are all of one kind (text, numbers, dates or date
    times; None aside), built by Arrow from the whole list; None for any other mix (and numbers Arrow cannot take
    exactly), which is built value by value."""
    kinds = set(map(type, values)) - {type(None)}
    try:
        if kinds == {str}:
            column = pa.array(values, pa.string())
            blank = [text for text in set(values) if text is not None and not text.strip()]  # once per distinct text
            return pc.if_else(pc.is_in(column, pa.array(blank, pa.string())), None, column) if blank else column
        if kinds and kinds <= {int, float}:
            column = pa.array(values, pa.float64())
            numbers = column.drop_null().to_numpy()
            whole = np.isfinite(numbers) & (numbers == np.trunc(numbers)) & (np.abs(numbers) < 2**53)
            return column.cast(pa.int64()) if whole.all() else column
        if kinds == {datetime}:
            return pa.array(values, pa.timestamp("us"))
        if kinds == {date}:
            return pa.array(values, pa.date32()).cast(pa.timestamp("us"))
    except (pa.ArrowInvalid, OverflowError):  # an integer no float holds exactly (2**53 + 1), or none at all
        return None
    return None


def _mixes_numbers_and_text(values: Sequence[Any]) -> bool:
    kinds = set(map(type, values))
    if not any(issubclass(kind, str) for kind in kinds) or \
            not any(issubclass(kind, int | float) and not issubclass(kind, bool) for kind in kinds):
        return False  # no text or no numbers: told by the kinds of the values alone
    return any(isinstance(v, str) and _filled(v) for v in values) and \
        any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _as_float(value: int | float) -> float:
    """The number as a float; an integer too large for one (a JSON 1 followed by 400 zeros) is infinite, which
    the readers reject as not a number."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


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
    if isinstance(value, date):  # at midnight, written as a date-time cell's text is (calamine gives some as dates)
        return (value if isinstance(value, datetime) else datetime.combine(value, time())).isoformat(sep=" ")
    if isinstance(value, time):
        return value.isoformat()
    return str(value)
