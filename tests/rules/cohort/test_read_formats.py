"""Every format (seed JSON, purchase history, order lines, orders) and file type (CSV, TSV, xlsx, Parquet, JSON)."""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl.chart import BarChart, Reference

from rules import InvalidInput, analyze_customer
from rules.cohort.read import read_cohort
from tests.rules.cohort.test_read_support import assert_tables, counts, customers, history, text_file, xlsx_bytes

AS_OF = date(2026, 2, 12)
SEED_CUSTOMERS = Path(__file__).resolve().parents[4] / "shared" / "seed" / "mock-data" / "customers.json"

ORDER_HEADER = ["InvoiceNo", "StockCode", "Description", "Category", "Quantity", "InvoiceDate", "UnitPrice",
                "CustomerID", "City", "Region", "Age", "Gender", "Signup"]
ORDER_ROWS: list[list[Any]] = [
    ["1001", "P-1", "Krem", "SKINCARE", 2, "2026-01-05", "10.00", "C1", "İzmir", "Ege", 30, "F", "2025-01-01"],
    ["1001", "P-2", "Ruj", "MAKEUP", 1, "2026-01-05", "20.00", "C1", "İzmir", "Ege", 30, "F", "2025-01-01"],
    ["1002", "P-1", "Krem", "SKINCARE", 1, "2026-01-25", "10.00", "C1", "İzmir", "Ege", 30, "F", "2025-01-01"],
    ["1003", "P-1", "Krem", "SKINCARE", 3, "2026-02-04", "10.00", "C1", "İzmir", "Ege", 30, "F", "2025-01-01"],
    ["2001", "P-2", "Ruj", "MAKEUP", 1, "2026-01-10", "20.00", "C2", "Ankara", "İç Anadolu", None, "M", None],
]
ORDER_CUSTOMERS = customers([
    {"customer_id": "C1", "city": "İzmir", "region": "Ege", "age": 30, "gender": "F",
     "registered_at": "2025-01-01", "total_orders": 3},
    {"customer_id": "C2", "city": "Ankara", "region": "İç Anadolu", "gender": "M", "total_orders": 1},
])
ORDER_HISTORY = history([
    {"customer_id": "C1", "product_id": "P-1", "product_name": "Krem", "category": "SKINCARE", "total_quantity": 6,
     "total_spent": 60.0, "order_count": 3, "first_purchase": "2026-01-05", "last_purchase": "2026-02-04",
     "avg_days_between": 15.0},
    {"customer_id": "C1", "product_id": "P-2", "product_name": "Ruj", "category": "MAKEUP", "total_quantity": 1,
     "total_spent": 20.0, "order_count": 1, "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"},
    {"customer_id": "C2", "product_id": "P-2", "product_name": "Ruj", "category": "MAKEUP", "total_quantity": 1,
     "total_spent": 20.0, "order_count": 1, "first_purchase": "2026-01-10", "last_purchase": "2026-01-10"},
])


def order_csv() -> bytes:
    return text_file([ORDER_HEADER, *ORDER_ROWS])


def test_order_lines_become_the_per_product_history() -> None:
    cohort = read_cohort(order_csv())

    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)
    assert cohort.report.format == "order_lines"
    assert cohort.report.column_mapping == {
        "customer_id": "CustomerID", "order_id": "InvoiceNo", "order_date": "InvoiceDate",
        "product_id": "StockCode", "product_name": "Description", "category": "Category", "quantity": "Quantity",
        "unit_price": "UnitPrice", "age": "Age", "gender": "Gender", "city": "City", "region": "Region",
        "registered_at": "Signup"}


def test_a_customers_orders_are_real_orders_in_the_analysis() -> None:
    cohort = read_cohort(order_csv())

    analysis = analyze_customer(cohort.customer_data("C1"), AS_OF)

    # 3 real orders (the first holds two products), not the 4 product-order lines of the seed's definition.
    assert (analysis.order_count, analysis.total_spent, analysis.avg_basket) == (3, 80.0, 26.67)
    assert analysis.affinity_category == "SKINCARE"
    assert [p["productId"] for p in analysis.top_products or ()] == ["P-1", "P-2"]


def test_seed_json_gives_the_same_analyses_as_the_raw_seed_customers() -> None:
    raw = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))
    cohort = read_cohort(SEED_CUSTOMERS)

    assert cohort.report.format == "seed_json"
    assert (cohort.report.rows_read, cohort.report.rows_rejected, cohort.report.customers) == (8, 0, 8)
    for customer in raw:
        direct = analyze_customer({"customerId": customer["customerId"], "city": customer["city"],
                                   "customer": customer}, AS_OF)
        via_cohort = analyze_customer(cohort.customer_data(customer["customerId"]), AS_OF)
        assert via_cohort.model_dump(mode="json", by_alias=True) == direct.model_dump(mode="json", by_alias=True)


