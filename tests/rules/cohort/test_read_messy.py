"""Real exports are messy: encodings, delimiters, numbers, dates, ids, returns, junk rows, gaps and conflicts."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rules import InvalidInput, analyze_customer
from rules.cohort.model import Cohort
from rules.cohort.orderlines import DEFAULT_NON_PRODUCT_CODES
from rules.cohort.read import read_cohort
from rules.cohort.segment import segment_cohort
from rules.models.dates import today_utc
from tests.rules.cohort.test_read_support import counts, customers, history, text_file, xlsx_bytes

AS_OF = date(2026, 2, 12)
TURKISH = [["Müşteri No", "Sipariş No", "Tarih", "Ürün Kodu", "Ürün Adı", "Adet", "Birim Fiyat", "Şehir"],
           ["001", "S1", "12.01.2026", "P1", "Güneş Kremi", "2", "12,50", "İzmir"],
           ["002", "S2", "13.01.2026", "P2", "Dudak Kalemi ığüşöçİĞÜŞÖÇ", "1", "7,25", "Şanlıurfa"]]


def _names(cohort: Cohort) -> list[str]:
    return [str(name) for name in cohort.history["product_name"]]


@pytest.mark.parametrize(("encoding", "reported"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1254", "windows-1254"), ("iso-8859-9", "windows-1254"),
    ("utf-16", "utf-16"),
])
def test_turkish_text_in_every_encoding(encoding: str, reported: str) -> None:
    cohort = read_cohort(text_file(TURKISH, delimiter=";", encoding=encoding))

    assert cohort.report.encoding == reported
    assert _names(cohort) == ["Güneş Kremi", "Dudak Kalemi ığüşöçİĞÜŞÖÇ"]
    assert cohort.customers["city"].tolist() == ["İzmir", "Şanlıurfa"]
    assert cohort.customers["customer_id"].tolist() == ["001", "002"]


def test_latin1_text() -> None:
    rows: list[list[Any]] = [["Customer ID", "Date", "Product", "Description", "Amount"],
            ["K1", "2026-01-05", "A", "Crème brûlée à la française", "9.5"],
            ["K2", "2026-01-06", "B", "Größe Äpfel", "3"]]

    cohort = read_cohort(text_file(rows, encoding="latin-1"))

    assert cohort.report.encoding == "latin-1"
    assert _names(cohort) == ["Crème brûlée à la française", "Größe Äpfel"]


def test_cyrillic_text_in_windows_1251() -> None:
    rows = [["Customer ID", "Date", "Product", "Description", "Amount"],
            ["K1", "2026-01-05", "A", "Крем для лица", "9.5"], ["K2", "2026-01-06", "B", "Санкт-Петербург", "3"]]

    cohort = read_cohort(text_file(rows, encoding="cp1251"))

    assert cohort.report.encoding == "windows-1251"
    assert _names(cohort) == ["Крем для лица", "Санкт-Петербург"]


@pytest.mark.parametrize("names", [["Çörek", "Üzüm"], ["Söğüt Şeker", "Kırmızı Çanta"], ["Ayakkabı ığüşöç", "Süt"]])
def test_short_turkish_text_in_windows_1254_is_not_taken_for_another_script(names: list[str]) -> None:
    rows = [["customer_id", "order_date", "product_name", "amount"]]
    rows += [[f"00{i}", "2026-01-05", name, "10"] for i, name in enumerate(names)]

    cohort = read_cohort(text_file(rows, encoding="cp1254"))

    assert cohort.report.encoding in ("windows-1254", "latin-1")  # the same letters when no ğ, ı, ş, İ, Ğ or Ş
    assert sorted(_names(cohort)) == sorted(names)


@pytest.mark.parametrize(("encoding", "reported", "text"), [
    ("cp1251", "windows-1251", "Крем для лица"), ("cp1253", "windows-1253", "Κρέμα προσώπου"),
    ("cp1256", "windows-1256", "كريم للوجه"),
])
def test_other_scripts_keep_their_code_pages(encoding: str, reported: str, text: str) -> None:
    rows = [["customer_id", "order_date", "product_name", "amount"], ["1", "2026-01-05", text, "10"],
            ["2", "2026-01-06", f"{text} 2", "5"]]

    cohort = read_cohort(text_file(rows, encoding=encoding))

    assert cohort.report.encoding == reported
    assert _names(cohort) == [text, f"{text} 2"]


def test_utf8_sample_with_a_later_windows_1254_byte_is_read_as_windows_1254() -> None:
    head = text_file([["customer_id", "date", "product_id", "amount"]] +
                     [[f"C{i}", "2026-01-05", "P", "1"] for i in range(40_000)])
    tail = "CŞ,2026-01-05,P,1\n".encode("cp1254")

    cohort = read_cohort(head + tail)

    assert cohort.report.encoding == "windows-1254"
    assert cohort.customers["customer_id"].iloc[-1] == "CŞ"


@pytest.mark.parametrize(("newline", "note"), [
    ("\n", False), ("\r\n", False), ("\r", True),
])
def test_every_line_ending(newline: str, note: bool) -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["1", "2026-01-05", "P", "1,5"],
                             ["2", "2026-01-06", "P", "3"]]

    cohort = read_cohort(text_file(rows, delimiter=";", encoding="cp1254", newline=newline))

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (2, 2)
    assert cohort.history["total_spent"].tolist() == [1.5, 3.0]
    assert ("lines end in a carriage return alone (old Mac): read as lines" in cohort.report.notes) is note


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_lines_ending_in_a_carriage_return_with_a_line_break_inside_a_cell(encoding: str) -> None:
    # Excel for Mac's "CSV (Macintosh)": rows end in CR; Alt+Enter in a cell is a line feed inside quotes.
    data = ('customer_id;order_date;product_name;amount\r1;12.01.2026;"Kazak\nMavi";5,00\r'
            "2;13.01.2026;B;7,50\r3;13.01.2026;B;7,50\r").encode(encoding)

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (3, 3)
    assert cohort.history[["customer_id", "product_name", "total_spent"]].values.tolist() == [
        ["1", "Kazak\nMavi", 5.0], ["2", "B", 7.5], ["3", "B", 7.5]]
    assert "lines end in a carriage return alone (old Mac): read as lines" in cohort.report.notes


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_delimiter(delimiter: str) -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["A", "2026-01-05", "P,1", "1,5"],
            ["B", "2026-01-06", "P2", "2,25"]]

    cohort = read_cohort(text_file(rows, delimiter=delimiter))

    assert cohort.report.delimiter == delimiter
    assert cohort.history["product_id"].tolist() == ["P,1", "P2"]
    assert cohort.history["total_spent"].tolist() == [1.5, 2.25]
    assert cohort.report.decimal_mark == ","


@pytest.mark.parametrize(("prices", "mark", "expected"), [
    (["1.234,50", "12,5", "7"], ",", [1234.5, 12.5, 7.0]),
    (["1,234.50", "12.5", "7"], ".", [1234.5, 12.5, 7.0]),
    (["₺1.234,50", "12,50 TL", "(3,00)"], ",", [1234.5, 12.5, -3.0]),
    (["1 234,50", "12,5", "7"], ",", [1234.5, 12.5, 7.0]),
])
def test_decimal_marks_and_thousands_separators(prices: list[str], mark: str, expected: list[float]) -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"]] + \
        [[f"C{i}", "2026-01-05", "P", price] for i, price in enumerate(prices)]

    cohort = read_cohort(text_file(rows, delimiter=";"), exclude_products=())

    assert cohort.report.decimal_mark == mark
    spent = dict(zip(cohort.history["customer_id"], cohort.history["total_spent"], strict=True))
    wanted = dict(zip([f"C{i}" for i in range(len(prices))], expected, strict=True))
    assert {k: v for k, v in wanted.items() if v > 0} == spent
    assert counts(cohort) == ({"return_without_purchase": 1} if min(expected) < 0 else {})


@pytest.mark.parametrize(("delimiter", "amount", "mark", "spent", "warned"), [
    (";", "1.250", ",", 1250.0, "(1.250 read as thousands, as ; separated files write numbers)"),
    (",", "1.250", ".", 1.25, "(1.250 read as decimals)"),
    (";", "1.234.567", ",", 1234567.0, None),
    (";", "0.250", ".", 0.25, None),  # a leading 0 is no thousands group
    (";", "1.5e3", ".", 1500.0, None),
    (",", "1,234,567", ".", 1234567.0, None),
])
def test_thousands_without_decimals(delimiter: str, amount: str, mark: str, spent: float, warned: str | None) -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["1", "05.01.2026", "P", amount],
                             ["2", "13.01.2026", "P", "350"]]

    cohort = read_cohort(text_file(rows, delimiter=delimiter))

    assert cohort.report.decimal_mark == mark
    assert cohort.history["total_spent"].tolist() == [spent, 350.0]
    undecided = [w for w in cohort.report.warnings if w.startswith("no number tells which decimal mark")]
    assert [w.endswith(warned or "") for w in undecided] == ([True] if warned else [])


@pytest.mark.parametrize("junk", ["abc12", "12abc", "=5", "@SUM(A1:A2)", "1/2", "1:2", "#1", "1 2", "1,2,3", "12,5",
                                  "5 adet", "12%", "-2+3"])
def test_text_in_a_number_cell_is_rejected_never_read_as_its_digits(junk: str) -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "quantity", "amount"],
                             ["A", "2026-01-05", "P1", "1", "1,234.50"],
                             ["A", "2026-01-06", "P2", "1", junk],
                             ["A", "2026-01-07", "P3", junk, "4.00"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"bad_amount": 1, "bad_quantity": 1}
    rejected = cohort.report.rejected_by_reason
    assert (rejected["bad_amount"].rows, rejected["bad_quantity"].rows) == ([2], [3])
    assert (rejected["bad_amount"].examples[0]["amount"], rejected["bad_quantity"].examples[0]["quantity"]) == \
        (junk, junk)
    assert cohort.history["product_id"].tolist() == ["P1"]
    assert cohort.history["total_spent"].tolist() == [1234.5]


@pytest.mark.parametrize("junk", ["abc12", "=5"])
def test_text_in_an_amount_cell_beside_a_unit_price_is_rejected_not_replaced_by_quantity_times_price(
        junk: str) -> None:
    rows: list[list[Any]] = [["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price",
                              "amount"],
                             ["C1", "1", "2025-06-01", "P1", "2", "10.00", junk],
                             ["C1", "2", "2025-07-01", "P1", "2", "10.00", "15.00"],
                             ["C1", "3", "2025-08-01", "P1", "3", "10.00", ""]]  # no amount: 3 × 10.00

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"bad_amount": 1}
    assert cohort.report.rejected_by_reason["bad_amount"].rows == [1]
    assert cohort.history["total_spent"].tolist() == [45.0]


def test_a_typed_amount_that_is_no_number_beside_a_unit_price_is_rejected() -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"customer_id": ["C1", "C1"], "order_date": [date(2025, 6, 1), date(2025, 7, 1)],
                             "product_id": ["P1", "P1"], "quantity": [2, 2], "unit_price": [10.0, 10.0],
                             "amount": [True, False]}), buffer)

    cohort = read_cohort(buffer.getvalue())

    assert counts(cohort) == {"bad_amount": 2}


@pytest.mark.parametrize(("cell", "mark", "expected"), [
    ("₺-12,50", ",", -12.5), ("-₺12,50", ",", -12.5), ("(1.234,50 TL)", ",", -1234.5), ("12,50- TL", ",", -12.5),
    ("1\u00a0234,50", ",", 1234.5), ("\u22124,5", ",", -4.5), ("USD 1.000", ",", 1000.0),
    ("$1,000", ".", 1000.0), ("1'234.5", ".", 1234.5), ("1 000.5", ".", 1000.5), ("+5", ".", 5.0), ("1e3", ".", 1000.0),
])
def test_currency_signs_groups_and_negative_forms(cell: str, mark: str, expected: float) -> None:
    purchase = "5000,5" if mark == "," else "5000.5"  # also decides the file's decimal mark
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"],
                             ["A", "2026-01-05", "P1", purchase], ["A", "2026-01-06", "P1", cell]]

    cohort = read_cohort(text_file(rows, delimiter=";"), exclude_products=())

    assert cohort.report.decimal_mark == mark
    assert counts(cohort) == {}
    assert cohort.history["total_spent"].tolist() == [5000.5 + expected]


def test_amounts_written_with_their_currency_after_them_decide_the_decimal_mark() -> None:
    # LibreOffice Calc's CSV export (;-separated, en-US locale) writes currency cells as shown: "12.50 ₺".
    rows: list[list[Any]] = [["Müşteri No", "Tarih", "Ürün Kodu", "Birim Fiyat", "Tutar"],
                             ["00123", "05.01.2026", "U01", "12.50 ₺", "25.00 TL"],
                             ["00456", "07.01.2026", "U02", "45.90 ₺", "1,091.80 TL"]]

    cohort = read_cohort(text_file(rows, delimiter=";"), exclude_products=())

    assert cohort.report.decimal_mark == "."
    assert counts(cohort) == {}
    assert cohort.history["total_spent"].tolist() == [25.0, 1091.8]


@pytest.mark.parametrize(("dates", "order", "expected"), [
    (["2026-01-05", "2026-01-20T10:30:00", "20260201"], "YMD", ["2026-01-05", "2026-01-20", "2026-02-01"]),
    (["05.01.2026", "20.01.2026 10:30", "01.02.2026"], "DMY", ["2026-01-05", "2026-01-20", "2026-02-01"]),
    (["05/01/2026", "20/01/2026", "1/2/2026 8:26"], "DMY", ["2026-01-05", "2026-01-20", "2026-02-01"]),
    (["01/05/2026", "01/20/2026 10:30 AM", "2/1/2026"], "MDY", ["2026-01-05", "2026-01-20", "2026-02-01"]),
    (["46027", "46042.4375", "46054"], None, ["2026-01-05", "2026-01-20", "2026-02-01"]),
    (["Jan 5, 2026 10:15:33 AM", "Jan 20, 2026 1:05:00 PM", "Feb 1, 2026 9:00:00 AM"], None,  # Magento
     ["2026-01-05", "2026-01-20", "2026-02-01"]),
    (["5 Ocak 2026 Pazartesi", "20-OCA-26", "1 Şubat 2026 Pazar"], None, ["2026-01-05", "2026-01-20", "2026-02-01"]),
    (["5 Ocak 2026", "20/01/2026", "1.2.2026"], "DMY", ["2026-01-05", "2026-01-20", "2026-02-01"]),
])
def test_date_forms_and_the_day_month_order(dates: list[str], order: str | None, expected: list[str]) -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"]]
    rows += [["A", day, "P", "10"] for day in dates]

    cohort = read_cohort(text_file(rows))

    assert cohort.report.date_order == order
    line = cohort.history.iloc[0]
    assert (line["first_purchase"].date().isoformat(), line["last_purchase"].date().isoformat()) == \
        (expected[0], expected[-1])
    assert line["order_count"] == 3
    assert counts(cohort) == {}


@pytest.mark.parametrize("container", ["parquet", "xlsx"])
def test_dates_in_number_cells_as_yyyymmdd_or_excel_serials(container: str) -> None:
    frame = pd.DataFrame({"customer_id": ["001", "002", "003"], "order_date": [20260105, 20260231, 46030],
                          "product_id": ["P", "P", "P"], "amount": [10.0, 5.0, 7.0]})
    if container == "parquet":
        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
        data = buffer.getvalue()
    else:
        data = xlsx_bytes(frame)

    cohort = read_cohort(data)

    assert counts(cohort) == {"bad_date": 1}  # 31 February
    assert cohort.report.rejected_by_reason["bad_date"].rows == [2]
    assert [day.date().isoformat() for day in cohort.history["last_purchase"]] == ["2026-01-05", "2026-01-08"]
    assert "order_date ('order_date'): dates written as numbers YYYYMMDD" in cohort.report.notes


def test_a_text_date_among_excel_serials_is_read_too() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"]]
    rows += [[str(i), "46030", "P", "1"] for i in range(20)] + [["99", "2026-01-05", "P", "1"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {}
    assert cohort.history["last_purchase"].dt.date.astype(str).tolist() == ["2026-01-08"] * 20 + ["2026-01-05"]


def test_ambiguous_day_month_order_is_day_first_with_a_warning_and_can_be_forced() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["A", "03/04/2025", "P", "1"]]

    assumed = read_cohort(text_file(rows))
    forced = read_cohort(text_file(rows), date_order="MDY")

    assert assumed.history["last_purchase"].iloc[0].date() == date(2025, 4, 3)
    assert assumed.report.warnings == [
        "order_date ('order_date'): no date tells whether it is day or month first (no number above 12); read as "
        "DMY (the Turkish and European convention)"]
    assert forced.history["last_purchase"].iloc[0].date() == date(2025, 3, 4)
    assert forced.report.date_order == "MDY"


def test_the_day_month_order_is_shown_with_a_date_that_exists() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["A", "31.02.2026", "P", "1"],
                             ["B", "30.01.2026", "P", "1"], ["C", "13/31/2026", "P", "1"],
                             ["D", "02/29/2025", "P", "1"], ["E", "12/30/2025", "P", "1"]]

    day_first = read_cohort(text_file(rows[:3]))
    both = read_cohort(text_file(rows))

    assert "order_date ('order_date'): day first (DD/MM/YYYY), as in '30.01.2026'" in day_first.report.notes
    assert both.report.warnings[0] == (
        "order_date ('order_date'): some dates are day first ('30.01.2026') and some month first ('12/30/2025'); "
        "read them as DMY, so dates that only fit the other order are rejected as bad_date")


def test_iso_order_dates_say_nothing_about_the_day_month_order_of_signup_dates() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount", "Kayıt Tarihi"],
                             ["C1", "2026-01-05", "P", "5", "03.04.2024"], ["C2", "2026-01-06", "P", "5", "05.01.2024"]]
    signups = text_file([["customer_id", "Kayıt Tarihi"], ["C1", "03.04.2024"], ["C2", "05.01.2024"]])

    in_main = read_cohort(text_file(rows))
    in_customers_file = read_cohort(text_file([row[:4] for row in rows]), customers=signups)

    for cohort in (in_main, in_customers_file):
        assert cohort.customers["registered_at"].dt.date.astype(str).tolist() == ["2024-04-03", "2024-01-05"]
    assert in_main.report.date_order == "YMD"
    assert in_main.report.warnings == [
        "registered_at ('Kayıt Tarihi'): no date tells whether it is day or month first (no number above 12); read "
        "as DMY (the Turkish and European convention)"]
    assert in_customers_file.report.customers_file is not None
    assert in_customers_file.report.customers_file.date_order == "DMY"


def test_iso_last_purchases_say_nothing_about_the_day_month_order_of_first_purchases() -> None:
    rows: list[list[Any]] = [["customer_id", "product_id", "totalQuantity", "totalSpent", "orderCount",
                              "firstPurchase", "lastPurchase"],
                             ["C1", "P1", "2", "10", "2", "03.04.2024", "2025-06-10"],
                             ["C2", "P1", "2", "10", "2", "05.01.2024", "2025-06-11"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.history["first_purchase"].dt.date.astype(str).tolist() == ["2024-04-03", "2024-01-05"]


def test_a_forced_date_order_is_also_the_order_of_signup_dates() -> None:
    orders = pd.DataFrame({"customer_id": ["C1", "C2"], "order_date": [date(2026, 1, 5), date(2026, 1, 6)],
                           "product_id": ["P", "P"], "amount": [5.0, 5.0], "Signup Date": ["03/04/2024", "05/01/2024"]})
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(orders, preserve_index=False), buffer)
    signups = text_file([["customer_id", "Signup Date"], ["C1", "03/04/2024"], ["C2", "13/01/2024"]])

    in_main = read_cohort(buffer.getvalue(), date_order="MDY")
    in_customers_file = read_cohort(buffer.getvalue(), customers=signups, date_order="MDY")

    assert in_main.customers["registered_at"].dt.date.astype(str).tolist() == ["2024-03-04", "2024-05-01"]
    assert not [w for w in in_main.report.warnings if "day or month first" in w]
    # 13/01 is no month-first date: forced, it is unknown (the main file's signup stays), not read day first.
    assert in_customers_file.customers["registered_at"].dt.date.astype(str).tolist() == ["2024-03-04",
                                                                                        "2024-05-01"]
    assert in_customers_file.report.customers_file is not None
    assert in_customers_file.report.customers_file.date_order == "MDY"


def test_times_on_rows_the_sample_does_not_show_are_cut_too() -> None:
    header = ["customer_id", "order_date", "product_id", "amount"]
    second_half = [header] + [[f"C{i}", "03.01.2025" + (" 14:05" if i >= 5000 else ""), "P", "5"]
                              for i in range(10_000)]
    one_row = [header] + [[f"C{i}", "03.01.2025" + (" 14:05" if i == 1 else ""), "P", "5"] for i in range(5000)]
    # Every value is 14 characters long, but the date ends at another place on row 2.
    other_width = [header] + [[f"C{i}", "12/3/2025 1:05" if i == 1 else "4/3/2025 14:05", "P", "5"]
                              for i in range(5000)]

    for rows in (second_half, one_row):
        cohort = read_cohort(text_file(rows))
        assert counts(cohort) == {}
        assert set(cohort.history["last_purchase"].dt.date.astype(str)) == {"2025-01-03"}
    cohort = read_cohort(text_file(other_width), date_order="MDY")
    assert counts(cohort) == {}
    assert cohort.history["last_purchase"].dt.date.astype(str).tolist()[:3] == ["2025-04-03", "2025-12-03",
                                                                               "2025-04-03"]


def test_purchases_after_today_are_rejected_and_the_rest_of_the_cohort_segments() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["C1", "13.01.2025", "P1", "5"],
                             ["C1", "03.04.2052", "P1", "5"], ["C2", "14.01.2025", "P1", "5"],
                             [None, "03.04.2052", "P1", "5"]]
    history_rows: list[list[Any]] = [["customer_id", "product_id", "totalQuantity", "totalSpent", "orderCount",
                                      "lastPurchase"], ["C1", "P1", "1", "5", "1", "2025-01-13"],
                                     ["C2", "P1", "1", "5", "1", "2052-04-03"]]

    orders = read_cohort(text_file(rows))
    histories = read_cohort(text_file(history_rows))

    assert counts(orders) == {"future_date": 1, "missing_customer_id": 1}  # the first reason that applies
    assert orders.report.rejected_by_reason["future_date"].rows == [2]
    assert orders.history["last_purchase"].dt.date.astype(str).tolist() == ["2025-01-13", "2025-01-14"]
    assert counts(histories) == {"future_date": 1}
    assert histories.history["customer_id"].tolist() == ["C1"]
    for cohort in (orders, histories):
        assert len(segment_cohort(cohort)) == len(cohort.customers)  # as of today: nothing is after it


def test_a_purchase_dated_tomorrow_in_utc_is_kept_as_a_shop_east_of_utc_dates_it() -> None:
    today = today_utc()
    tomorrow, after = today + timedelta(days=1), today + timedelta(days=2)
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"],
                             ["C1", f"{tomorrow.isoformat()}T01:00:00+03:00", "P1", "5"],
                             ["C2", after.isoformat(), "P1", "5"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"future_date": 1}
    assert cohort.report.rejected_by_reason["future_date"].rows == [2]
    assert cohort.history["last_purchase"].dt.date.tolist() == [tomorrow]
    assert len(segment_cohort(cohort, tomorrow)) == 1


def test_seed_customers_with_a_purchase_after_today_are_rejected_and_late_signups_left_unknown() -> None:
    def customer(customer_id: str, last: str, registered: str) -> dict[str, Any]:
        return {"customerId": customer_id, "registeredAt": registered, "productHistory": [
            {"productId": "P1", "totalQuantity": 1, "totalSpent": 5.0, "orderCount": 1, "lastPurchase": last}]}
    records = [customer("C1", "2025-01-13", "2024-01-01"), customer("C2", "2052-04-03", "2024-01-01"),
               customer("C3", "2025-01-13", "2099-01-01")]

    cohort = read_cohort(json.dumps(records).encode())

    assert counts(cohort) == {"future_date": 1}
    assert cohort.rejected["problems"].tolist() == [
        f"productHistory.0.lastPurchase: 2052-04-03 is in the future (read on {today_utc().isoformat()}, UTC)"]
    assert cohort.customers["customer_id"].tolist() == ["C1", "C3"]
    assert cohort.customers["registered_at"].isna().tolist() == [False, True]
    assert "registeredAt: 1 value(s) are in the future (e.g. 2099-01-01) and are left unknown" in \
        cohort.report.warnings
    assert len(segment_cohort(cohort)) == 2


def test_unreadable_dates_are_rejected_not_guessed() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["A", "2026-01-05", "P", "1"],
            ["A", "31.02.2026", "P", "1"], ["A", "someday", "P", "1"], ["A", None, "P", "1"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"bad_date": 3}
    assert cohort.report.rejected_by_reason["bad_date"].rows == [2, 3, 4]


def test_ids_keep_their_leading_zeros_and_float_written_ids_are_repaired() -> None:
    zeros = [["CustomerID", "InvoiceDate", "StockCode", "Amount"], ["00123", "2026-01-05", "007", "1"],
             ["123", "2026-01-05", "7", "1"]]
    floats = [["CustomerID", "InvoiceDate", "StockCode", "Amount"], ["17850.0", "2026-01-05", "85123A", "1"],
              ["13047.0", "2026-01-05", "71053", "1"]]

    with_zeros = read_cohort(text_file(zeros))
    with_floats = read_cohort(text_file(floats))

    assert with_zeros.customers["customer_id"].tolist() == ["00123", "123"]
    assert with_zeros.history["product_id"].tolist() == ["007", "7"]
    assert with_floats.customers["customer_id"].tolist() == ["17850", "13047"]
    assert "customer_id: ids written as 17850.0 were read as 17850" in with_floats.report.notes


RETURNS_HEADER = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]


def test_returns_and_cancellations_are_netted_against_the_purchases() -> None:
    rows: list[list[Any]] = [RETURNS_HEADER,
            ["536365", "P1", "5", "2026-01-05", "10", "A"],
            ["536366", "P1", "1", "2026-01-20", "10", "A"],
            ["C536367", "P1", "-2", "2026-01-22", "10", "A"],  # cancellation invoice, negative quantity
            ["C536368", "P1", "1", "2026-01-23", "10", "A"],  # cancellation invoice written with a positive one
            ["536369", "P2", "1", "2026-01-25", "10", "A"],
            ["536370", "P3", "-1", "2026-01-26", "10", "A"]]  # returns something never bought here

    cohort = read_cohort(text_file(rows))

    assert cohort.history[["product_id", "total_quantity", "total_spent", "order_count"]].to_dict("records") == [
        {"product_id": "P1", "total_quantity": 3, "total_spent": 30.0, "order_count": 2},
        {"product_id": "P2", "total_quantity": 1, "total_spent": 10.0, "order_count": 1}]
    assert cohort.history["last_purchase"].dt.date.tolist() == [date(2026, 1, 20), date(2026, 1, 25)]
    assert cohort.customers["total_orders"].tolist() == [3]
    assert counts(cohort) == {"return_without_purchase": 1}
    assert "order ids like C536379 (C before a number) are cancellations of earlier purchases" in \
        cohort.report.notes
    analysis = analyze_customer(cohort.customer_data("A"), AS_OF)
    assert (analysis.order_count, analysis.total_spent) == (3, 40.0)


@pytest.mark.parametrize(("order_ids", "cancelled"), [
    (["536365", "C536379"], True),  # half the rows: a purchase and its cancellation
    (["C536365", "C536379", "536380"], False),  # most rows: C is how the shop numbers its orders
])
def test_c_order_ids_are_cancellations_unless_most_rows_have_them(order_ids: list[str], cancelled: bool) -> None:
    rows: list[list[Any]] = [RETURNS_HEADER] + [[order, "P1", "2", f"2025-12-0{day + 1}", "5", "A"]
                                                for day, order in enumerate(order_ids)]

    cohort = read_cohort(text_file(rows))

    bought = len(order_ids) - 1 if cancelled else len(order_ids)
    assert cohort.history[["total_quantity", "total_spent", "order_count"]].to_dict("records") == [
        {"total_quantity": 2 * bought - 2 * cancelled, "total_spent": 10.0 * bought - 10.0 * cancelled,
         "order_count": bought}]
    note = ("order ids like C536379 (C before a number) are cancellations of earlier purchases" if cancelled else
            "order ids like C536379 (C before a number) are on most rows: read as ordinary orders, not cancellations")
    assert note in cohort.report.notes


def test_more_returned_than_bought_nets_to_zero_with_a_warning() -> None:
    rows: list[list[Any]] = [RETURNS_HEADER, ["1", "P1", "1", "2026-01-05", "10", "A"],
                             ["2", "P1", "-3", "2026-01-06", "10", "A"],
                             # more units back than bought, for less money; fewer units back, for more money
                             ["3", "P2", "5", "2026-01-05", "10", "B"], ["4", "P2", "-6", "2026-01-10", "5", "B"],
                             ["5", "P3", "2", "2026-01-05", "5", "C"], ["6", "P3", "-1", "2026-01-10", "15", "C"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.history[["total_quantity", "total_spent", "order_count"]].to_dict("records") == [
        {"total_quantity": 0, "total_spent": 0.0, "order_count": 1}] * 3
    assert cohort.report.warnings == [
        "3 customer × product line(s) have more returned than bought in this file (the purchases are probably "
        "older than the export); their totals are 0"]


def test_status_column_cancelled_lines_and_returned_lines() -> None:
    rows: list[list[Any]] = [["Müşteri No", "Sipariş No", "Tarih", "Ürün Kodu", "Adet", "Tutar", "Durum"],
            ["A", "1", "05.01.2026", "P1", "2", "20,00", "Tamamlandı"],
            ["A", "2", "06.01.2026", "P1", "1", "10,00", "İptal Edildi"],  # the order never happened
            ["A", "3", "07.01.2026", "P1", "-1", "-10,00", "İade"],  # a return of an earlier purchase
            ["A", "4", "08.01.2026", "P2", "1", "5,00", "Cancelled"]]

    cohort = read_cohort(text_file(rows, delimiter=";"))

    assert cohort.history[["product_id", "total_quantity", "total_spent", "order_count"]].to_dict("records") == [
        {"product_id": "P1", "total_quantity": 1, "total_spent": 10.0, "order_count": 1}]
    assert counts(cohort) == {"cancelled_order": 2}
    assert cohort.report.rejected_by_reason["cancelled_order"].rows == [2, 4]


@pytest.mark.parametrize(("status", "cancelled"), [
    ("İptal Edildi", True), ("İADE", True), ("Kısmi İade", False), ("Returned", True), ("Canceled by customer", True),
    ("Refunded", True), ("Failed - Cancelled", True), ("Tamamlandı", False), ("İadesiz Satış", False),
    ("İade Talebi Reddedildi", False),
    ("Refund declined", False), ("Non-returnable", False), ("Teslim Edildi", False),
    ("İade Edilmedi", False), ("Not returned", False), ("İade Talebi", False), ("Return requested", False),
    ("Refund pending", False), ("İADE BEKLİYOR", False), ("İade Talebi Onaylandı", True),
    ("Return request approved", True), ("Refund completed", True), ("İade edilmemiştir", False),
    ("İade edilmiyor", False),
    # words elsewhere in the status neither negate nor make a request of the cancellation
    ("Cancelled - no stock", True), ("Cancelled (not shipped)", True), ("Order cancelled at customer request", True),
    ("Müşteri talebiyle iptal edildi", True), ("İptal (müşteri talebi)", True), ("Cancelled, refund pending", True),
    ("İptal Edildi - İade Bekleniyor", True), ("Returned - item not as described", True), ("İade No: 4512", True),
])
def test_a_status_cancels_a_positive_line_only_when_it_says_so(status: str, cancelled: bool) -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount", "status"],
                             ["A", "2026-01-05", "P1", "10", "Tamamlandı"], ["A", "2026-01-06", "P2", "5", status]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == ({"cancelled_order": 1} if cancelled else {})
    assert cohort.history["product_id"].tolist() == (["P1"] if cancelled else ["P1", "P2"])


def test_a_partly_returned_purchase_is_kept_and_its_return_line_netted() -> None:
    rows: list[list[Any]] = [["Müşteri No", "Sipariş No", "Tarih", "Ürün Kodu", "Adet", "Tutar", "Durum"],
                             ["A", "1", "05.01.2026", "P1", "3", "30,00", "Kısmi İade"],
                             ["A", "R1", "09.01.2026", "P1", "-1", "-10,00", "Kısmi İade"],
                             ["A", "2", "06.01.2026", "P2", "2", "8,00", "Partially returned"]]

    cohort = read_cohort(text_file(rows, delimiter=";"))

    assert cohort.history[["product_id", "total_quantity", "total_spent", "order_count", "last_purchase"]].to_dict(
        "records") == [
        {"product_id": "P1", "total_quantity": 2, "total_spent": 20.0, "order_count": 1,
         "last_purchase": pd.Timestamp("2026-01-05")},
        {"product_id": "P2", "total_quantity": 2, "total_spent": 8.0, "order_count": 1,
         "last_purchase": pd.Timestamp("2026-01-06")}]
    assert counts(cohort) == {}
    assert cohort.report.notes[-1] == (
        "statuses that say partly returned ('Kısmi İade', 'Partially returned') are no cancellation: such a line is "
        "the purchase (or, with negative numbers, the return) its numbers say; the part returned is netted where "
        "the file has its return line")


def test_rows_without_customer_id_are_rejected_and_counted() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], ["A", "2026-01-05", "P", "1"],
            [None, "2026-01-05", "P", "1"], ["  ", "2026-01-06", "P", "2"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"missing_customer_id": 2}
    assert cohort.report.rejected_by_reason["missing_customer_id"].rows == [2, 3]
    assert cohort.customers["customer_id"].tolist() == ["A"]


NON_PRODUCT = [["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"],
               ["1", "P1", "Krem", "1", "2026-01-05", "10", "A"],
               ["1", "POST", "POSTAGE", "1", "2026-01-05", "18", "A"],
               ["1", "X9", "Kargo Ücreti", "1", "2026-01-05", "5", "A"],
               ["1", "M", "Manual", "1", "2026-01-05", "-3", "A"],
               ["1", "BANK CHARGES", "Bank Charges", "1", "2026-01-05", "15", "A"],
               ["1", "GIFT", "Hediye", "1", "2026-01-05", "0", "A"]]


def test_non_product_lines_and_zero_price_lines_are_rejected_with_their_reason() -> None:
    cohort = read_cohort(text_file(NON_PRODUCT))

    assert cohort.history["product_id"].tolist() == ["P1"]
    assert counts(cohort) == {"non_product_line": 4, "zero_price": 1}
    assert cohort.report.rejected_by_reason["non_product_line"].rows == [2, 3, 4, 5]


def test_the_non_product_list_is_configurable() -> None:
    keep_all = read_cohort(text_file(NON_PRODUCT), exclude_products=())
    custom = read_cohort(text_file(NON_PRODUCT), exclude_products=DEFAULT_NON_PRODUCT_CODES | {"p1"})

    assert keep_all.history["product_id"].tolist() == ["P1", "POST", "X9", "BANK CHARGES"]
    assert counts(keep_all) == {"zero_price": 1, "return_without_purchase": 1}
    assert custom.history.empty
    assert counts(custom) == {"non_product_line": 5, "zero_price": 1}


def test_exact_duplicate_rows_are_rejected_but_repeated_products_are_not() -> None:
    rows: list[list[Any]] = [["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Line"],
            ["1", "P1", "1", "2026-01-05", "10", "A", "1"],
            ["1", "P1", "1", "2026-01-05", "10", "A", "1"],  # an exact copy
            ["1", "P1", "1", "2026-01-05", "10", "A", "2"],  # the same product again, another line of the order
            ["2", "P1", "1", "2026-01-05", "10", "A", "1"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"duplicate_row": 1}
    assert cohort.report.rejected_by_reason["duplicate_row"].rows == [2]
    assert cohort.history[["total_quantity", "order_count"]].to_dict("records") == [
        {"total_quantity": 3, "order_count": 2}]


def test_customers_without_age_gender_or_signup_are_unknown_and_the_engine_says_so() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount", "age", "gender", "registered_at"],
            ["A", "2026-01-05", "P", "10", None, None, None], ["B", "2026-01-05", "P", "10", "abc", "F", "x"]]

    cohort = read_cohort(text_file(rows))

    pd_customers = customers([{"customer_id": "A", "total_orders": 1},
                              {"customer_id": "B", "gender": "F", "total_orders": 1}])
    assert cohort.customers.equals(pd_customers)
    assert cohort.report.warnings == [
        "age: 1 value(s) are not a whole number of years from 0 to 120 and are left unknown",
        "registered_at: 1 value(s) are not dates and are left unknown"]
    analysis = analyze_customer(cohort.customer_data("A"), AS_OF)
    assert (analysis.age_segment, analysis.reasons["ageSegment"].basis) == (None, "unknown")
    assert analysis.warnings == (
        "region unresolved or without a median basket (no region object, region name or known city): "
        "no median for valueSegment",
        "registeredAt is missing: membership counted from the first purchase 2026-01-05")


def test_a_region_outside_the_reference_table_is_kept_as_given() -> None:
    rows: list[list[Any]] = [["CustomerID", "InvoiceDate", "StockCode", "Amount", "Country"],
            ["A", "2026-01-05", "P", "10", "United Kingdom"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.customers["region"].tolist() == ["United Kingdom"]
    data = cohort.customer_data("A", region_medians={"United Kingdom": 8.0})
    analysis = analyze_customer(data, AS_OF)
    assert (analysis.value_segment, analysis.median_basket_source) == ("HighValue", "cohort")


def test_conflicting_attributes_take_the_most_frequent_then_the_last_and_warn() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount", "age", "city"],
            ["A", "2026-01-05", "P1", "10", "30", "Bursa"], ["A", "2026-01-06", "P2", "10", "31", "İzmir"],
            ["A", "2026-01-07", "P3", "10", "31", "Bursa"], ["B", "2026-01-07", "P3", "10", "40", "Ankara"],
            ["B", "2026-01-08", "P3", "10", "41", "Ankara"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.customers[["customer_id", "age", "city"]].astype(object).to_dict("records") == [
        {"customer_id": "A", "age": 31, "city": "Bursa"}, {"customer_id": "B", "age": 41, "city": "Ankara"}]
    assert cohort.report.warnings == [
        "city: 1 customer(s) have more than one value; used the most frequent (on a tie, the last in the file), "
        "e.g. customer A: 'Bursa' over 'İzmir'",
        "age: 2 customer(s) have more than one value; used the most frequent (on a tie, the last in the file), "
        "e.g. customer A: 31 over 30"]


@pytest.mark.parametrize("above", ["Rapor Tarihi;12.02.2026;;\n", "Satış Raporu;Ocak;2026;Şube 4\n\n",
                                   "Şube;Kadıköy;Kasa;3\nTarih aralığı;01.01.2026;31.01.2026;\n"])
def test_lines_above_the_header_with_filled_cells(above: str) -> None:
    data = (above + "Müşteri No;Tarih;Ürün Kodu;Tutar\nA;05.01.2026;P;10\nB;06.01.2026;P;5\n").encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_rejected) == (2, 0)
    assert cohort.report.notes[0] == f"skipped {above.count(chr(10))} line(s) above the header"
    assert cohort.history["total_spent"].tolist() == [10.0, 5.0]


def test_a_report_line_above_the_header_of_a_sheet() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [["Rapor Tarihi", "12.02.2026"], ["customer_id", "order_date", "product_id", "amount"],
                ["A", "05.01.2026", "P", 10]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    cohort = read_cohort(buffer.getvalue())

    assert cohort.report.notes[0] == "skipped 1 row(s) above the header"
    assert cohort.history["total_spent"].tolist() == [10.0]


def test_title_lines_above_the_header_and_rows_with_the_wrong_number_of_fields() -> None:
    data = ("Sipariş Raporu;;;\n;;;\nMüşteri No;Tarih;Ürün Kodu;Tutar\nA;05.01.2026;P;10\nA;06.01.2026;P;10;extra\n"
            "B;07.01.2026;P;5;x;y\nB;08.01.2026;P;5\n").encode()

    cohort = read_cohort(data)

    assert cohort.report.rows_read == 4
    assert counts(cohort) == {"malformed_row": 2}
    assert cohort.report.rejected_by_reason["malformed_row"].model_dump() == {
        "count": 2, "rows": [2, 3], "examples": [{"text": "A;06.01.2026;P;10;extra"}, {"text": "B;07.01.2026;P;5;x;y"}],
        "description": "the row cannot be read: a different number of fields than the header, or a JSON line that "
                       "is not a record"}
    assert cohort.report.notes[0] == "skipped 2 line(s) above the header"
    assert cohort.rejected[["row", "reason", "text"]].astype(object).to_dict("records") == [
        {"row": 2, "reason": "malformed_row", "text": "A;06.01.2026;P;10;extra"},
        {"row": 3, "reason": "malformed_row", "text": "B;07.01.2026;P;5;x;y"}]


def test_rows_short_of_empty_trailing_fields_or_past_them_are_read_in_file_order() -> None:
    # An optional last column (Not) left out where it is empty, one row ending in a delimiter, and a ';' file
    # whose decimal commas split the rows as consistently as its semicolons.
    data = ("Müşteri No;Tarih;Ürün Kodu;Adet;Tutar;Not\n1;12.01.2026;A;1;10,50;hediye\n2;12.01.2026;A;1;20,50\n"
            "3;12.01.2026;A;1;30,50\n4;12.01.2026;A;1;40,50;;\n5;12.01.2026;A;1;50,50;\n6;12.01.2026;A;1\n"
            "7;12.01.2026;A;1;70,50;;x\n").encode()

    cohort = read_cohort(data)

    assert cohort.report.delimiter == ";"
    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (7, 5)
    assert cohort.report.rejected_by_reason["bad_amount"].rows == [6]
    assert cohort.report.rejected_by_reason["malformed_row"].rows == [7]
    assert cohort.history[["customer_id", "total_spent"]].values.tolist() == [
        ["1", 10.5], ["2", 20.5], ["3", 30.5], ["4", 40.5], ["5", 50.5]]
    assert "3 row(s) have fewer fields than the header: the fields left out at the end are read as empty" in \
        cohort.report.notes
    assert "1 row(s) end in empty fields the header has no name for: they are ignored" in cohort.report.notes


@pytest.mark.parametrize("header_end", ["", ";"])
def test_a_delimiter_after_the_last_field_of_every_row(header_end: str) -> None:
    data = (f"Müşteri No;Tarih;Ürün Kodu;Adet;Tutar{header_end}\n1001;12.01.2026;A1;2;1.234,50;\n"
            "1002;13.01.2026;B2;1;10,00;\n").encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (2, 2)
    assert cohort.history["total_spent"].tolist() == [1234.5, 10.0]
    assert ("the rows end in a delimiter after their last field: the empty field it makes is ignored" in
            cohort.report.notes) is (header_end == "")


def test_the_files_own_columns_named_like_the_rejected_rows_columns_keep_their_values_apart() -> None:
    data = (b"CustomerID,InvoiceDate,Amount,text,reason\nA,someday,10,a note,late\n"
            b"A,2026-01-05,10,x,y,EXTRA\nB,2026-01-06,5,z,w\n")

    cohort = read_cohort(data)

    assert cohort.rejected.astype(object).where(cohort.rejected.notna(), None).to_dict("records") == [
        {"file": "input", "row": 1, "reason": "bad_date", "text": None, "CustomerID": "A",
         "InvoiceDate": "someday", "Amount": "10", "text (original)": "a note", "reason (original)": "late"},
        {"file": "input", "row": 2, "reason": "malformed_row", "text": "A,2026-01-05,10,x,y,EXTRA",
         "CustomerID": None, "InvoiceDate": None, "Amount": None, "text (original)": None,
         "reason (original)": None}]


def test_a_customer_list_joined_to_orders_keeps_customers_without_orders() -> None:
    rows: list[list[Any]] = [["customer_id", "city", "order_id", "order_date", "product_id", "amount"],
            ["A", "Bursa", "1", "2026-01-05", "P", "10"], ["B", "İzmir", None, None, None, None]]

    cohort = read_cohort(text_file(rows))

    assert cohort.customers[["customer_id", "city"]].to_dict("records") == [
        {"customer_id": "A", "city": "Bursa"}, {"customer_id": "B", "city": "İzmir"}]
    assert (cohort.report.rows_accepted, cohort.report.rows_rejected) == (2, 0)
    assert analyze_customer(cohort.customer_data("B"), AS_OF).mode == "new_customer"


def test_quantities_and_amounts_that_are_not_numbers_are_rejected() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "quantity", "unit_price"],
            ["A", "2026-01-05", "P", "2", "5"], ["A", "2026-01-05", "P", "two", "5"], ["A", "2026-01-06", "P", "1", ""],
            ["A", "2026-01-07", "P", "", "5"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"bad_quantity": 2, "bad_amount": 1}
    assert history([{"customer_id": "A", "product_id": "P", "total_quantity": 2, "total_spent": 10.0,
                     "order_count": 1, "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"}]).equals(
        cohort.history)


@pytest.mark.parametrize("container", ["csv", "parquet"])
def test_numbers_beyond_any_real_order_are_rejected_not_summed_into_the_cohort(container: str) -> None:
    rows: list[list[Any]] = [["customer_id", "order_id", "order_date", "product_id", "quantity", "amount"],
                             ["A", "1", "2026-01-05", "P", 2, 10.0],
                             ["A", "2", "2026-01-06", "P", 9223372036854775807, 1.0],  # "no value" of a database
                             ["A", "3", "2026-01-07", "P", 1, 1e308], ["A", "4", "2026-01-08", "P", 1, 1e308],
                             ["B", "5", "2026-01-08", "P", -1_000_000_000, 5.0], ["B", "6", "2026-01-09", "P", 1, 1e12],
                             ["B", "7", "2026-01-09", "P", 999_999_999, 999_999_999_999.0]]
    if container == "csv":
        data = text_file(rows)
    else:
        buffer = io.BytesIO()
        pq.write_table(pa.table({name: [row[i] for row in rows[1:]] for i, name in enumerate(rows[0])}), buffer)
        data = buffer.getvalue()

    cohort = read_cohort(data)

    assert counts(cohort) == {"bad_quantity": 2, "bad_amount": 3}
    assert cohort.rejected["row"].tolist() == [2, 3, 4, 5, 6]
    assert history([
        {"customer_id": "A", "product_id": "P", "total_quantity": 2, "total_spent": 10.0, "order_count": 1,
         "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"},
        {"customer_id": "B", "product_id": "P", "total_quantity": 999_999_999, "total_spent": 999_999_999_999.0,
         "order_count": 1, "first_purchase": "2026-01-09", "last_purchase": "2026-01-09"}]).equals(cohort.history)
    assert segment_cohort(cohort, date(2026, 2, 12))["totalSpent"].tolist() == [10.0, 999_999_999_999.0]


def test_a_purchase_history_line_beyond_any_real_total_is_rejected() -> None:
    rows: list[list[Any]] = [
        ["customerId", "productId", "totalQuantity", "totalSpent", "orderCount", "lastPurchase"],
        ["A", "P1", "4", "40", "3", "2026-01-21"],
        ["A", "P2", str(2**53), "10", "1", "2026-01-15"],
        ["A", "P3", "1", "1e15", "1", "2026-01-15"],
        ["A", "P4", "1", "10", str(2**53), "2026-01-15"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"bad_quantity": 1, "bad_amount": 1, "bad_order_count": 1}
    assert cohort.history["product_id"].tolist() == ["P1"]


def test_numeric_and_prefixed_ids_are_told_apart_without_losing_their_text() -> None:
    rows: list[list[Any]] = [["CustomerID", "InvoiceNo", "InvoiceDate", "StockCode", "Amount"],
                             ["C0000010", "SO-0002", "2026-01-05", "P-0100", "10"],
                             ["C0000009", "SO-0001", "2026-01-04", "P-0100", "10"],
                             ["C0000010", "SO-0003", "2026-01-09", "P-0100", "10"],
                             ["C0000010", "SO-0003", "2026-01-09", "P-0007", "5"]]

    cohort = read_cohort(text_file(rows))

    # Plain numbered ids are numbered without hashing, so customers come in id order.
    assert cohort.customers[["customer_id", "total_orders"]].astype(object).to_dict("records") == [
        {"customer_id": "C0000009", "total_orders": 1}, {"customer_id": "C0000010", "total_orders": 2}]
    assert cohort.history[["customer_id", "product_id", "order_count"]].to_dict("records") == [
        {"customer_id": "C0000009", "product_id": "P-0100", "order_count": 1},
        {"customer_id": "C0000010", "product_id": "P-0100", "order_count": 2},
        {"customer_id": "C0000010", "product_id": "P-0007", "order_count": 1}]


def test_typed_columns_from_parquet_ids_as_numbers_and_excel_serial_dates() -> None:
    table = pa.table({"CustomerID": pa.array([17850, 13047, 17850], pa.int64()),
                      "InvoiceDate": pa.array([46027.0, 46042.5, 46054.0]),
                      "StockCode": pa.array([85123, 71053, 85123], pa.int64()),
                      "Amount": pa.array([10.0, 20.0, 30.0])})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)

    cohort = read_cohort(buffer.getvalue())

    assert cohort.customers["customer_id"].tolist() == ["17850", "13047"]
    assert cohort.history[["customer_id", "product_id", "total_spent", "order_count"]].to_dict("records") == [
        {"customer_id": "17850", "product_id": "85123", "total_spent": 40.0, "order_count": 2},
        {"customer_id": "13047", "product_id": "71053", "total_spent": 20.0, "order_count": 1}]
    assert cohort.history["last_purchase"].dt.date.tolist() == [date(2026, 2, 1), date(2026, 1, 20)]
    assert "order_date ('InvoiceDate'): Excel serial day numbers" in cohort.report.notes


def _parquet(columns: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


def test_nan_in_float_id_and_number_columns_is_no_value_as_null_is() -> None:
    # Polars, Spark and NumPy keep NaN apart from null (pandas writes null): either way it is no value.
    nan = float("nan")
    orders = _parquet({"customer_id": [17850.0, nan, 13047.0, 13047.0], "order_date": [date(2026, 1, 5)] * 4,
                       "product_id": [1.0, 2.0, nan, 1.0], "quantity": [1, 2, 3, 4], "unit_price": [10.0] * 4,
                       "amount": [10.0, 20.0, 30.0, nan]})
    crm = _parquet({"customer_id": [13047.0, nan], "age": [30.0, 40.0]})

    cohort = read_cohort(orders, customers=crm)
    from_json = read_cohort(b'[{"customer_id": NaN, "order_date": "2026-01-05", "product_id": "P1", "amount": 5},'
                            b' {"customer_id": 7, "order_date": "2026-01-05", "product_id": "P1", "amount": 5}]')

    assert counts(cohort) == {"missing_customer_id": 1, "missing_product": 1}
    assert cohort.history[["customer_id", "product_id", "total_spent"]].to_dict("records") == [
        {"customer_id": "17850", "product_id": "1", "total_spent": 10.0},
        {"customer_id": "13047", "product_id": "1", "total_spent": 40.0}]  # no amount: 4 × 10.0
    assert cohort.report.customers_file is not None
    assert {reason: found.rows for reason, found in cohort.report.customers_file.rejected_by_reason.items()} == {
        "missing_customer_id": [2]}
    assert cohort.customers[["customer_id", "age"]].astype(object).to_dict("records") == [
        {"customer_id": "17850", "age": None}, {"customer_id": "13047", "age": 30}]
    assert (counts(from_json), from_json.customers["customer_id"].tolist()) == ({"missing_customer_id": 1}, ["7"])


def test_nan_in_a_typed_purchase_history_is_a_value_not_given() -> None:
    # Polars computes avgDaysBetween as 0/0 = NaN for a product bought once.
    nan = float("nan")
    history_file = _parquet({
        "customerId": ["C1", "C1", "C2", "C3", "C4"], "productId": ["P1", "P2", "P1", "P1", "P1"],
        "totalQuantity": [3.0, 1.0, nan, 1.0, 1.0], "totalSpent": [30.0, 9.5, 7.0, nan, 7.0],
        "orderCount": [3.0, 1.0, 1.0, 1.0, nan], "firstPurchase": [date(2025, 10, 1), date(2025, 11, 1)] + [None] * 3,
        "lastPurchase": [date(2025, 12, 1), date(2025, 11, 1)] + [date(2025, 12, 1)] * 3,
        "avgDaysBetween": [nan, nan, 5.0, 5.0, 5.0]})

    cohort = read_cohort(history_file)

    assert {reason: found.rows for reason, found in cohort.report.rejected_by_reason.items()} == {
        "bad_quantity": [3], "bad_amount": [4], "bad_order_count": [5]}
    assert history([
        {"customer_id": "C1", "product_id": "P1", "total_quantity": 3, "total_spent": 30.0, "order_count": 3,
         "first_purchase": "2025-10-01", "last_purchase": "2025-12-01", "avg_days_between": 30.5},
        {"customer_id": "C1", "product_id": "P2", "total_quantity": 1, "total_spent": 9.5, "order_count": 1,
         "first_purchase": "2025-11-01", "last_purchase": "2025-11-01"}]).equals(cohort.history)


def test_purchase_history_rows_that_break_the_contract_are_rejected_with_their_reason() -> None:
    rows: list[list[Any]] = [
        ["customerId", "productId", "totalQuantity", "totalSpent", "orderCount", "firstPurchase", "lastPurchase",
         "totalOrders"],
        ["A", "P1", "4", "40,00", "3", "01.01.2026", "21.01.2026", "4"],
        ["A", "P2", "1", "10,00", "1", "15.01.2026", "15.01.2026", "4"],
        ["A", "P1", "9", "90,00", "9", "01.01.2026", "21.01.2026", "4"],  # a second P1 line for A
        ["B", "P1", "1", "10,00", "0", "01.01.2026", "01.01.2026", "9"],  # orderCount 0
        ["B", "P2", "1,5", "10,00", "1", "01.01.2026", "01.01.2026", "9"],  # not a whole quantity
        ["B", "P3", "1", "10,00", "2", "20.01.2026", "01.01.2026", "9"],  # first after last
        ["B", "P4", "2", "-5", "2", "01.01.2026", "11.01.2026", "9"],  # negative spend
        ["B", "P5", "2", "20,00", "2", "01.01.2026", "11.01.2026", "9"],  # totalOrders 9 > sum of orderCounts
        ["C", None, None, None, None, None, None, None]]  # a customer without purchases

    cohort = read_cohort(text_file(rows, delimiter=";"))

    assert counts(cohort) == {"bad_quantity": 1, "bad_amount": 1, "bad_order_count": 1, "dates_out_of_order": 1,
                              "duplicate_product_line": 1}
    assert cohort.history.equals(history([
        {"customer_id": "A", "product_id": "P1", "total_quantity": 4, "total_spent": 40.0, "order_count": 3,
         "first_purchase": "2026-01-01", "last_purchase": "2026-01-21", "avg_days_between": 10.0},
        {"customer_id": "A", "product_id": "P2", "total_quantity": 1, "total_spent": 10.0, "order_count": 1,
         "first_purchase": "2026-01-15", "last_purchase": "2026-01-15"},
        {"customer_id": "B", "product_id": "P5", "total_quantity": 2, "total_spent": 20.0, "order_count": 2,
         "first_purchase": "2026-01-01", "last_purchase": "2026-01-11", "avg_days_between": 10.0}]))
    assert cohort.customers[["customer_id", "total_orders"]].astype(object).to_dict("records") == [
        {"customer_id": "A", "total_orders": 4}, {"customer_id": "B", "total_orders": None},
        {"customer_id": "C", "total_orders": None}]
    assert "total_orders: 1 customer(s) have a totalOrders outside the range their lines allow (largest " \
           "orderCount to the sum of orderCounts); left unknown" in cohort.report.warnings
    assert analyze_customer(cohort.customer_data("A"), AS_OF).order_count == 4


def test_order_ids_with_several_prefixes_are_distinct_orders() -> None:
    rows: list[list[Any]] = [["customer_id", "order_id", "order_date", "product_id", "quantity", "amount"],
                             ["A", "SO-1", "2026-01-05", "P1", "2", "20"], ["A", "SO-2", "2026-01-09", "P1", "1", "10"],
                             ["A", "RET-1", "2026-01-10", "P1", "-1", "-10"],
                             ["B", "G-1", "2026-01-05", "P1", "1", "10"], ["B", "SO-3", "2026-01-05", "P1", "1", "10"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.history[["customer_id", "total_quantity", "total_spent", "order_count"]].to_dict("records") == [
        {"customer_id": "A", "total_quantity": 2, "total_spent": 20.0, "order_count": 2},
        {"customer_id": "B", "total_quantity": 2, "total_spent": 20.0, "order_count": 2}]
    assert cohort.customers["total_orders"].tolist() == [2, 2]


@pytest.mark.parametrize("shape", ["order lines", "purchase history"])
def test_a_customer_with_more_products_than_a_request_holds_is_rejected_and_the_rest_reads(shape: str) -> None:
    # A shared guest account that bought 10,001 different products: more lines than one request may hold.
    if shape == "order lines":
        header = ["customer_id", "order_id", "order_date", "product_id", "quantity", "amount"]
        guest = [["GUEST", f"O{i}", "2026-01-05", f"P{i}", "1", "10"] for i in range(10_001)]
        regular = [["A", "O-A", "2026-01-06", "P1", "2", "20"]]
    else:
        header = ["customerId", "productId", "totalQuantity", "totalSpent", "orderCount", "lastPurchase"]
        guest = [["GUEST", f"P{i}", "1", "10", "1", "2026-01-05"] for i in range(10_001)]
        regular = [["A", "P1", "2", "20", "1", "2026-01-06"]]

    cohort = read_cohort(text_file([header, *guest, *regular]))

    assert counts(cohort) == {"too_many_products": 10_001}
    rejected = cohort.report.rejected_by_reason["too_many_products"]
    assert rejected.rows[:3] == [1, 2, 3]
    assert "more than 10,000 product lines" in (rejected.description or "")
    assert cohort.report.rows_read == cohort.report.rows_accepted + cohort.report.rows_rejected == 10_002
    assert cohort.customers["customer_id"].tolist() == ["A"]
    assert any("only rejected rows" in warning and "GUEST" in warning for warning in cohort.report.warnings)
    assert segment_cohort(cohort, AS_OF)["orderCount"].tolist() == [
        analyze_customer(cohort.customer_data("A"), AS_OF).order_count]


def test_a_customer_at_the_limit_is_kept() -> None:
    header = ["customerId", "productId", "totalQuantity", "totalSpent", "orderCount", "lastPurchase"]
    lines = [["GUEST", f"P{i}", "1", "10", "1", "2026-01-05"] for i in range(10_000)]

    cohort = read_cohort(text_file([header, *lines]))

    assert counts(cohort) == {}
    assert len(cohort.history) == 10_000


def test_spellings_of_a_region_outside_the_reference_share_one_cohort_median() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount", "region"],
                             ["1", "2026-01-05", "P", "10", "Atlantis"], ["2", "2026-01-05", "P", "30", "ATLANTIS"],
                             ["3", "2026-01-05", "P", "100", " atlantis"]]

    frame = segment_cohort(read_cohort(text_file(rows)), AS_OF)

    assert frame["medianBasket"].tolist() == [30.0, 30.0, 30.0]
    assert frame["medianBasketSource"].astype(str).tolist() == ["cohort"] * 3


def test_a_product_with_two_names_is_warned_about_as_a_product() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "product_name", "amount"],
                             ["C1", "2026-01-05", "P1", "Krem", "10"], ["C2", "2026-01-06", "P1", "Krem", "10"],
                             ["C3", "2026-01-07", "P1", "Cream", "10"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.history["product_name"].tolist() == ["Krem"] * 3
    assert "product_name of a product: 1 product(s) have more than one value; used the most frequent (on a tie, the " \
           "last in the file), e.g. product P1: 'Krem' over 'Cream'" in cohort.report.warnings


@pytest.mark.parametrize(("main", "ids", "zeros"), [(["001", "002"], ["K1", "K2"], False),
                                                     (["01", "001"], ["1", "2"], True)])
def test_a_customers_file_whose_ids_match_none_is_a_warning_that_says_how_they_differ(main: list[str],
                                                                                     ids: list[str],
                                                                                     zeros: bool) -> None:
    orders = text_file([["customer_id", "order_date", "product_id", "amount"], [main[0], "2026-01-05", "P", "1"],
                        [main[1], "2026-01-06", "P", "3"]])
    attributes = text_file([["customer_id", "age"], [ids[0], "30"], [ids[1], "40"]])

    cohort = read_cohort(orders, customers=attributes)

    said = (f"no customer id of the main file is in the customers file (the main file has ids like {main[0]!r}, "
            f"the customers file like {ids[0]!r}), so no customer got its attributes and its 2 customer(s) are left "
            "out of the cohort")
    if zeros:  # 01 and 001 are both 1 without their zeros: which one the customers file means, nobody knows
        said += ("; some match once leading zeros are left out, but both files have ids with leading zeros, or "
                 "two ids would become one (01 and 001 are both 1), so they are not matched: export the ids as text")
    assert [w for w in cohort.report.warnings if "customers file" in w] == [said]
    assert cohort.customers["customer_id"].tolist() == main  # ids in another form are no new customers
    assert cohort.customers["age"].isna().all()


@pytest.mark.parametrize("where", ["early", "late", "small"])
def test_a_utf8_file_with_a_stray_byte_stays_utf8_and_the_byte_is_counted(where: str) -> None:
    count = {"early": 40, "late": 40_000, "small": 5}[where]
    rows = [f"C{i};2026-01-05;Çay ürün {i};2;10".encode() for i in range(count)]
    stray = {"early": 3, "late": 39_990, "small": 1}[where]  # within the first megabyte, or past the sample
    rows[stray] = rows[stray].replace("Çay".encode(), b"\xc7ay")  # one Windows-1254 Ç in a UTF-8 file
    data = b"customer_id;order_date;product_name;quantity;amount\n" + b"\n".join(rows) + b"\n"

    cohort = read_cohort(data)

    assert cohort.report.encoding == "utf-8"
    assert "1 byte(s) are not utf-8 and were read as \ufffd" in cohort.report.warnings
    names = cohort.history.set_index("customer_id")["product_name"]
    assert (names["C0"], names[f"C{stray}"]) == ("Çay ürün 0", f"\ufffday ürün {stray}")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # Arrow's, past the sample
@pytest.mark.parametrize("where", ["early", "late", "small"])
def test_a_stray_byte_in_a_row_of_the_wrong_length_costs_that_row_only(where: str) -> None:
    count = {"early": 40, "late": 40_000, "small": 5}[where]
    rows = [f"C{i};2026-01-05;Çay ürün {i};2;10".encode() for i in range(count)]
    stray = {"early": 3, "late": 39_990, "small": 1}[where]  # within the first megabyte, or past the sample
    rows[stray] = f"C{stray};2026-01-05;Çay ürün;2;10;x".encode().replace("Ç".encode(), b"\xc7")  # a field too
    # many, and a Windows-1254 Ç in a UTF-8 file: Arrow's reader cannot give its text to the handler of such rows
    data = b"customer_id;order_date;product_name;quantity;amount\n" + b"\n".join(rows) + b"\n"

    cohort = read_cohort(data)

    assert cohort.report.encoding == "utf-8"
    assert "1 byte(s) are not utf-8 and were read as \ufffd" in cohort.report.warnings
    assert (cohort.report.rows_read, counts(cohort)) == (count, {"malformed_row": 1})
    assert cohort.rejected[["row", "reason", "text"]].to_dict("records") == [
        {"row": stray + 1, "reason": "malformed_row", "text": f"C{stray};2026-01-05;\ufffday ürün;2;10;x"}]


def test_numbers_a_sheet_shows_with_leading_zeros_keep_them() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Müşteri No", "Tarih", "Ürün Kodu", "Tutar"])
    for number, amount in [(12, 10), (7, 5), (12, 1), (60, 2)]:
        sheet.append([number, "05.01.2026", "P", amount])
        if number != 60:  # shown as 60: read as 60
            sheet.cell(row=sheet.max_row, column=1).number_format = "00000"
    buffer = io.BytesIO()
    workbook.save(buffer)

    cohort = read_cohort(buffer.getvalue())

    assert sorted(cohort.customers["customer_id"].tolist()) == ["00007", "00012", "60"]
    assert "Müşteri No: numbers shown with leading zeros (00000) are read as shown" in cohort.report.notes
    assert dict(zip(cohort.history["customer_id"], cohort.history["total_spent"], strict=True)) == {
        "00007": 5.0, "00012": 11.0, "60": 2.0}


@pytest.mark.parametrize("attributes", ["customer_id,age\n", "customer_id,age\n,30\n"])
def test_a_customers_file_with_no_accepted_rows_adds_nothing_and_says_so(attributes: str) -> None:
    orders = text_file([["customer_id", "order_date", "product_id", "amount"], ["C1", "2026-01-05", "P", "5"]])

    cohort = read_cohort(orders, customers=attributes.encode())

    assert cohort.customers["customer_id"].tolist() == ["C1"]
    assert "the customers file has no accepted rows: no customer got attributes from it" in cohort.report.warnings
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.rows_accepted == 0


def test_a_long_id_is_cut_in_warnings() -> None:
    long_id = "X" * 100
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount"], [long_id, "bad", "P", "5"],
                             ["C1", "2026-01-05", "P", "5"]]

    cohort = read_cohort(text_file(rows))

    lost = [w for w in cohort.report.warnings if "only rejected rows" in w]
    assert lost == ["1 customer(s) have only rejected rows and are not in the cohort, unless a customers file lists "
                    f"them (e.g. {'X' * 59}…)"]


def test_a_signup_date_after_today_is_left_unknown_with_a_warning() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "amount", "Kayıt Tarihi"],
                             ["C1", "2026-01-05", "P", "5", "2099-01-01"], ["C2", "2026-01-05", "P", "5", "2025-01-01"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.customers["registered_at"].isna().tolist() == [True, False]
    assert "registered_at: 1 value(s) are in the future (e.g. 2099-01-01) and are left unknown" in \
        cohort.report.warnings
    assert len(segment_cohort(cohort, AS_OF)) == 2  # the typo does not stop the cohort


def test_a_customer_moved_to_another_city_by_the_customers_file_leaves_the_old_region() -> None:
    orders = text_file([["customer_id", "order_date", "product_id", "amount", "city", "region"],
                        ["C1", "2026-01-05", "P", "5", "Istanbul", "Marmara"],
                        ["C2", "2026-01-05", "P", "5", "Izmir", "Ege"], ["C3", "2026-01-05", "P", "5", "Izmir", "Ege"]])
    attributes = text_file([["customer_id", "city"], ["C1", "Ankara"], ["C2", None], ["C3", "IZMIR"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.customers[["city", "region"]].to_dict("records") == [
        {"city": "Ankara", "region": None}, {"city": "Izmir", "region": "Ege"}, {"city": "IZMIR", "region": "Ege"}]
    assert segment_cohort(cohort, AS_OF)["region"].astype(str).tolist() == ["İç Anadolu", "Ege", "Ege"]


def test_fields_the_main_mapping_turns_off_are_still_read_from_the_customers_file() -> None:
    orders = text_file([["customer_id", "order_date", "product_id", "amount"], ["C1", "2026-01-05", "P", "5"]])
    attributes = text_file([["customer_id", "age", "city"], ["C1", "30", "Ankara"]])

    cohort = read_cohort(orders, customers=attributes, mapping={"age": "", "city": None, "region": ""})

    assert cohort.customers[["age", "city"]].to_dict("records") == [{"age": 30, "city": "Ankara"}]


HISTORY_HEADER = ["customerId", "productId", "productName", "category", "totalQuantity", "totalSpent", "orderCount",
                  "lastPurchase"]


def test_a_purchase_history_without_product_ids_tells_products_apart_by_name() -> None:
    rows: list[list[Any]] = [HISTORY_HEADER[:1] + HISTORY_HEADER[2:],
                             ["A", "Kahve", "Gida", "2", "250", "2", "2025-05-01"],
                             ["A", "Kahve", "Gida", "2", "150", "1", "2025-04-01"],
                             ["A", "Gomlek", "Giyim", "1", "500", "1", "2025-03-01"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"duplicate_product_line": 1}
    assert cohort.report.rejected_by_reason["duplicate_product_line"].rows == [2]
    assert cohort.history[["product_id", "product_name", "order_count"]].to_dict("records") == [
        {"product_id": "Kahve", "product_name": "Kahve", "order_count": 2},
        {"product_id": "Gomlek", "product_name": "Gomlek", "order_count": 1}]
    assert "no product id column: products are told apart by their name" in cohort.report.notes
    row = segment_cohort(cohort, AS_OF).iloc[0]
    assert (row["orderCount"], row["diversityProfile"]) == (3, "Dengeli")


def test_a_purchase_history_line_without_its_product_id_is_missing_product() -> None:
    rows: list[list[Any]] = [HISTORY_HEADER, ["A", "P1", "Kahve", "Gida", "4", "400", "3", "2025-05-01"],
                             ["A", None, "Gomlek", "Giyim", "1", "500", "1", "2025-03-01"]]

    cohort = read_cohort(text_file(rows))

    assert counts(cohort) == {"missing_product": 1}
    assert cohort.history["product_id"].tolist() == ["P1"]


def test_a_total_orders_that_is_no_count_is_left_unknown_with_a_warning() -> None:
    rows: list[list[Any]] = [[*HISTORY_HEADER, "totalOrders"],
                             ["A", "P1", "Kahve", "Gida", "4", "400", "3", "2025-05-01", "-3"],
                             ["B", "P1", "Kahve", "Gida", "4", "400", "3", "2025-05-01", "abc"],
                             ["C", "P1", "Kahve", "Gida", "4", "400", "3", "2025-05-01", "3"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.customers["total_orders"].tolist()[2] == 3
    assert cohort.customers["total_orders"].isna().tolist() == [True, True, False]
    assert "total_orders: 2 value(s) are not whole numbers of at least 0 and are left unknown" in \
        cohort.report.warnings


def test_turkish_purchase_history_headers() -> None:
    header = ["Müşteri No", "Ürün Kodu", "Toplam Adet", "Toplam Harcama", "Sipariş Sayısı", "İlk Alışveriş Tarihi",
              "Son Alışveriş Tarihi", "Ortalama Gün Aralığı"]
    rows: list[list[Any]] = [header, ["A", "P1", "3", "300", "3", "01.01.2025", "21.03.2025", "40"]]

    cohort = read_cohort(text_file(rows, delimiter=";"))
    without_last = [[cell for index, cell in enumerate(row) if index != 6] for row in rows]

    assert set(cohort.report.column_mapping) == {"customer_id", "product_id", "total_quantity", "total_spent",
                                                 "order_count", "first_purchase", "last_purchase",
                                                 "avg_days_between"}
    assert cohort.history["avg_days_between"].tolist() == [40.0]
    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(without_last, delimiter=";"))
    assert raised.value.problems[0].hint == ("Name columns with mapping={'last_purchase': '<column>', ...} (on the "
                                             "command line: --map last_purchase=<column> ...)")


@pytest.mark.parametrize("container", ["xlsx", "json"])
def test_number_cells_beside_decimal_comma_text_keep_their_values(container: str) -> None:
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4", "C5"],
                          "order_date": ["2026-01-05"] * 5, "product_id": ["P"] * 5,
                          "amount": ["1.234,50", 99.9, 50.75, 7.125, 0.00001]}, dtype=object)
    data = xlsx_bytes(frame) if container == "xlsx" else frame.to_json(orient="records").encode()

    cohort = read_cohort(data)

    assert cohort.report.decimal_mark == ","
    assert counts(cohort) == {}
    assert cohort.history["total_spent"].tolist() == [1234.5, 99.9, 50.75, 7.125, 0.00001]


def test_a_seed_copy_with_a_purchase_in_the_future_is_a_duplicate_customer_first() -> None:
    line = {"productId": "P1", "totalQuantity": 1, "totalSpent": 5.0, "orderCount": 1}
    records = [{"customerId": "C1", "productHistory": [{**line, "lastPurchase": "2025-01-13"}]},
               {"customerId": "C1", "productHistory": [{**line, "lastPurchase": "2052-04-03"}]},
               {"customerId": "C2", "productHistory": [{**line, "lastPurchase": "2052-04-03"}]},
               {"customerId": "C2", "productHistory": [{**line, "lastPurchase": "2025-01-13"}]}]

    cohort = read_cohort(json.dumps(records).encode())

    assert counts(cohort) == {"duplicate_customer": 1, "future_date": 1}
    assert cohort.report.rejected_by_reason["duplicate_customer"].rows == [2]
    assert cohort.customers["customer_id"].tolist() == ["C1", "C2"]  # the second C2 is the only valid one


def test_a_refund_a_fraction_of_a_cent_above_the_purchase_nets_to_zero() -> None:
    rows: list[list[Any]] = [["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "Amount", "CustomerID"],
                             ["1", "P1", "1", "2026-01-05", "10.000", "A"],
                             ["2", "P1", "-1", "2026-01-06", "-10.004", "A"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.history[["total_quantity", "total_spent"]].to_dict("records") == [
        {"total_quantity": 0, "total_spent": 0.0}]
    assert len(segment_cohort(cohort, AS_OF)) == 1


def test_formula_cells_a_workbook_never_calculated_are_their_formula_not_empty() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["customer_id", "order_date", "product_id", "quantity", "amount"])
    sheet.append(["C1", "2026-01-05", "P1", 2, 20])
    sheet.append(["C2", "2026-01-06", "P1", "=D2", "=E2*2"])  # written by a program: no stored results
    buffer = io.BytesIO()
    workbook.save(buffer)

    cohort = read_cohort(buffer.getvalue())

    assert counts(cohort) == {"bad_quantity": 1}
    assert cohort.report.rejected_by_reason["bad_quantity"].examples[0]["amount"] == "=E2*2"
    assert cohort.customers["customer_id"].tolist() == ["C1"]  # C2 is no customer without purchases
    assert cohort.report.warnings[0].startswith("2 formula cell(s) have no stored result")


def test_total_rows_below_the_table_are_no_customers() -> None:
    orders = ("Müşteri No;Sipariş No;Tarih;Tutar\n1001;S1;12.01.2026;100,00\n1002;S2;12.01.2026;50,00\n"
              "Toplam;;12.02.2026;150,00\nGENEL TOPLAM:;;;150,00\n").encode()
    history = (b"customerId,productId,totalQuantity,totalSpent,orderCount,firstPurchase,lastPurchase\n"
               b"A,P,1,10,1,2026-01-05,2026-01-05\nGrand Total,,1,10,1,2026-01-05,2026-01-05\n")
    crm = "Müşteri No;Yaş\n1001;34\nToplam;\n".encode()

    cohort = read_cohort(orders, customers=crm)
    from_history = read_cohort(history)

    assert counts(cohort) == {"total_row": 2}
    assert cohort.report.rejected_by_reason["total_row"].rows == [3, 4]
    assert cohort.customers["customer_id"].tolist() == ["1001", "1002"]
    assert cohort.customers["age"].astype(object).where(cohort.customers["age"].notna(), None).tolist() == [34, None]
    assert not [w for w in cohort.report.warnings if "only rejected rows" in w]
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.rejected_by_reason["total_row"].rows == [2]
    assert counts(from_history) == {"total_row": 1}
    assert from_history.customers["customer_id"].tolist() == ["A"]


def test_excel_subtotal_rows_below_each_customer_are_total_rows() -> None:
    data = ("Müşteri No;Sipariş No;Tarih;Tutar\nC1;O1;05.01.2026;10\nC1;O2;06.01.2026;20\nC1 Toplam;;;30\n"
            "Acme Total;O3;07.01.2026;30\nAcme Total Toplam;;;30\nC2;O4;07.01.2026;5\nC2 total;;;5\n"
            ";O5;07.01.2026;5\nGenel Toplam;;;70\n").encode()

    cohort = read_cohort(data)

    assert counts(cohort) == {"total_row": 4, "missing_customer_id": 1}
    assert cohort.report.rejected_by_reason["total_row"].rows == [3, 5, 7, 9]
    assert cohort.customers["customer_id"].tolist() == ["C1", "Acme Total", "C2"]  # no "Acme": a customer's name


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_header_is_the_row_holding_the_mapped_columns(kind: str) -> None:
    rows: list[list[Any]] = [["Firma", "ABC Ltd", "Şube", "Merkez", "admin"],
                             ["Kunde", "Datum", "Artikel", "Menge", "Betrag"],
                             ["K1", "2026-01-05", "A", "2", "10.5"], ["K2", "2026-01-06", "B", "1", "3"]]
    data = xlsx_bytes(pd.DataFrame(rows[1:], columns=rows[0])) if kind == "xlsx" else text_file(rows, delimiter=";")

    cohort = read_cohort(data, mapping={"customer_id": "Kunde", "order_date": "Datum", "amount": "Betrag"})

    assert cohort.report.rows_read == 2
    assert cohort.customers["customer_id"].tolist() == ["K1", "K2"]
    assert cohort.history["total_spent"].tolist() == [10.5, 3.0]


def test_a_last_row_short_of_fields_without_a_line_end_is_a_file_cut_short() -> None:
    data = ("Müşteri No;Tarih;Ürün Adı;Adet;Tutar;Şehir\nC1;12.01.2026;Kazak;1;1234,50;Ankara\n"
            "C2;12.01.2026;Kazak;1;12").encode()

    cohort = read_cohort(data)
    ended = read_cohort(data + b"\n")

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (2, 1)
    assert cohort.report.rejected_by_reason["malformed_row"].rows == [2]
    assert "the last row has fewer fields than the header and no line end: the file looks cut short (an upload or " \
        "a copy that stopped); the row is a malformed_row" in cohort.report.warnings
    assert (ended.report.rows_read, ended.report.rows_accepted) == (2, 2)


def test_a_mapped_name_that_is_no_column_names_the_real_header_even_when_a_title_line_holds_it() -> None:
    data = "Müşteri;ACME Ltd;;;\nMüşteri No;Tarih;Ürün Adı;Adet;Tutar\nC1;12.01.2026;Kazak;1;10\n".encode()

    with pytest.raises(InvalidInput) as caught:
        read_cohort(data, mapping={"customer_id": "Müşteri"})

    assert [p.msg for p in caught.value.problems] == [
        "column 'Müşteri' is not in the file; its columns are: Müşteri No, Tarih, Ürün Adı, Adet, Tutar"]


def test_a_title_starting_like_a_program_or_a_dated_bracket_is_text() -> None:
    table = "Müşteri No;Tarih;Ürün Adı;Adet;Tutar\nC1;12.01.2026;Kazak;1;10\n"
    for title in ("MZ Mağazacılık - Ocak 2026\n", "[2026-01] Satış Raporu\n"):
        cohort = read_cohort((title + table).encode())

        assert (cohort.report.file_type, cohort.report.rows_accepted) == ("delimited", 1)


def test_a_value_after_the_last_delimiter_some_rows_have_is_kept_apart_with_a_warning() -> None:
    data = ("Müşteri No;Tarih;Ürün Kodu;Adet;Tutar\n1001;12.01.2026;A1;2;10,00;\n1002;13.01.2026;B2;1;10,00;\n"
            "1003;13.01.2026;B2;1;10,00;99\n").encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (3, 3)
    assert "most rows end in a delimiter after their last field, but some have a value there: it is in column " \
        "'column_6', which has no name in the header and is not used" in cohort.report.warnings


def test_a_line_of_one_or_few_fields_below_the_table_is_no_customer() -> None:
    data = ("Müşteri No;Tarih;Ürün Kodu;Adet;Tutar;Not\n1001;12.01.2026;A1;2;10,00;x\nSayfa 1/3\n"
            "Rapor sonu;12.02.2026\n").encode()

    cohort = read_cohort(data)

    assert cohort.customers["customer_id"].tolist() == ["1001"]
    assert cohort.report.rejected_by_reason["malformed_row"].rows == [2, 3]
