"""The customers file (``customers=``): its attributes merged into the main file's customers."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rules.cohort.read import read_cohort
from rules.cohort.segment import segment_cohort
from rules.errors import InvalidInput
from tests.rules.cohort.test_read_support import text_file

AS_OF = date(2026, 2, 12)
ORDER_HEADER = ["customer_id", "order_date", "product_id", "amount"]


def _orders(extra_header: list[str], rows: list[list[Any]]) -> bytes:
    return text_file([ORDER_HEADER + extra_header,
                      *[[customer, "2026-01-05", "P", "5", *cells] for customer, *cells in rows]])


def _attribute_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "customers file" in w]


def test_a_city_without_a_region_keeps_the_main_files_region_unless_the_city_says_otherwise() -> None:
    orders = _orders(["region"], [["C1", "Marmara"], ["C2", "Ege"], ["C3", "Karadeniz"], ["C4", "Marmara"],
                                  ["C5", "Marmara Bölgesi"]])
    attributes = text_file([["customer_id", "city"], ["C1", "Kadıköy"], ["C2", "Istanbul (Avrupa)"],
                            ["C3", "Trabzon"], ["C4", "Ankara"], ["C5", "Bursa"]])

    cohort = read_cohort(orders, customers=attributes)

    # A district or another spelling says nothing against the region; a province in another region does.
    assert cohort.customers[["customer_id", "city", "region"]].to_dict("records") == [
        {"customer_id": "C1", "city": "Kadıköy", "region": "Marmara"},
        {"customer_id": "C2", "city": "Istanbul (Avrupa)", "region": "Ege"},
        {"customer_id": "C3", "city": "Trabzon", "region": "Karadeniz"},
        {"customer_id": "C4", "city": "Ankara", "region": None},
        {"customer_id": "C5", "city": "Bursa", "region": "Marmara Bölgesi"}]
    assert _attribute_warnings(cohort.report.warnings) == [
        "the customers file gives 1 customer(s) a city in another region than the main file's and no region (e.g. "
        "customer C4: 'Ankara', not 'Marmara'); their region is their city's"]
    assert segment_cohort(cohort, AS_OF)["region"].astype(str).tolist() == [
        "Marmara", "Ege", "Karadeniz", "İç Anadolu", "Marmara"]


def test_a_move_to_a_place_that_is_no_province_leaves_the_region_unknown() -> None:
    orders = _orders(["city", "region"], [["C1", "İstanbul", "Marmara"], ["C2", "Istanbul", "Marmara"],
                                          ["C3", "Izmir", "Ege"]])
    attributes = text_file([["customer_id", "city"], ["C1", "İstanbul (Avrupa)"], ["C2", "ISTANBUL"],
                            ["C3", "Muğla"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.customers[["customer_id", "city", "region"]].to_dict("records") == [
        {"customer_id": "C1", "city": "İstanbul (Avrupa)", "region": None},
        {"customer_id": "C2", "city": "ISTANBUL", "region": "Marmara"},
        {"customer_id": "C3", "city": "Muğla", "region": "Ege"}]
    assert _attribute_warnings(cohort.report.warnings) == [
        "the customers file moves 1 customer(s) to a place that is no province and gives no region (e.g. customer "
        "C1: 'İstanbul' → 'İstanbul (Avrupa)'); the main file's region ('Marmara') is not kept, so their region is "
        "unknown",
        "the customers file and the main file disagree on city (2) customer(s); the customers file's values are used"]


def test_other_spellings_of_a_value_are_no_disagreement() -> None:
    orders = _orders(["city", "region", "gender"], [["C1", "İzmir", "Ege", "Kadın"], ["C2", "Van", "Doğu Anadolu", "M"],
                                                    ["C3", "Van", "Doğu Anadolu", "M"]])
    attributes = text_file([["customer_id", "city", "region", "gender"], ["C1", "IZMIR", "Aegean", "F"],
                            ["C2", "van", "Dogu Anadolu Bölgesi", "Erkek"], ["C3", "Kars", "Karadeniz", "F"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.customers[["city", "region", "gender"]].to_dict("records") == [
        {"city": "IZMIR", "region": "Aegean", "gender": "F"},
        {"city": "van", "region": "Dogu Anadolu Bölgesi", "gender": "M"},
        {"city": "Kars", "region": "Karadeniz", "gender": "F"}]
    assert _attribute_warnings(cohort.report.warnings) == [
        "the customers file and the main file disagree on city (1), region (1), gender (1) customer(s); the "
        "customers file's values are used"]


def test_ids_that_lost_their_leading_zeros_find_their_customer() -> None:
    orders = _orders([], [["01234"], ["09999"], ["12345"], ["00777"]])
    attributes = text_file([["customer_id", "age"], ["1234", "34"], ["9999", "40"], ["12345", "50"], ["555", "60"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.customers[["customer_id", "age", "total_orders"]].to_dict("records") == [
        {"customer_id": "01234", "age": 34, "total_orders": 1}, {"customer_id": "09999", "age": 40, "total_orders": 1},
        {"customer_id": "12345", "age": 50, "total_orders": 1}, {"customer_id": "00777", "age": None,
                                                                 "total_orders": 1},
        {"customer_id": "555", "age": 60, "total_orders": None}]
    assert _attribute_warnings(cohort.report.warnings) == [
        "2 customer id(s) of the customers file match an id of the main file only once leading zeros are left out "
        "(e.g. 1234 → 01234), and are read as that customer: the customers file has probably lost the zeros (a "
        "spreadsheet reads such ids as numbers)",
        "1 customer(s) of the customers file have no accepted rows in the main file; they are in the cohort as "
        "customers without purchases"]


def test_a_customers_file_that_lost_every_leading_zero_matches_every_customer() -> None:
    orders = _orders([], [["001"], ["002"]])
    attributes = pa.table({"customer_id": pa.array([2, 1], pa.int64()), "age": pa.array([40, 30], pa.int64())})
    buffer = io.BytesIO()
    pq.write_table(attributes, buffer)

    cohort = read_cohort(orders, customers=buffer.getvalue())

    assert cohort.customers[["customer_id", "age"]].to_dict("records") == [{"customer_id": "001", "age": 30},
                                                                           {"customer_id": "002", "age": 40}]
    assert _attribute_warnings(cohort.report.warnings) == [
        "2 customer id(s) of the customers file match an id of the main file only once leading zeros are left out "
        "(e.g. 1 → 001), and are read as that customer: the customers file has probably lost the zeros (a "
        "spreadsheet reads such ids as numbers)"]


def test_ids_that_print_alike_in_the_two_files_are_one_customer() -> None:
    nfc = "MÜŞ-001"
    orders = _orders([], [[nfc], ["C2\u00a0"], ["C3"]])
    attributes = text_file([["customer_id", "age"], [unicodedata.normalize("NFD", nfc), "34"], ["C2", "40"],
                            ["\u200bC3", "29"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.customers[["customer_id", "age"]].to_dict("records") == [
        {"customer_id": nfc, "age": 34}, {"customer_id": "C2", "age": 40}, {"customer_id": "C3", "age": 29}]
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.warnings == [
        "customer_id: 2 id(s) written in another Unicode form or with an invisible character at an end were read as "
        "written plainly (e.g. 'MÜŞ-001')"]


def test_the_customers_file_report_says_how_the_file_was_read() -> None:
    orders = _orders([], [["C1"]])
    attributes = "Customer list\n\ncustomer_id;age;Yaş;Notiz\nC1;30;31;vip\n".encode()

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.notes == ["age: used column 'age', not 'Yaş'",
                                                  "skipped 2 line(s) above the header", "columns not used: Yaş, Notiz"]


def test_signup_dates_of_both_orders_are_left_unknown_not_rejected() -> None:
    orders = _orders([], [["C1"], ["C2"]])
    attributes = text_file([["customer_id", "registered_at"], ["C1", "13/01/2020"], ["C2", "01/14/2021"],
                            ["C3", "15/02/2022"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.rejected_by_reason == {}
    assert cohort.report.customers_file.warnings == [
        "registered_at ('registered_at'): some dates are day first ('13/01/2020') and some month first "
        "('01/14/2021'); read them as DMY, so dates that only fit the other order are left unknown",
        "registered_at: 1 value(s) are not dates and are left unknown"]
    assert cohort.customers["registered_at"].isna().tolist() == [False, True, False]


def test_a_placeholder_for_an_unknown_value_does_not_override_a_known_one() -> None:
    orders = _orders(["Cinsiyet", "city"], [["C1", "Kadın", "Van"], ["C2", "Erkek", "Van"], ["C3", "Erkek", "Van"],
                                            ["C4", "Kadın", "Van"]])
    attributes = text_file([["customer_id", "gender", "city"], ["C1", "Belirtilmemiş", "-"], ["C2", "?", "Bilinmiyor"],
                            ["C3", "unknown", "Kars"], ["C4", "Diğer", "N/A"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.customers[["customer_id", "gender", "city"]].to_dict("records") == [
        {"customer_id": "C1", "gender": "F", "city": "Van"}, {"customer_id": "C2", "gender": "M", "city": "Van"},
        {"customer_id": "C3", "gender": "M", "city": "Kars"}, {"customer_id": "C4", "gender": "Diğer", "city": "Van"}]
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.warnings == [
        "city: 2 value(s) that say it is unknown (e.g. '-') are left unknown",
        "gender: 3 value(s) that say it is unknown (e.g. 'Belirtilmemiş') are left unknown"]


def test_ids_that_differ_by_leading_zeros_are_not_paired_when_a_file_keeps_its_zeros() -> None:
    # The customers file keeps its zeros (0012), so its 7 is customer 7, not 007; the main file's 007 and 7
    # are two customers, so a 07 is neither.
    orders = _orders([], [["007"], ["0012"]])
    kept_zeros = text_file([["customer_id", "age", "city"], ["0012", "40", "Izmir"], ["7", "22", "Van"]])
    two_sevens = text_file([["customer_id", "age"], ["07", "30"], ["7", "22"]])

    cohort = read_cohort(orders, customers=kept_zeros)
    both = read_cohort(_orders([], [["007"], ["7"]]), customers=two_sevens)

    assert cohort.customers[["customer_id", "age"]].astype(object).fillna("-").values.tolist() == [
        ["007", "-"], ["0012", 40], ["7", 22]]
    assert both.customers[["customer_id", "age"]].astype(object).fillna("-").values.tolist() == [
        ["007", "-"], ["7", 22], ["07", 30]]


def test_a_country_column_is_no_region_when_only_the_customers_file_has_cities() -> None:
    orders = text_file([["CustomerID", "InvoiceDate", "StockCode", "Amount", "Country"],
                        ["17850", "2026-01-05", "P", "5", "United Kingdom"],
                        ["12345", "2026-01-05", "P", "5", "France"]])
    people = text_file([["CustomerID", "City"], ["17850", "Istanbul"], ["12345", "Kadıköy"]])

    cohort = read_cohort(orders, customers=people)
    alone = read_cohort(orders)

    assert cohort.customers[["customer_id", "city", "region"]].astype(object).fillna("-").values.tolist() == [
        ["17850", "Istanbul", "-"], ["12345", "Kadıköy", "-"]]
    assert segment_cohort(cohort, AS_OF)["region"].astype(object).fillna("-").tolist() == ["Marmara", "-"]
    assert alone.customers["region"].tolist() == ["United Kingdom", "France"]


def test_a_city_column_left_empty_gives_no_cities_and_the_country_is_the_region() -> None:
    orders = text_file([["customer_id", "order_date", "product_id", "amount", "City", "Country"],
                        ["C1", "2026-01-05", "P", "5", "", "United Kingdom"],
                        ["C2", "2026-01-05", "P", "5", " ", "France"]])

    cohort = read_cohort(orders)

    assert cohort.customers["region"].tolist() == ["United Kingdom", "France"]
    assert cohort.report.column_mapping["region"] == "Country"


def test_gender_symbols_are_genders_not_placeholders() -> None:
    orders = _orders(["Cinsiyet"], [["C1", "\u2640"], ["C2", "\u2642"], ["C3", "-"]])

    cohort = read_cohort(orders)

    assert cohort.customers["gender"].astype(object).fillna("-").tolist() == ["F", "M", "-"]


def test_how_the_signup_dates_were_read_is_noted_in_each_files_report() -> None:
    orders = text_file([[*ORDER_HEADER, "Kayıt Tarihi"], ["1", "13.01.2026", "P", "5", "14.02.2025"]])
    people = text_file([["customer_id", "Kayıt Tarihi"], ["1", "15.03.2024"]])

    cohort = read_cohort(orders, customers=people)

    assert "registered_at ('Kayıt Tarihi'): day first (DD/MM/YYYY), as in '14.02.2025'" in cohort.report.notes
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.notes[-1] == \
        "registered_at ('Kayıt Tarihi'): day first (DD/MM/YYYY), as in '15.03.2024'"


def test_a_signup_before_1900_is_said_to_be_out_of_range_not_no_date() -> None:
    orders = b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P1,10\nC2,2026-01-06,P1,12\nC3,2026-01-07,P1,9\n"
    crm = b"customer_id,registered_at\nC1,1850-01-01\nC2,bilinmiyor\nC3,2024-03-01\n"

    cohort = read_cohort(orders, customers=crm)

    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.warnings == [
        "registered_at ('registered_at'): 1 value(s) are dates before 1900-01-01 or after 2100-12-31, the days taken "
        "(e.g. '1850-01-01'), and are left unknown",
        "registered_at: 1 value(s) are not dates and are left unknown",
    ]
    assert cohort.customers["registered_at"].isna().tolist() == [True, True, False]


def test_an_empty_json_list_as_the_customers_file_is_named_as_such() -> None:
    orders = _orders([], [["C1"]])

    with pytest.raises(InvalidInput) as raised:
        read_cohort(orders, customers=b"[]", customers_name="customers.json")

    assert [(p.loc, p.msg, p.input) for p in raised.value.problems] == [
        ("customers", "the customers file is an empty JSON list: it holds no customer to take attributes from",
         "customers.json")]


def test_ids_the_main_file_wrote_without_their_leading_zeros_find_their_customer() -> None:
    # The order lines come from a workbook that read 00042 as the number 42; the CRM export kept the zeros.
    orders = pa.table({"customer_id": pa.array([42, 43, 12345], pa.int64()),
                       "order_date": ["2026-01-05"] * 3, "product_id": ["P"] * 3, "amount": [5.0] * 3})
    buffer = io.BytesIO()
    pq.write_table(orders, buffer)
    attributes = text_file([["customer_id", "age"], ["00042", "30"], ["00043", "40"], ["12345", "50"]])

    cohort = read_cohort(buffer.getvalue(), customers=attributes)

    assert cohort.customers[["customer_id", "age", "total_orders"]].to_dict("records") == [
        {"customer_id": "42", "age": 30, "total_orders": 1}, {"customer_id": "43", "age": 40, "total_orders": 1},
        {"customer_id": "12345", "age": 50, "total_orders": 1}]
    assert _attribute_warnings(cohort.report.warnings) == [
        "2 customer id(s) of the customers file match an id of the main file only once leading zeros are left out "
        "(e.g. 00042 → 42), and are read as that customer: the main file has probably lost the zeros (a "
        "spreadsheet reads such ids as numbers)"]


def test_ids_that_differ_only_in_letter_case_are_one_customer_when_that_pairs_one_with_one() -> None:
    orders = _orders([], [["AB-1"], ["ab-2"], ["Ab-3"], ["AB-3"]])
    # ab-1 and ab-2 are AB-1 and ab-2 in capitals or not; ab-3 could be either of the main file's two: neither.
    attributes = text_file([["customer_id", "age"], ["ab-1", "30"], ["AB-2", "40"], ["ab-3", "50"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.customers[["customer_id", "age", "total_orders"]].to_dict("records") == [
        {"customer_id": "AB-1", "age": 30, "total_orders": 1}, {"customer_id": "AB-3", "age": None, "total_orders": 1},
        {"customer_id": "ab-2", "age": 40, "total_orders": 1}, {"customer_id": "Ab-3", "age": None, "total_orders": 1},
        {"customer_id": "ab-3", "age": 50, "total_orders": None}]
    assert _attribute_warnings(cohort.report.warnings) == [
        "2 customer id(s) of the customers file match an id of the main file only when letter case is ignored (e.g. "
        "ab-1 → AB-1), and are read as that customer",
        "1 customer(s) of the customers file have no accepted rows in the main file; they are in the cohort as "
        "customers without purchases"]


def test_order_lines_given_as_the_customers_file_add_no_customers_and_are_named_as_such() -> None:
    orders = _orders([], [["C1"], ["C2"]])
    other_period = _orders([], [["C2"], ["C3"]])  # C3 bought then: no customer without purchases

    cohort = read_cohort(orders, customers=other_period)

    assert cohort.customers[["customer_id", "total_orders"]].to_dict("records") == [
        {"customer_id": "C1", "total_orders": 1}, {"customer_id": "C2", "total_orders": 1}]
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.warnings == [
        "the customers file has no attribute column (age, gender, city, region or signup date; its columns: "
        "customer_id, order_date, product_id, amount), so it gives no customer attributes; with order_date, "
        "product_id, amount it looks like order lines, which are read as the main file, so none of its customers "
        "is added to the cohort either"]


def test_a_list_of_ids_as_the_customers_file_is_warned_to_give_no_attributes() -> None:
    orders = _orders([], [["C1"]])

    cohort = read_cohort(orders, customers=text_file([["customer_id"], ["C1"], ["C9"]]))

    assert cohort.customers[["customer_id", "total_orders"]].to_dict("records") == [
        {"customer_id": "C1", "total_orders": 1}, {"customer_id": "C9", "total_orders": None}]
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.warnings == [
        "the customers file has no attribute column (age, gender, city, region or signup date; its columns: "
        "customer_id), so it gives no customer attributes"]


def test_a_customers_files_problems_name_the_file() -> None:
    orders = _orders([], [["C1"]])
    empty_sheet = io.BytesIO()
    with pd.ExcelWriter(empty_sheet, engine="openpyxl") as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Sheet1", index=False)

    problems = []
    for data, name in ((b"Name,Yas\nAyse,30\n", "crm.csv"), (empty_sheet.getvalue(), "crm.xlsx"), (b"", "crm.csv")):
        with pytest.raises(InvalidInput) as raised:
            read_cohort(orders, customers=data, customers_name=name)
        problems += [(p.loc, p.msg, p.input) for p in raised.value.problems]

    assert problems == [
        ("customers.columns", "the customers file has no customer id column (looked for CustomerID, Customer ID, "
         "Customer No, Customer Number, Customer Code, Cust ID, Client ID, Müşteri No, …); its columns are: Name, Yas "
         "(in 'crm.csv')", ["Name", "Yas"]),
        ("customers.sheet", "the sheet has no rows (in 'crm.xlsx')", "Sheet1"),
        ("customers", "the file is empty", "crm.csv")]
