"""Damaged binary files are a clear, located error, not a library's exception."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from rules import InvalidInput, read_cohort


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"CustomerID": ["1"], "InvoiceDate": ["2026-01-01"], "Amount": [10.0], "StockCode": ["A"]}).to_excel(
        buffer, index=False)
    return buffer.getvalue()


def _parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"CustomerID": ["1"], "InvoiceDate": ["2026-01-01"], "Amount": [10.0]}).to_parquet(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (_xlsx_bytes()[:400], "orders.xlsx", "cannot read the file as an Excel workbook (.xlsx)"),
        (_parquet_bytes()[:-40], "orders.parquet", "cannot read the file as Parquet"),
    ],
)
def test_truncated_files_name_the_file_and_the_format(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_cohort(data, name=name)

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("file", name)
    assert problem.msg.startswith(message)
