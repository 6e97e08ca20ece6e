"""Downloads: list columns as readable text, formula cells neutralised in CSV and Excel alike."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.export import EXCEL_MAX_DATA_ROWS, fits_excel, flatten, to_csv_bytes, to_excel_bytes
from dashboard.results import results_frame

ANALYSES = [
    {"customerId": "=HYPERLINK(\"http://x\")", "city": "+90 İzmir", "region": "@Ege", "churnSegment": "Riskli",
     "avgBasket": -12.5, "totalSpent": 100.0, "orderCount": 2, "isNewCustomer": False,
     "topProducts": [{"productId": "P-1", "productName": "-Serum"}, {"productId": "P-2", "productName": None}],
     "missingRegulars": [{"productId": "P-1", "productName": "-Serum"}], "warnings": ["a", "b"],
     "reasons": {"churnSegment": {"text": "Riskli: lastPurchaseDaysAgo 74 > 60"}}},
    {"customerId": "C-2", "city": "Ankara", "region": "İç Anadolu", "churnSegment": "Aktif", "avgBasket": 50.0,
     "totalSpent": 50.0, "orderCount": 1, "isNewCustomer": False, "topProducts": [], "missingRegulars": [],
     "warnings": [], "reasons": {}},
]


def test_lists_become_readable_text() -> None:
    flat = flatten(results_frame(ANALYSES))

    assert flat["topProducts"].tolist() == ["P-1 -Serum; P-2", ""]
    assert flat["missingRegulars"].tolist() == ["P-1 -Serum", ""]
    assert flat["warnings"].tolist() == ["a; b", ""]


def test_csv_cells_that_start_a_formula_are_neutralised_and_numbers_are_not() -> None:
    csv = to_csv_bytes(results_frame(ANALYSES))

    assert csv.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.loc[0, ["customerId", "city", "region", "topProducts", "avgBasket"]]) == [
        "'=HYPERLINK(\"http://x\")", "'+90 İzmir", "'@Ege", "P-1 -Serum; P-2", "-12.5"]
    assert frame.loc[0, "churnSegmentReason"] == "Riskli: lastPurchaseDaysAgo 74 > 60"
    assert list(frame.loc[1, ["customerId", "city"]]) == ["C-2", "Ankara"]


def test_excel_cells_are_text_never_formulas() -> None:
    book = load_workbook(io.BytesIO(to_excel_bytes(results_frame(ANALYSES))))
    sheet = book["Customers"]
    header = [cell.value for cell in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}

    assert first["customerId"].value == "'=HYPERLINK(\"http://x\")"
    assert first["customerId"].data_type == "s"
    assert first["region"].value == "'@Ege"
    assert first["avgBasket"].value == -12.5
    assert sheet.freeze_panes == "B2"
    assert sheet.max_row == 3


def test_excel_keeps_types_and_leaves_missing_values_empty() -> None:
    frame = pd.DataFrame({"customerId": ["C-1", "C-2"], "age": pd.array([41, None], dtype="Int64"),
                          "avgBasket": [12.5, float("nan")], "isNewCustomer": [True, False],
                          "estimatedBudget": [float("inf"), 3.0],
                          "city": ["İzmir", ""], "registeredAt": pd.to_datetime(pd.Series(["2025-03-01", None]))})

    sheet = load_workbook(io.BytesIO(to_excel_bytes(frame)))["Customers"]

    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["customerId", "age", "avgBasket", "isNewCustomer", "estimatedBudget", "city", "registeredAt"],
        ["C-1", 41, 12.5, True, "inf", "İzmir", datetime(2025, 3, 1)],
        ["C-2", None, None, False, 3, None, None],
    ]
    assert sheet["G2"].number_format == "yyyy-mm-dd"
    assert sheet.auto_filter.ref == "A1:G3"


def test_a_table_longer_than_a_sheet_is_refused_not_cut_short() -> None:
    longest = pd.DataFrame({"customerId": pd.Series(["C"], dtype=object).repeat(EXCEL_MAX_DATA_ROWS)})
    too_long = pd.concat([longest, longest.head(1)], ignore_index=True)

    assert (fits_excel(longest), fits_excel(too_long)) == (True, False)
    with pytest.raises(ValueError, match="an Excel sheet holds 1,048,575 rows under its header; the table has "
                                         "1,048,576"):
        to_excel_bytes(too_long)
