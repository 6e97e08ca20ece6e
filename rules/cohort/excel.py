"""Excel workbooks (.xlsx) as Arrow tables: the first sheet (or a named one), its header row found like in CSV.

openpyxl reads a sheet row by row (that is how the format is stored); the columns are then built in one go.
Whole-number cells become integers, date cells become timestamps, and a column mixing kinds becomes text.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

import openpyxl
import pyarrow as pa

from rules.cohort.columns import header_index
from rules.cohort.sniff import HEADER_SEARCH_ROWS, unique_names
from rules.errors import InvalidInput, Problem


def read_xlsx(data: bytes, sheet: str | int | None = None) -> tuple[pa.Table, list[str]]:
    """The sheet's rows under its header as a table, and notes (preamble rows skipped, other sheets ignored).

    Fully empty rows are not data and are skipped (spreadsheets often keep formatted empty rows at the end).

    Raises:
        InvalidInput: the sheet does not exist, or it has no rows.
    """
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        worksheet = _sheet(workbook, sheet)
        padded = _zero_padded(worksheet)
        # Cells are read with their formats only when some show zero-padded numbers: it is slower.
        read = (tuple(_as_shown(cell) for cell in row) for row in worksheet.iter_rows()) if padded else \
            worksheet.iter_rows(values_only=True)
        rows = [row for row in read if any(_filled(v) for v in row)]
        names = sheet_names(workbook)
    finally:
        workbook.close()
    if not rows:
        several = len(names) > 1
        raise InvalidInput([Problem("sheet", "the sheet has no rows" + (f"; the workbook's sheets: {', '.join(names)}"
                                                                        if several else ""), worksheet.title,
                                    hint="choose one with sheet= (on the command line: --sheet)" if several else None)])
    notes = []
    if len(names) > 1:
        notes.append(f"read sheet {worksheet.title!r} of {len(names)} ({', '.join(names)})")
    width = max(len(row) for row in rows)
    first = header_index([[_header_cell(v) for v in row] for row in rows[:HEADER_SEARCH_ROWS]], width)
    if first:
        notes.append(f"skipped {first} row(s) above the header")
    header = [_header_cell(v) for v in rows[first]] + [""] * (width - len(rows[first]))
    notes += [f"{header[index] or f'column {index + 1}'}: numbers shown with leading zeros ({'0' * size}) are read "
              "as shown" for index, size in sorted(padded.items()) if index < width]
    body = rows[first + 1:]
    columns = [column_from_values([row[i] if i < len(row) else None for row in body]) for i in range(width)]
    return pa.table(columns, names=unique_names(header)), notes


def column_from_values(values: Sequence[Any]) -> pa.Array:
    """An Arrow column from cell values: integers, floats, timestamps or text, whichever fits them all."""
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
    return pa.array([_as_text(v) for v in cleaned], pa.string())


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


def _sheet(workbook: Any, sheet: str | int | None) -> Any:
    """The sheet by name, or by its place among the sheets of cells (also given as text, "2": a sheet named "2"
    wins); the first when None.

    Raises:
        InvalidInput: there is no such sheet (the message lists the sheets).
        ValueError: the workbook has no sheet of cells at all.
    """
    names = sheet_names(workbook)
    if sheet is None:
        if not names:  # `load` says which file: this one cannot be read as a workbook of cells
            raise ValueError("it has no sheet of cells (only charts, or its sheets are missing)")
        return workbook.worksheets[0]
    if isinstance(sheet, str) and sheet in names:
        return workbook.worksheets[names.index(sheet)]
    place = int(sheet) if isinstance(sheet, str) and sheet.isascii() and sheet.isdigit() else sheet
    if isinstance(place, int) and 0 <= place < len(names):
        return workbook.worksheets[place]
    raise InvalidInput([Problem("sheet", f"the workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}",
                                sheet)])


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


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _header_cell(value: Any) -> str:
    return "" if value is None else _as_text(value) or ""


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
