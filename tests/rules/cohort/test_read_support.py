"""Builders for the reading tests: files made in code, and the contract's tables written out as literals."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import openpyxl
import pandas as pd

from rules.cohort.model import CUSTOMER_COLUMNS, HISTORY_COLUMNS, Cohort


def text_file(
    rows: Sequence[Sequence[Any]], delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n",
) -> bytes:
    """A delimited file from rows of cells (None is an empty cell); cells holding the delimiter are quoted."""
    lines = []
    for row in rows:
        cells = ["" if cell is None else str(cell) for cell in row]
        lines.append(delimiter.join(f'"{c}"' if delimiter in c or '"' in c else c for c in cells))
    return (newline.join(lines) + newline).encode(encoding)


def customers(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """An expected customers table; omitted fields are unknown."""
    frame = pd.DataFrame({
        "customer_id": [r["customer_id"] for r in rows],
        "city": [r.get("city") for r in rows],
        "region": [r.get("region") for r in rows],
        "age": pd.array([r.get("age") for r in rows], dtype="Int64"),
        "gender": [r.get("gender") for r in rows],
        "registered_at": _days([r.get("registered_at") for r in rows]),
        "total_orders": pd.array([r.get("total_orders") for r in rows], dtype="Int64"),
    })
    return frame.astype(CUSTOMER_COLUMNS)


def history(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """An expected history table; omitted text fields are unknown, avg_days_between defaults to NaN."""
    frame = pd.DataFrame({
        "customer_id": [r["customer_id"] for r in rows],
        "product_id": [r.get("product_id") for r in rows],
        "product_name": [r.get("product_name") for r in rows],
        "category": [r.get("category") for r in rows],
        "total_quantity": np.array([r["total_quantity"] for r in rows], dtype=np.int64),
        "total_spent": np.array([r["total_spent"] for r in rows], dtype=np.float64),
        "order_count": np.array([r["order_count"] for r in rows], dtype=np.int64),
        "first_purchase": _days([r.get("first_purchase") for r in rows]),
        "last_purchase": _days([r["last_purchase"] for r in rows]),
        "avg_days_between": np.array([r.get("avg_days_between", np.nan) for r in rows], dtype=np.float64),
    })
    return frame.astype(HISTORY_COLUMNS)


def _days(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[ns]")


def assert_tables(cohort: Cohort, expected_customers: pd.DataFrame, expected_history: pd.DataFrame) -> None:
    """Both tables equal the expected ones, dtypes included."""
    pd.testing.assert_frame_equal(cohort.customers, expected_customers)
    pd.testing.assert_frame_equal(cohort.history.reset_index(drop=True), expected_history)


def counts(cohort: Cohort) -> dict[str, int]:
    """Rejection reason → count."""
    return {reason: rejection.count for reason, rejection in cohort.report.rejected_by_reason.items()}


def workbook_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """An Excel workbook whose one sheet holds these rows of cells, as openpyxl writes it (a "#REF!" is an error
    cell, a date a date cell)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Orders") -> bytes:
    """An Excel workbook holding the frame (written by pandas with openpyxl)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()