def test_seed_json_wrapped_in_an_object_and_an_invalid_customer() -> None:
    raw = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))[:2]
    broken = {**raw[1], "customerId": "C-BAD", "age": 300}
    data = json.dumps({"customers": [*raw, broken, {"city": "Bursa"}]}).encode()

    cohort = read_cohort(io.BytesIO(data))

    assert cohort.customers["customer_id"].tolist() == ["C-1001", "C-1002"]
    assert counts(cohort) == {"missing_customer_id": 1, "invalid_customer": 1}
    assert cohort.report.rejected_by_reason["invalid_customer"].rows == [3]
    assert "age: Input should be less than or equal to 120" in \
        cohort.report.rejected_by_reason["invalid_customer"].examples[0]["problems"]


def test_a_seed_customer_with_a_number_too_large_for_the_engine_is_an_invalid_customer() -> None:
    raw = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))[:2]
    huge = {**raw[1], "productHistory": [{**raw[1]["productHistory"][0], "totalQuantity": 10**23}]}
    data = json.dumps([raw[0], huge]).encode()

    cohort = read_cohort(data)

    assert cohort.customers["customer_id"].tolist() == ["C-1001"]
    assert counts(cohort) == {"invalid_customer": 1}
    assert "productHistory[0].totalQuantity: Input should be less than 9007199254740992" in \
        cohort.report.rejected_by_reason["invalid_customer"].examples[0]["problems"]


def test_a_seed_customer_with_a_boolean_for_a_number_is_an_invalid_customer() -> None:
    raw = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))[:2]
    boolean = {**raw[1], "age": True}
    data = json.dumps([raw[0], boolean]).encode()

    cohort = read_cohort(data)

    assert cohort.customers["customer_id"].tolist() == ["C-1001"]
    assert counts(cohort) == {"invalid_customer": 1}
    assert cohort.report.rejected_by_reason["invalid_customer"].rows == [2]
    assert "age: Input should be a number, not a boolean" in \
        cohort.report.rejected_by_reason["invalid_customer"].examples[0]["problems"]


def test_a_seed_customer_with_a_day_before_1900_is_an_invalid_customer_as_in_a_request() -> None:
    raw = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))[:3]
    ancient_signup = {**raw[1], "registeredAt": "1600-01-01"}
    ancient_purchase = {**raw[2], "productHistory": [{**raw[2]["productHistory"][0], "firstPurchase": "0001-01-01"}]}

    cohort = read_cohort(json.dumps([raw[0], ancient_signup, ancient_purchase]).encode())

    assert cohort.customers["customer_id"].tolist() == ["C-1001"]
    rejected = cohort.report.rejected_by_reason["invalid_customer"]
    assert (rejected.count, rejected.rows) == (2, [2, 3])
    assert [example["problems"] for example in rejected.examples] == [
        "1 problem in the input:\n- registeredAt: is before 1900-01-01, the earliest day taken (got '1600-01-01')",
        "1 problem in the input:\n- productHistory[0].firstPurchase: is before 1900-01-01, the earliest day taken "
        "(got '0001-01-01')",
    ]


def _flatten(raw: list[dict[str, Any]]) -> list[list[Any]]:
    header = ["customerId", "city", "region", "age", "gender", "registeredAt", "productId", "category",
              "totalQuantity", "totalSpent", "orderCount", "firstPurchase", "lastPurchase", "avgDaysBetween"]
    rows: list[list[Any]] = [header]
    for c in raw:
        person = [c["customerId"], c["city"], c["region"], c["age"], c["gender"], c["registeredAt"]]
        for line in c["productHistory"]:
            rows.append([*person, line["productId"], line["category"], line["totalQuantity"], line["totalSpent"],
                         line["orderCount"], line["firstPurchase"], line["lastPurchase"], line["avgDaysBetween"]])
        if not c["productHistory"]:
            rows.append([*person] + [None] * 8)
    return rows


def test_purchase_history_csv_reads_like_the_seed_json() -> None:
    raw = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))
    from_json = read_cohort(SEED_CUSTOMERS)

    cohort = read_cohort(text_file(_flatten(raw), delimiter=";"))

    assert cohort.report.format == "purchase_history"
    assert_tables(cohort, from_json.customers, from_json.history)
    assert cohort.report.rows_read == sum(max(1, len(c["productHistory"])) for c in raw)


def test_order_level_export_without_products() -> None:
    rows: list[list[Any]] = [["Müşteri No", "Sipariş No", "Sipariş Tarihi", "Tutar"],
            ["0042", "S1", "2026-01-02", "100,00"], ["0042", "S2", "2026-01-22", "50,50"],
            ["0042", "S2", "2026-01-22", "9,50"], ["0077", "S3", "2026-02-01", "30,00"]]

    cohort = read_cohort(text_file(rows, delimiter=";"))

    assert cohort.report.format == "orders"
    assert_tables(cohort, customers([{"customer_id": "0042", "total_orders": 2},
                                     {"customer_id": "0077", "total_orders": 1}]), history([
        {"customer_id": "0042", "total_quantity": 3, "total_spent": 160.0, "order_count": 2,
         "first_purchase": "2026-01-02", "last_purchase": "2026-01-22", "avg_days_between": 20.0},
        {"customer_id": "0077", "total_quantity": 1, "total_spent": 30.0, "order_count": 1,
         "first_purchase": "2026-02-01", "last_purchase": "2026-02-01"}]))
    analysis = analyze_customer(cohort.customer_data("0042"), AS_OF)
    assert (analysis.order_count, analysis.avg_basket) == (2, 80.0)
    assert (analysis.top_products, analysis.missing_regulars, analysis.diversity_profile) == (None, None, None)


