"""Customer attributes read from files (`rules.cohort.attributes`): values that are no attribute are left unknown."""

from __future__ import annotations

import io

import openpyxl

from rules.cohort.read import read_cohort
from tests.rules.cohort.test_read_support import text_file

HEADER = ["customer_id", "order_date", "product_id", "quantity", "amount", "gender", "city"]


def test_a_boolean_cell_in_a_text_attribute_column_is_left_unknown_with_a_warning() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (HEADER, ["C1", "2026-01-05", "P1", 2, 10.0, True, "İzmir"],
                ["C2", "2026-01-05", "P1", 2, 10.0, "Kadın", False], ["C3", "2026-01-05", "P1", 2, 10.0, False, "Van"]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    cohort = read_cohort(buffer.getvalue(), name="orders.xlsx")

    assert cohort.customers[["customer_id", "gender", "city"]].to_dict("records") == [
        {"customer_id": "C1", "gender": None, "city": "İzmir"}, {"customer_id": "C2", "gender": "F", "city": None},
        {"customer_id": "C3", "gender": None, "city": "Van"}]
    assert cohort.report.warnings == [
        "city: 1 value(s) that are true or false (a boolean cell, e.g. 'False') are left unknown",
        "gender: 2 value(s) that are true or false (a boolean cell, e.g. 'True') are left unknown"]


def test_booleans_as_excel_writes_them_to_csv_are_no_attribute_either() -> None:
    orders = text_file([HEADER, ["C1", "2026-01-05", "P1", "2", "10", "YANLIŞ", "TRUE"],
                        ["C2", "2026-01-05", "P1", "2", "10", "Erkek", "Kars"]])

    cohort = read_cohort(orders)

    assert cohort.customers[["customer_id", "gender", "city"]].to_dict("records") == [
        {"customer_id": "C1", "gender": None, "city": None}, {"customer_id": "C2", "gender": "M", "city": "Kars"}]


def test_a_missing_value_written_in_brackets_is_left_unknown_while_a_bracketed_name_is_kept() -> None:
    header = [*HEADER, "region"]
    orders = text_file([header, ["C1", "2026-01-05", "P1", "2", "10", "(unknown)", "(blank)", "[Boş]"],
                        ["C2", "2026-01-05", "P1", "2", "10", "Kadın", "Blank", "< N/A >"],
                        ["C3", "2026-01-05", "P1", "2", "10", "Erkek", "(Merkez)", "Marmara"]])

    cohort = read_cohort(orders)

    assert cohort.customers[["customer_id", "gender", "city", "region"]].to_dict("records") == [
        {"customer_id": "C1", "gender": None, "city": None, "region": None},
        {"customer_id": "C2", "gender": "F", "city": "Blank", "region": None},
        {"customer_id": "C3", "gender": "M", "city": "(Merkez)", "region": "Marmara"}]
    assert cohort.report.warnings == [
        "city: 1 value(s) that say it is unknown (e.g. '(blank)') are left unknown",
        "region: 2 value(s) that say it is unknown (e.g. '[Boş]') are left unknown",
        "gender: 1 value(s) that say it is unknown (e.g. '(unknown)') are left unknown"]
