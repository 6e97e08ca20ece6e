"""Downloads: the (filtered) customers as CSV and Excel, safe to open in a spreadsheet.

List columns become readable text (``P-2001 Product name; P-2004 ...``). Text cells that start with = + - @
are neutralised by `rules.cohort.export.neutralise_formulas`, so a customer or product name can never run as
a formula; the Excel writer is also told never to turn strings into formulas or links.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from rules.cohort.export import neutralise_formulas, write_csv

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "Customers") -> bytes:
    """An .xlsx workbook with one sheet, formulas neutralised and no string turned into a formula or link."""
    safe: pd.DataFrame = neutralise_formulas(flatten(frame))
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        safe.to_excel(writer, sheet_name=sheet_name, index=False)
        sheet = writer.sheets[sheet_name]
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, len(safe), max(len(safe.columns) - 1, 0))
    return buffer.getvalue()