def test_order_level_export_with_categories_keys_lines_by_category() -> None:
    rows: list[list[Any]] = [["customer_id", "order_id", "order_date", "category", "amount"],
            ["A", "1", "2026-01-02", "MAKEUP", "10"], ["A", "1", "2026-01-02", "SKINCARE", "30"],
            ["A", "2", "2026-01-09", "SKINCARE", "20"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.report.format == "orders"
    pd.testing.assert_frame_equal(cohort.history, history([
        {"customer_id": "A", "category": "MAKEUP", "total_quantity": 1, "total_spent": 10.0, "order_count": 1,
         "first_purchase": "2026-01-02", "last_purchase": "2026-01-02"},
        {"customer_id": "A", "category": "SKINCARE", "total_quantity": 2, "total_spent": 50.0, "order_count": 2,
         "first_purchase": "2026-01-02", "last_purchase": "2026-01-09", "avg_days_between": 7.0}]))
    assert analyze_customer(cohort.customer_data("A"), AS_OF).affinity_category == "SKINCARE"


def test_customer_attributes_from_a_second_file() -> None:
    extra = text_file([["Müşteri No", "Yaş", "Cinsiyet", "Şehir", "Kayıt Tarihi"],
                       ["C1", "41", "Kadın", "İzmir", "15.03.2024"],
                       ["C3", "25", "Erkek", "Bursa", "01.02.2026"],
                       ["", "50", "E", "Ankara", "01.01.2020"]], delimiter=";")

    cohort = read_cohort(order_csv(), customers=extra, customers_name="crm.csv")

    assert_tables(cohort, customers([
        {"customer_id": "C1", "city": "İzmir", "region": "Ege", "age": 41, "gender": "F",
         "registered_at": "2024-03-15", "total_orders": 3},
        {"customer_id": "C2", "city": "Ankara", "region": "İç Anadolu", "gender": "M", "total_orders": 1},
        {"customer_id": "C3", "city": "Bursa", "age": 25, "gender": "M", "registered_at": "2026-02-01"},
    ]), ORDER_HISTORY)
    assert cohort.report.warnings == [
        "the customers file and the main file disagree on age (1), registered_at (1) customer(s); the customers "
        "file's values are used",
        "1 customer(s) of the customers file have no accepted rows in the main file; they are in the cohort as "
        "customers "
        "without purchases"]
    file_report = cohort.report.customers_file
    assert file_report is not None
    assert (file_report.rows_read, file_report.rows_accepted, file_report.customers) == (3, 2, 2)
    assert (file_report.encoding, file_report.delimiter, file_report.date_order) == ("utf-8", ";", "DMY")
    assert file_report.rejected_by_reason["missing_customer_id"].rows == [3]
    assert cohort.rejected[["file", "row", "reason"]].to_dict("records") == [
        {"file": "crm.csv", "row": 3, "reason": "missing_customer_id"}]
    assert analyze_customer(cohort.customer_data("C3"), AS_OF).mode == "new_customer"


def test_tab_separated_file() -> None:
    cohort = read_cohort(text_file([ORDER_HEADER, *ORDER_ROWS], delimiter="\t"), name="orders.tsv")

    assert cohort.report.delimiter == "\t"
    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)


def test_xlsx_round_trip() -> None:
    frame = pd.DataFrame(ORDER_ROWS, columns=ORDER_HEADER)
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"])  # real Excel date cells
    frame["UnitPrice"] = frame["UnitPrice"].astype(float)
    frame["InvoiceNo"] = frame["InvoiceNo"].astype(int)  # numbers in Excel, ids to us

    cohort = read_cohort(xlsx_bytes(frame))

    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)
    assert (cohort.report.format, cohort.report.encoding, cohort.report.delimiter) == ("order_lines", None, None)


def test_xlsx_sheet_by_name_and_a_title_row() -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame([["Sipariş raporu"] + [None] * 12, ORDER_HEADER, *ORDER_ROWS]).to_excel(
            writer, sheet_name="Orders", index=False, header=False)

    cohort = read_cohort(buffer.getvalue(), sheet="Orders")

    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)
    assert cohort.report.notes[:2] == ["read sheet 'Orders' of 2 (Notes, Orders)", "skipped 1 row(s) above the header"]


def test_parquet() -> None:
    frame = pd.DataFrame(ORDER_ROWS, columns=ORDER_HEADER)
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"])
    frame["UnitPrice"] = frame["UnitPrice"].astype(float)
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)

    cohort = read_cohort(buffer.getvalue())

    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)


def test_json_records_and_gzip(tmp_path: Path) -> None:
    records = [dict(zip(ORDER_HEADER, row, strict=True)) for row in ORDER_ROWS]
    path = tmp_path / "orders.json.gz"
    path.write_bytes(gzip.compress(json.dumps(records).encode()))

    cohort = read_cohort(path)

    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)
    assert cohort.rejected.empty


