"""The ingest report: its contents for a messy file, and row accounting that always adds up."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import analyze_customer
from rules.cohort.read import read_cohort
from tests.rules.cohort.test_read_support import text_file

HEADER = ["Sipariş No", "Ürün Kodu", "Ürün Adı", "Adet", "Tarih", "Birim Fiyat", "Müşteri No", "Şehir"]


def test_the_whole_report_of_a_messy_file() -> None:
    rows = [HEADER,
            ["1", "P1", "Krem", "2", "03.01.2026", "10,50", "0012", "İzmir"],
            ["1", "P1", "Krem", "2", "03.01.2026", "10,50", "0012", "İzmir"],
            ["1", "KARGO", "Kargo", "1", "03.01.2026", "20,00", "0012", "İzmir"],
            ["2", "P2", "Ruj", "1", "15.01.2026", "5,00", "", "Bursa"],
            ["3", "P2", "Ruj", "1", "16.01.2026", "0,00", "0099", "Bursa"],
            ["4", "P3", "Far", "-1", "17.01.2026", "5,00", "0099", "Bursa"],
            ["5", "P1", "Krem", "1", "31.02.2026", "10,50", "0012", "İzmir"]]

    cohort = read_cohort(text_file(rows, delimiter=";", encoding="cp1254"))

    assert cohort.report.model_dump(mode="json", by_alias=True) == {
        "rowsRead": 7, "rowsAccepted": 1, "rowsRejected": 6, "customers": 1, "format": "order_lines",
        "fileType": "delimited", "encoding": "windows-1254", "delimiter": ";", "dateOrder": "DMY", "decimalMark": ",",
        "columnMapping": {"customer_id": "Müşteri No", "order_id": "Sipariş No", "order_date": "Tarih",
                          "product_id": "Ürün Kodu", "product_name": "Ürün Adı", "quantity": "Adet",
                          "unit_price": "Birim Fiyat", "city": "Şehir"},
        "rejectedByReason": {
            "missing_customer_id": {"count": 1, "rows": [4], "description": "the row has no customer id",
                                    "examples": [dict(zip(HEADER, ["2", "P2", "Ruj", "1", "15.01.2026", "5,00",
                                                                   None, "Bursa"], strict=True))]},
            "bad_date": {"count": 1, "rows": [7], "description": "a date is missing, is not a date, or is before "
                                                                 "1900-01-01 or after 2100-12-31 (the days taken)",
                         "examples": [dict(zip(HEADER, rows[7], strict=True))]},
            "duplicate_row": {"count": 1, "rows": [2], "description": "an exact copy of an earlier row",
                              "examples": [dict(zip(HEADER, rows[2], strict=True))]},
            "non_product_line": {"count": 1, "rows": [3],
                                 "description": "postage, shipping, fees or a manual adjustment "
                                                "(see exclude_products)",
                                 "examples": [dict(zip(HEADER, rows[3], strict=True))]},
            "zero_price": {"count": 1, "rows": [5], "description": "the amount is zero (a free or zero-price line)",
                           "examples": [dict(zip(HEADER, rows[5], strict=True))]},
            "return_without_purchase": {
                "count": 1, "rows": [6],
                "description": "a return or cancellation with no purchase of that product by that customer to "
                               "net against",
                "examples": [dict(zip(HEADER, rows[6], strict=True))]},
        },
        "warnings": ["1 customer(s) have only rejected rows and are not in the cohort, unless a customers file "
                     "lists them (e.g. 0099)"],
        "notes": ["order_date ('Tarih'): day first (DD/MM/YYYY), as in '15.01.2026'",
                  "amount = quantity × unit price"],
        "customersFile": None,
    }
    assert cohort.rejected["row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert cohort.rejected["reason"].tolist() == ["duplicate_row", "non_product_line", "missing_customer_id",
                                                  "zero_price", "return_without_purchase", "bad_date"]


CELLS = {
    "customer": st.sampled_from(["A", "B", "007", "7", None, " "]),
    "product": st.sampled_from(["P1", "P2", "POST", None]),
    "order": st.sampled_from(["1", "2", "3", None]),
    "day": st.sampled_from(["2026-01-05", "2026-01-20", "2026-02-01", "someday", None]),
    "quantity": st.sampled_from(["-2", "-1", "0", "1", "3", "abc", None]),
    "price": st.sampled_from(["0", "10", "2,5", "x", None]),
}
ROW = st.fixed_dictionaries(CELLS)


@st.composite
def messy_files(draw: st.DrawFn) -> tuple[list[list[Any]], list[dict[str, Any] | None]]:
    """Rows of an order-line file; None in the second list marks a row with an extra field (malformed)."""
    records: list[dict[str, Any] | None] = []
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        kind = draw(st.sampled_from(["row", "row", "row", "copy", "broken"]))
        if kind == "copy" and any(r is not None for r in records):
            records.append(draw(st.sampled_from([r for r in records if r is not None])))
        elif kind == "broken":
            records.append(None)
        else:
            records.append(draw(ROW))
    header = ["CustomerID", "StockCode", "InvoiceNo", "InvoiceDate", "Quantity", "UnitPrice"]
    rows: list[list[Any]] = [header]
    for record in records:
        if record is None:
            rows.append(["A", "P1", "9", "2026-01-05", "1", "1", "extra"])
        else:
            rows.append([record["customer"], record["product"], record["order"], record["day"], record["quantity"],
                         record["price"]])
    return rows, records


def _number(text: str | None) -> float:
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        return math.nan


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_files())
def test_every_row_is_accepted_or_rejected_once_and_nothing_is_lost(file: tuple[list[list[Any]], list[Any]]) -> None:
    rows, records = file
    if len(rows) == 1:
        rows.append(["A", "P1", "1", "2026-01-05", "1", "10"])
        records.append({"customer": "A", "product": "P1", "order": "1", "day": "2026-01-05", "quantity": "1",
                        "price": "10"})

    cohort = read_cohort(text_file(rows, delimiter=";"))

    report = cohort.report
    assert report.rows_read == len(records)
    assert report.rows_accepted + report.rows_rejected == report.rows_read
    assert sum(r.count for r in report.rejected_by_reason.values()) == report.rows_rejected
    assert len(cohort.rejected) == report.rows_rejected
    rejected_rows = set(cohort.rejected["row"].tolist())
    assert len(rejected_rows) == report.rows_rejected
    assert rejected_rows <= set(range(1, len(records) + 1))
    accepted = [r for number, r in enumerate(records, start=1) if number not in rejected_rows]
    assert all(r is not None for r in accepted)
    assert set(cohort.customers["customer_id"]) == {r["customer"].strip() for r in accepted}
    if not any("more returned than bought" in w for w in report.warnings):
        net = sum(_number(r["quantity"]) * _number(r["price"]) for r in accepted if r["day"] is not None)
        assert math.isclose(cohort.history["total_spent"].sum(), net, abs_tol=1e-9)
    for customer_id in cohort.customers["customer_id"]:
        analyze_customer(cohort.customer_data(customer_id), date(2026, 2, 12))
