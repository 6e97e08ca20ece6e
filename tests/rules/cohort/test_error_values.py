"""Excel's error values in the columns read as text: no value, with a warning, in a workbook and in CSV alike."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest

from rules.cohort.read import read_cohort
from tests.rules.cohort.test_read_support import counts, text_file, workbook_bytes

_ROWS: list[list[Any]] = [
    ["Müşteri No", "Sipariş No", "Tarih", "Ürün Kodu", "Adet", "Tutar", "Şehir"],
    ["C1", "O1", date(2026, 1, 5), "P1", 1, 10, "İzmir"],
    ["#REF!", "O2", date(2026, 1, 6), "P2", 1, 20, "İzmir"],  # the id's lookup lost its range
    ["C2", "O3", date(2026, 1, 7), "#NAME?", 2, 20, "Ankara"],
    ["C2", "O4", date(2026, 1, 8), "P1", "#DIV/0!", 10, "#VALUE!"],  # a number's error: still a bad quantity
    ["C2", "O5", date(2026, 1, 9), "P3", 1, 15, "#VALUE!"],
    ["C3", "#REF!", date(2026, 1, 9), "P3", 1, 15, "#SPILL!"]]


@pytest.mark.parametrize("container", ["xlsx", "csv"])
def test_an_error_value_in_an_id_product_or_city_is_no_value_with_a_warning_naming_it(container: str) -> None:
    data = workbook_bytes(_ROWS) if container == "xlsx" else text_file(
        [[cell.isoformat() if isinstance(cell, date) else cell for cell in row] for row in _ROWS])
    if container == "xlsx":  # error cells, not text: openpyxl writes a "#…" value as the error type
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Sheet"]
        assert [cell.data_type for cell in sheet["A"][1:3]] == ["s", "e"]

    cohort = read_cohort(data)

    assert counts(cohort) == {"missing_customer_id": 1, "missing_product": 1, "bad_quantity": 1}
    assert cohort.customers[["customer_id", "city"]].astype(object).where(cohort.customers.notna(), None).values \
        .tolist() == [["C1", "İzmir"], ["C2", None], ["C3", None]]
    assert cohort.history[["customer_id", "product_id", "order_count"]].values.tolist() == [
        ["C1", "P1", 1], ["C2", "P3", 1], ["C3", "P3", 1]]
    assert [warning for warning in cohort.report.warnings if "Excel error value" in warning] == [
        "customer_id ('Müşteri No'): 1 cell(s) hold an Excel error value (#REF! ×1), a formula that failed: read as "
        "no value",
        "order_id ('Sipariş No'): 1 cell(s) hold an Excel error value (#REF! ×1), a formula that failed: read as no "
        "value",
        "product_id ('Ürün Kodu'): 1 cell(s) hold an Excel error value (#NAME? ×1), a formula that failed: read as "
        "no value",
        "city ('Şehir'): 3 cell(s) hold an Excel error value (#VALUE! ×2, #SPILL! ×1), a formula that failed: read "
        "as no value"]
    # The rejected rows show the error as the file has it.
    assert cohort.rejected[["row", "reason", "Müşteri No", "Ürün Kodu"]].values.tolist() == [
        [2, "missing_customer_id", "#REF!", "P2"], [3, "missing_product", "C2", "#NAME?"],
        [4, "bad_quantity", "C2", "P1"]]


def test_an_error_value_in_the_customers_file_is_no_id_and_no_city() -> None:
    orders = text_file([["customer_id", "order_date", "product_id", "amount"], ["C1", "2026-01-05", "P1", "10"]])
    customers = workbook_bytes([["Müşteri No", "Şehir"], ["C1", "#VALUE!"], ["#REF!", "Ankara"]])

    cohort = read_cohort(orders, customers=customers)

    report = cohort.report.customers_file
    assert report is not None
    assert counts_of(report) == {"missing_customer_id": 1}
    assert cohort.customers["customer_id"].tolist() == ["C1"]  # no customer "#REF!" without purchases
    assert cohort.customers["city"].isna().tolist() == [True]
    assert [warning for warning in report.warnings if "Excel error value" in warning] == [
        "customer_id ('Müşteri No'): 1 cell(s) hold an Excel error value (#REF! ×1), a formula that failed: read as "
        "no value",
        "city ('Şehir'): 1 cell(s) hold an Excel error value (#VALUE! ×1), a formula that failed: read as no value"]


def counts_of(report: Any) -> dict[str, int]:
    return {reason: rejection.count for reason, rejection in report.rejected_by_reason.items()}