@pytest.mark.parametrize("mode", ["path", "str", "file", "bytes"])
def test_source_may_be_a_path_a_file_object_or_bytes(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(order_csv())
    source: Any = {"path": path, "str": str(path), "file": path.open("rb"), "bytes": path.read_bytes()}[mode]

    cohort = read_cohort(source)

    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)
    if mode == "file":
        source.close()


def test_an_online_retail_style_export() -> None:
    """The layout of the well-known Online Retail export: MM/DD dates with times, float ids, C invoices."""
    rows: list[list[Any]] = [
        ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"],
        ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "6", "12/1/2010 8:26", "2.55", "17850.0",
         "United Kingdom"],
        ["536365", "71053", "WHITE METAL LANTERN", "6", "12/1/2010 8:26", "3.39", "17850.0", "United Kingdom"],
        ["536366", "POST", "POSTAGE", "1", "12/1/2010 8:28", "18", "17850.0", "United Kingdom"],
        ["536367", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "2", "12/13/2010 9:01", "2.55", "17850.0",
         "United Kingdom"],
        ["C536379", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "-1", "12/14/2010 9:41", "2.55", "17850.0",
         "United Kingdom"],
        ["536380", "D", "Discount", "-1", "12/14/2010 9:45", "27.5", "17850.0", "United Kingdom"],
        ["536381", "22633", "HAND WARMER UNION JACK", "6", "12/14/2010 9:45", "1.85", "", "United Kingdom"],
        ["536382", "22632", "HAND WARMER RED POLKA DOT", "12", "12/15/2010 10:00", "1.85", "13047.0", "France"],
    ]

    cohort = read_cohort(text_file(rows), name="Online Retail.csv")

    assert (cohort.report.date_order, cohort.report.format) == ("MDY", "order_lines")
    assert counts(cohort) == {"missing_customer_id": 1, "non_product_line": 2}
    assert cohort.customers[["customer_id", "region", "total_orders"]].astype(object).to_dict("records") == [
        {"customer_id": "17850", "region": "United Kingdom", "total_orders": 2},
        {"customer_id": "13047", "region": "France", "total_orders": 1}]
    assert cohort.history[["customer_id", "product_id", "total_quantity", "total_spent", "order_count"]].to_dict(
        "records") == [
        {"customer_id": "17850", "product_id": "85123A", "total_quantity": 7, "total_spent": 17.85,
         "order_count": 2},
        {"customer_id": "17850", "product_id": "71053", "total_quantity": 6, "total_spent": 20.34, "order_count": 1},
        {"customer_id": "13047", "product_id": "22632", "total_quantity": 12, "total_spent": 22.2,
         "order_count": 1}]


@pytest.mark.parametrize(("data", "file_format"), [
    (b"CustomerID,InvoiceDate,StockCode,Amount\n", "order_lines"), (b"[]", "seed_json"),
    (b'{"customers": []}', "seed_json")])
def test_an_export_of_nobody_is_an_empty_cohort(data: bytes, file_format: str) -> None:
    cohort = read_cohort(data)

    assert (cohort.report.format, cohort.report.rows_read, cohort.report.customers) == (file_format, 0, 0)
    assert_tables(cohort, customers([]), history([]))


LINE = {"customer_id": "C1", "order_date": "2025-06-01", "amount": 5, "product_id": "P1"}


def test_nested_columns_of_parquet_and_json_lines_are_left_out_with_a_note() -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"customer_id": ["C1"], "order_date": [date(2025, 6, 1)], "amount": [5.0],
                             "product_id": ["P1"], "tags": [[1, 2]]}), buffer)
    lines = "\n".join(json.dumps(LINE | {"customer_id": who, "extra": {"a": 1}}) for who in ("C1", "C2"))

    for data, kind in [(buffer.getvalue(), "list<element: int64>"), (lines.encode(), "struct<a: int64>")]:
        cohort = read_cohort(data)
        name = "tags" if kind.startswith("list") else "extra"
        assert f"column {name!r} holds lists or records ({kind}): not read" in cohort.report.notes
        assert cohort.report.rows_rejected == 0
        assert cohort.history["total_spent"].sum() > 0


def test_json_lines_with_a_broken_line_or_changing_types_are_read_line_by_line() -> None:
    broken = json.dumps(LINE) + "\n{oops\n" + json.dumps(LINE | {"customer_id": "C2"}) + "\n"
    changing = json.dumps(LINE) + "\n" + json.dumps(LINE | {"customer_id": 2}) + "\n"

    cohort = read_cohort(broken.encode())
    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (3, 2)
    assert cohort.report.rejected_by_reason["malformed_row"].model_dump(include={"rows", "examples"}) == {
        "rows": [2], "examples": [{"text": "{oops"}]}
    assert read_cohort(changing.encode()).customers["customer_id"].tolist() == ["C1", "2"]


def test_the_seed_customers_as_json_lines() -> None:
    seed = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))

    cohort = read_cohort("\n".join(json.dumps(customer) for customer in seed).encode())

    assert cohort.report.format == "seed_json"
    assert cohort.report.rows_accepted == len(seed)


