"""Downloads: the (filtered) customers as CSV and Excel, safe to open in a spreadsheet.

List columns become readable text (``P-2001 Product name; P-2004 ...``). Text cells that start with = + - @
are neutralised by `rules.cohort.export.neutralise_formulas`, so a customer or product name can never run as
a formula; the Excel writer is also told never to turn strings into formulas or links.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any, Final

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from rules.cohort.export import neutralise_formulas, write_csv

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_DATA_ROWS: Final = 1_048_575  # a sheet's 1,048,576 rows, less the header


def _products(items: Any) -> str:
    """``productId productName`` pairs joined with "; " (the name only when known)."""
    if not isinstance(items, list):
        return ""
    parts = []
    for item in items:
        name = item.get("productName")
        parts.append(f"{item.get('productId')} {name}" if name else str(item.get("productId")))
    return "; ".join(parts)


def flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """The results table with list columns as text, ready for a flat file (formulas not yet neutralised)."""
    out = frame.copy()
    for column in ("missingRegulars", "topProducts"):
        if column in out:
            out[column] = [_products(items) for items in out[column]]
    if "warnings" in out:
        out["warnings"] = ["; ".join(map(str, w)) if isinstance(w, list) else "" for w in out["warnings"]]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads Turkish letters right), formulas neutralised: as the command line
    writes its files (`rules.cohort.export.write_csv`)."""
    buffer = io.BytesIO()
    write_csv(flatten(frame), buffer, bom=True)
    return buffer.getvalue()


def fits_excel(frame: pd.DataFrame) -> bool:
    """Whether one Excel sheet holds every row of ``frame`` under its header row."""
    return len(frame) <= EXCEL_MAX_DATA_ROWS


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "Customers") -> bytes:
    """An .xlsx workbook with one sheet, formulas neutralised and no string turned into a formula or link.

    xlsxwriter writes row after row in its constant-memory mode, each cell with the method of its column's type:
    pandas' `to_excel` formats every cell through a generic path, twice as slow on a 100k-customer table.

    Raises:
        ValueError: the table has more rows than a sheet holds (`fits_excel`); nothing is cut off silently.
    """
    if not fits_excel(frame):
        raise ValueError(f"an Excel sheet holds {EXCEL_MAX_DATA_ROWS:,} rows under its header; the table has "
                         f"{len(frame):,}")
    safe: pd.DataFrame = neutralise_formulas(flatten(frame))
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "constant_memory": True}
    with xlsxwriter.Workbook(buffer, options) as book:
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, [str(column) for column in safe.columns], book.add_format({"bold": True}))
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        columns = [_column_writer(sheet, safe[column], day) for column in safe.columns]
        for row in range(len(safe)):
            for column, (write, values) in enumerate(columns):
                value = values[row]
                if value is not None:
                    write(row + 1, column, value)
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, len(safe), max(len(safe.columns) - 1, 0))
    return buffer.getvalue()


def _column_writer(sheet: Worksheet, column: pd.Series, day: Format) -> tuple[Callable[[int, int, Any], Any],
                                                                              list[Any]]:
    """The sheet's write method for a column's type and the column's values, None for an empty cell; ``day``
    is the format days are shown in (a bare serial number would show as 46023)."""
    missing = column.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(column):
        days = column.dt.tz_localize(None) if getattr(column.dt, "tz", None) is not None else column
        return (lambda row, place, value: sheet.write_datetime(row, place, value, day),
                [None if gone else v.to_pydatetime() for v, gone in zip(days, missing, strict=True)])
    if pd.api.types.is_bool_dtype(column):
        return sheet.write_boolean, [None if gone else bool(v) for v, gone in zip(column, missing, strict=True)]
    if pd.api.types.is_numeric_dtype(column):
        numbers = [None if gone else v for v, gone in zip(column.astype("float64").tolist(), missing, strict=True)]
        if all(v is None or math.isfinite(v) for v in numbers):
            return sheet.write_number, numbers
        # Excel has no infinity: written as text, as pandas did, instead of failing the whole download.
        return sheet.write, [v if v is None or math.isfinite(v) else str(v) for v in numbers]
    # An empty text is an empty cell, as pandas writes it (constant-memory mode would write an empty string).
    values = [None if gone or v == "" else v for v, gone in zip(column.tolist(), missing, strict=True)]
    if pd.api.types.is_string_dtype(column) and all(isinstance(v, str) for v in values if v is not None):
        return sheet.write_string, values
    return sheet.write, values