def test_an_item_that_is_not_a_record_in_a_json_array_is_a_malformed_row() -> None:
    rows = [LINE, LINE | {"customer_id": "C2", "amount": 12}, None, [1]]

    cohort = read_cohort(json.dumps(rows).encode())

    assert cohort.report.format == "order_lines"
    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (4, 2)
    assert cohort.report.rejected_by_reason["malformed_row"].model_dump(include={"rows", "examples"}) == {
        "rows": [3, 4], "examples": [{"text": "null"}, {"text": "[1]"}]}
    assert cohort.history["total_spent"].tolist() == [5.0, 12.0]


def test_purchase_history_lines_whose_numbers_disagree_with_their_days_are_warned_about() -> None:
    data = (b"customerId,productId,totalQuantity,totalSpent,orderCount,firstPurchase,lastPurchase,avgDaysBetween\n"
            b"C1,P1,2,20,1,2025-01-01,2025-03-01,\nC2,P1,3,20,3,2025-01-01,2025-07-01,5\n"
            b"C3,P1,3,20,3,2025-01-01,2025-07-01,\nC4,P1,3,20,3,2025-01-01,2025-07-01,91\n")

    cohort = read_cohort(data)

    assert cohort.report.warnings == [
        "1 line(s) have orderCount 1 but a firstPurchase before their lastPurchase; kept as given",
        "1 line(s) give an avgDaysBetween more than a day away from (lastPurchase − firstPurchase) / (orderCount − 1); "
        "the given values are used"]
    assert cohort.history["avg_days_between"].tolist()[1:] == [5.0, 90.5, 91.0]
    assert counts(cohort) == {}


def test_json_lines_row_numbers_count_every_line_and_a_broken_first_line_is_one_row() -> None:
    lines = [json.dumps(LINE | {"order_date": "bad"}), '{"customer_id": "B"', "5",
             json.dumps(LINE | {"customer_id": "C", "order_date": "bad"}), json.dumps(LINE | {"customer_id": "D"})]

    cohort = read_cohort("\n".join(lines).encode())
    broken_first = read_cohort(("{oops\n" + json.dumps(LINE)).encode())

    assert {reason: found.rows for reason, found in cohort.report.rejected_by_reason.items()} == {
        "malformed_row": [2, 3], "bad_date": [1, 4]}
    assert (broken_first.report.rows_read, broken_first.report.rows_accepted) == (2, 1)
    assert broken_first.report.rejected_by_reason["malformed_row"].rows == [1]


def test_nested_values_in_a_json_array_are_left_out_with_a_note() -> None:
    cohort = read_cohort(json.dumps([LINE | {"tags": [1, 2]}, LINE | {"customer_id": "C2"}]).encode())

    assert "column 'tags' holds lists or records: not read" in cohort.report.notes
    assert "tags" not in cohort.rejected.columns
    assert cohort.report.rows_accepted == 2


def test_the_report_says_what_kind_of_file_was_read() -> None:
    frame = pd.DataFrame({"customer_id": ["C1"], "order_date": ["2026-01-05"], "amount": [5.0], "product_id": ["P"]})
    parquet = io.BytesIO()
    frame.to_parquet(parquet, index=False)
    files = {"delimited": text_file([list(frame.columns), ["C1", "2026-01-05", "5", "P"]]),
             "xlsx": xlsx_bytes(frame), "parquet": parquet.getvalue(),
             "json": json.dumps(frame.to_dict("records")).encode()}

    for kind, data in files.items():
        cohort = read_cohort(data, customers=data)
        assert cohort.report.file_type == kind
        assert cohort.report.customers_file is not None
        assert cohort.report.customers_file.file_type == kind


def test_one_json_object_is_one_record() -> None:
    seed = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))

    assert read_cohort(json.dumps(LINE).encode()).report.rows_accepted == 1
    one_customer = read_cohort(json.dumps(seed[0]).encode())
    assert (one_customer.report.format, one_customer.report.customers) == ("seed_json", 1)


def test_a_pipe_is_read_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "orders.fifo"
    os.mkfifo(fifo)
    # A pipe has no size to map. Daemon: a writer left waiting for a reader must not keep the tests from ending.
    writer = threading.Thread(target=fifo.write_bytes, args=(order_csv(),), daemon=True)
    writer.start()

    cohort = read_cohort(fifo)

    writer.join(timeout=10)
    assert not writer.is_alive()
    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)


def test_a_file_object_read_to_its_end_is_named_not_taken_for_an_empty_file() -> None:
    stream = io.BytesIO(order_csv())
    stream.read()

    with pytest.raises(InvalidInput) as caught:
        read_cohort(stream)

    assert [(p.loc, p.msg) for p in caught.value.problems] == [
        ("file", f"the file object is at its end (position {len(order_csv()):,}): it was read before; seek(0) "
                 "before passing it")]


def test_parquet_text_stored_as_bytes_is_decoded() -> None:
    frame = pd.DataFrame(ORDER_ROWS, columns=ORDER_HEADER)
    frame["UnitPrice"] = frame["UnitPrice"].astype(float)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    as_bytes = {"CustomerID": pa.array([v.encode() for v in frame["CustomerID"]], pa.binary()),  # UTF-8
                "City": pa.array([v.encode("cp1254") for v in frame["City"]], pa.binary())}  # Windows-1254
    for name, column in as_bytes.items():
        table = table.set_column(table.schema.get_field_index(name), name, column)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)

    cohort = read_cohort(buffer.getvalue())

    assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)
    assert "column 'City' holds bytes, not UTF-8 text: read as windows-1254" in cohort.report.notes
    assert not any("CustomerID" in note for note in cohort.report.notes)


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def test_parquet_bytes_that_are_utf8_but_for_a_stray_byte_stay_utf8_as_a_csv_does() -> None:
    names = ["Müşteri Ürünü Şampuan"] * 9 + ["Şampuan"]
    table = pa.table({"customer_id": [f"C{i}" for i in range(10)], "order_date": [date(2025, 6, 1)] * 10,
                      "product_name": pa.array([n.encode() for n in names[:-1]] + [names[-1].encode("cp1254")]),
                      "amount": [10.0] * 10})

    cohort = read_cohort(_parquet(table))

    assert cohort.history["product_name"].unique().tolist() == ["Müşteri Ürünü Şampuan", "\ufffdampuan"]
    assert "column 'product_name': 1 byte(s) are not UTF-8 and were read as \ufffd" in cohort.report.warnings
    assert not any("windows-1254" in note for note in cohort.report.notes)


def test_parquet_uuids_are_their_canonical_text_also_in_the_rejected_rows() -> None:
    # As DuckDB and Postgres exports store them: 16 bytes, extension type arrow.uuid.
    first, second, session = (uuid.UUID("9f1c6f0e-5b7a-4c1e-8f3e-2d9a7b6c5e4f"), uuid.UUID(int=1),
                              uuid.UUID("f47ac10b-58cc-4372-a567-0e02b2c3d479"))
    table = pa.table({"customer_id": pa.array([first.bytes, first.bytes, second.bytes, None], pa.uuid()),
                      "order_date": [date(2025, 6, day) for day in range(1, 5)], "product_id": ["P1"] * 4,
                      "amount": [10.0] * 4, "session_id": pa.array([session.bytes] * 4, pa.uuid())})

    cohort = read_cohort(_parquet(table), name="orders.parquet")

    assert cohort.customers["customer_id"].tolist() == [str(first), str(second)]
    assert cohort.rejected.astype(object).to_dict("records") == [
        {"file": "orders.parquet", "row": 4, "reason": "missing_customer_id", "customer_id": None,
         "order_date": "2025-06-04", "product_id": "P1", "amount": "10", "session_id": str(session)}]


def test_parquet_rejected_rows_show_typed_cells_as_a_spreadsheet_would() -> None:
    # pandas and Spark write nanosecond timestamps; a NaN amount is no value, as in the report's examples.
    table = pa.table({
        "customer_id": pa.array([None, "C1"]),
        "order_date": pa.array([datetime(2025, 6, 1, 9, 30), datetime(2025, 6, 2)], pa.timestamp("ns")),
        "paid_at": pa.array([datetime(2025, 6, 1, 9, 30, 0, 250000), None], pa.timestamp("us", "Europe/Istanbul")),
        "product_id": ["P1", "KARGO"], "amount": [float("nan"), 4.0],
        "price": pa.array([Decimal("10.50"), Decimal("4.00")], pa.decimal128(12, 2)),
        "delivery": pa.array([timedelta(days=1, hours=12), None], pa.duration("s"))})

    cohort = read_cohort(_parquet(table), name="orders.parquet")

    assert cohort.rejected.astype(object).to_dict("records") == [
        {"file": "orders.parquet", "row": 1, "reason": "missing_customer_id", "customer_id": None,
         "order_date": "2025-06-01 09:30:00", "paid_at": "2025-06-01 12:30:00.250000+0300", "product_id": "P1",
         "amount": None, "price": "10.50", "delivery": "1 day, 12:00:00"},
        {"file": "orders.parquet", "row": 2, "reason": "non_product_line", "customer_id": "C1",
         "order_date": "2025-06-02 00:00:00", "paid_at": None, "product_id": "KARGO", "amount": "4",
         "price": "4.00", "delivery": None}]


def test_parquet_view_types_are_read_as_text_and_bytes() -> None:
    table = pa.table({"customer_id": pa.array(["C1", None, "C2"], pa.string_view()),
                      "order_date": [date(2025, 6, 1)] * 3,
                      "product_name": pa.array([b"Krem", b"Ruj", b"Krem"], pa.binary_view()),
                      "quantity": pa.array(["2", "1", "3"], pa.string_view()),
                      "amount": pa.array(["5.00", "7.50", "12.50"], pa.string_view()),
                      "unit_price": [99.0] * 3})  # never used: each row has its amount

    cohort = read_cohort(_parquet(table), name="orders.parquet")

    assert cohort.history[["customer_id", "product_name", "total_quantity", "total_spent"]].to_dict("records") == [
        {"customer_id": "C1", "product_name": "Krem", "total_quantity": 2, "total_spent": 5.0},
        {"customer_id": "C2", "product_name": "Krem", "total_quantity": 3, "total_spent": 12.5}]
    assert cohort.rejected[["row", "reason", "product_name", "amount"]].astype(object).to_dict("records") == [
        {"row": 2, "reason": "missing_customer_id", "product_name": "Ruj", "amount": "7.50"}]


def test_parquet_columns_of_one_name_are_told_apart_as_a_csvs_are() -> None:
    table = pa.table([pa.array(["C1", "C2"]), pa.array([date(2025, 6, 1)] * 2), pa.array(["P1", "P1"]),
                      pa.array([10.0, 12.0]), pa.array(["a", "b"]), pa.array(["c", "d"])],
                     names=["customer_id", "order_date", "product_id", "amount", "note", "note"])

    cohort = read_cohort(_parquet(table))

    assert (cohort.report.rows_accepted, cohort.customers["customer_id"].tolist()) == (2, ["C1", "C2"])
    assert "columns not used: note, note.1" in cohort.report.notes


def test_pandas_daily_periods_in_parquet_are_dates_not_excel_serials() -> None:
    frame = pd.DataFrame({"customer_id": ["C1", "C1"], "product_id": ["P1", "P1"], "amount": [10.0, 10.0],
                          "order_date": pd.PeriodIndex(["2025-06-01", "2025-09-01"], freq="D")})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)

    cohort = read_cohort(buffer.getvalue())

    assert cohort.history[["first_purchase", "last_purchase"]].astype(str).to_dict("records") == [
        {"first_purchase": "2025-06-01", "last_purchase": "2025-09-01"}]
    assert not any("Excel serial" in note for note in cohort.report.notes)


def test_a_workbook_whose_first_sheet_is_not_the_data_says_which_sheets_it_has() -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"exported": ["2026-02-01"]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame(ORDER_ROWS, columns=ORDER_HEADER).to_excel(writer, sheet_name="Orders", index=False)

    with pytest.raises(InvalidInput) as caught:
        read_cohort(buffer.getvalue())

    [problem] = caught.value.problems
    assert problem.loc == "columns"
    assert problem.msg.endswith("The workbook has more sheets (read sheet 'Notes' of 2 (Notes, Orders))")
    assert problem.hint == ("Name it with mapping={'customer_id': '<column>'} (on the command line: --map "
                            "customer_id=<column>); or choose another sheet with sheet= (on the command line: --sheet)")
    assert_tables(read_cohort(buffer.getvalue(), sheet=1), ORDER_CUSTOMERS, ORDER_HISTORY)
    assert read_cohort(order_csv(), sheet="Orders").report.warnings == [
        "sheet='Orders' is not used: the file is not an Excel workbook"]


def test_an_object_with_only_a_read_method_is_a_source() -> None:
    class Upload:
        def read(self) -> bytes:
            return order_csv()

    assert_tables(read_cohort(Upload()), ORDER_CUSTOMERS, ORDER_HISTORY)


def test_sheets_are_chosen_by_name_before_place_and_chart_sheets_do_not_count() -> None:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["exported 2026-02-12"])
    orders = workbook.create_sheet("2024")
    for row in [ORDER_HEADER, *ORDER_ROWS]:
        orders.append(row)
    chart = BarChart()
    chart.add_data(Reference(orders, min_col=5, min_row=1, max_row=3))
    workbook.create_chartsheet("Chart", 0).add_chart(chart)
    buffer = io.BytesIO()
    workbook.save(buffer)

    for sheet in ("2024", 1, "1"):  # its name; its place among the sheets of cells, also as text
        cohort = read_cohort(buffer.getvalue(), sheet=sheet)
        assert_tables(cohort, ORDER_CUSTOMERS, ORDER_HISTORY)
        assert cohort.report.notes[0] == "read sheet '2024' of 2 (Notes, 2024)"
    with pytest.raises(InvalidInput) as caught:
        read_cohort(buffer.getvalue(), sheet="Chart")
    assert [(p.loc, p.msg) for p in caught.value.problems] == [
        ("sheet", "the workbook has no sheet 'Chart'; its sheets are: Notes, 2024")]


def test_the_customers_files_sheet_is_its_own() -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Empty", index=False)
        pd.DataFrame({"customer_id": ["C1"], "age": [41]}).to_excel(writer, sheet_name="People", index=False)

    with pytest.raises(InvalidInput) as caught:
        read_cohort(order_csv(), customers=buffer.getvalue())
    cohort = read_cohort(order_csv(), customers=buffer.getvalue(), customers_sheet="People")
    on_csv = read_cohort(order_csv(), customers=order_csv(), customers_sheet="People")

    [problem] = caught.value.problems
    assert (problem.loc, problem.msg, problem.hint) == (
        "customers.sheet", "the sheet has no rows; the workbook's sheets: Empty, People",
        "choose another sheet with customers_sheet= (on the command line: --customers-sheet)")
    assert cohort.customers.loc[cohort.customers["customer_id"] == "C1", "age"].tolist() == [41]
    assert "customers_sheet='People' is not used: the customers file is not an Excel workbook" in \
        on_csv.report.warnings


def test_a_customers_workbook_whose_first_sheet_is_not_the_data_says_which_sheets_it_has() -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"CRM export 2026": []}).to_excel(writer, sheet_name="Cover", index=False)
        pd.DataFrame({"customer_id": ["C1"], "age": [41]}).to_excel(writer, sheet_name="People", index=False)

    with pytest.raises(InvalidInput) as caught:
        read_cohort(order_csv(), customers=buffer.getvalue())

    [problem] = caught.value.problems
    assert problem.loc == "customers.columns"
    assert problem.msg.endswith("The workbook has more sheets (read sheet 'Cover' of 2 (Cover, People))")
    assert problem.hint is not None
    assert problem.hint.endswith("; or choose another sheet with customers_sheet= (on the command line: "
                                 "--customers-sheet)")


_TOO_BIG = "1" + "0" * 400  # a JSON integer beyond any float
_DEEP = "[" * 20000 + "]" * 20000


@pytest.mark.parametrize(("data", "rejected", "kept"), [
    ('[{"CustomerID": "C1", "InvoiceDate": "2026-01-05", "Amount": ' + _TOO_BIG + '}, '
     '{"CustomerID": "C2", "InvoiceDate": "2026-01-05", "Amount": 5}]', {"bad_amount": [1]}, ["C2"]),
    ('{"CustomerID": "C1", "InvoiceDate": "2026-01-05", "Amount": ' + _TOO_BIG + '}\n'
     '{"CustomerID": "C2", "InvoiceDate": "2026-01-05", "Amount": 5}\n', {"bad_amount": [1]}, ["C2"]),
    ('{"CustomerID": "C1", "InvoiceDate": "2026-01-05", "Amount": 5}\n'
     '{"CustomerID": "C2", "Note": ' + _DEEP + '}\n', {"malformed_row": [2]}, ["C1"]),
], ids=["json 10**400", "json lines 10**400", "json lines nested 20,000 deep"])
def test_json_numbers_beyond_a_float_and_lines_nested_too_deeply_are_rejected_rows(
        data: str, rejected: dict[str, list[int]], kept: list[str]) -> None:
    cohort = read_cohort(data.encode(), name="orders.json")

    assert {reason: r.rows for reason, r in cohort.report.rejected_by_reason.items()} == rejected
    assert cohort.customers["customer_id"].tolist() == kept


def test_a_json_number_of_more_digits_than_python_reads_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_cohort(('[{"CustomerID": "C1", "Amount": 1' + "0" * 5000 + "}]").encode(), name="orders.json")

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("file", "orders.json")
    assert problem.msg.startswith("cannot read the JSON: Exceeds the limit (4300 digits)")


def test_a_second_seed_customer_with_the_same_id_is_a_duplicate_customer_even_as_an_exact_copy() -> None:
    raw = json.loads(SEED_CUSTOMERS.read_text(encoding="utf-8"))[:2]
    older = {**raw[0], "age": 55}

    cohort = read_cohort(json.dumps([raw[0], raw[1], raw[0], older]).encode())

    assert cohort.customers["customer_id"].tolist() == ["C-1001", "C-1002"]
    assert {reason: r.rows for reason, r in cohort.report.rejected_by_reason.items()} == {
        "duplicate_customer": [3, 4]}


@pytest.mark.parametrize("where", ["early", "late"])
def test_json_in_utf8_with_a_few_stray_bytes_stays_utf8_and_they_are_counted(where: str) -> None:
    records = [{"CustomerID": f"C{i}", "InvoiceDate": "2026-01-05", "Description": f"Şampuan ürün {i}",
                "Amount": 5} for i in range(30_000 if where == "late" else 30)]
    lines = [json.dumps(record, ensure_ascii=False).encode() for record in records]
    stray = 3 if where == "early" else 29_990
    lines[stray] = lines[stray].replace("Şampuan".encode(), "Şampuan".encode("cp1254"))
    data = b"\n".join(lines) + b"\n"

    cohort = read_cohort(data, name="orders.jsonl")

    assert cohort.report.encoding == "utf-8"
    assert "1 byte(s) are not utf-8 and were read as \ufffd" in cohort.report.warnings
    names = cohort.history.set_index("customer_id")["product_name"]
    assert (names["C0"], names[f"C{stray}"]) == ("Şampuan ürün 0", f"\ufffdampuan ürün {stray}")


def test_a_sheet_given_as_other_digits_is_no_sheet() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_cohort(xlsx_bytes(pd.DataFrame(ORDER_ROWS, columns=ORDER_HEADER)), sheet="²")

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("sheet", "²")


def test_json_strings_that_a_csv_takes_for_no_value_are_values_in_json() -> None:
    # JSON has its own null: "NA" is somebody's id there, "None" a product's.
    records = [{"customer_id": "NA", "order_date": "2026-01-05", "product_id": "None", "amount": 10}]

    cohort = read_cohort(json.dumps(records).encode("utf-8"))

    assert cohort.customers["customer_id"].tolist() == ["NA"]
    assert cohort.history["product_id"].tolist() == ["None"]
