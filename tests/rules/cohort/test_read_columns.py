"""Column names in English and Turkish, explicit mappings, and the errors for files that cannot be read."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from rules.cohort.columns import CANONICAL, SYNONYMS, header_index, listed, name_key, recognise
from rules.cohort.read import read_cohort
from rules.errors import InvalidInput
from tests.rules.cohort.test_read_support import counts, customers, history, text_file


@pytest.mark.parametrize(("header", "canonical"), [
    ("CustomerID", "customer_id"), ("Customer ID", "customer_id"), ("customer_id", "customer_id"),
    ("Müşteri No", "customer_id"), ("MUSTERI NO", "customer_id"), ("müşteri_no", "customer_id"),
    ("InvoiceNo", "order_id"), ("Sipariş No", "order_id"), ("InvoiceDate", "order_date"), ("Tarih", "order_date"),
    ("StockCode", "product_id"), ("Ürün Kodu", "product_id"), ("Quantity", "quantity"), ("Adet", "quantity"),
    ("UnitPrice", "unit_price"), ("Birim Fiyat", "unit_price"), ("Amount", "amount"), ("Tutar", "amount"),
    ("Country", "region"), ("Şehir", "city"), ("Bölge", "region"), ("Yaş", "age"), ("Cinsiyet", "gender"),
    ("Kayıt Tarihi", "registered_at"), ("Description", "product_name"), ("Ürün Adı", "product_name"),
    ("Kategori", "category"), ("Durum", "status"), ("totalSpent", "total_spent"), ("lastPurchase", "last_purchase"),
    ("Sipariş Statüsü", "status"), ("Cari Hesap Kodu", "customer_id"), ("Malzeme Kodu", "product_id"),
    ("Malzeme Açıklaması", "product_name"), ("Malzeme Adı", "product_name"),
    ("Sale Date", "order_date"), ("Item SKU", "product_id"), ("Satıcı Stok Kodu", "product_id"),
    ("amazon-order-id", "order_id"), ("quantity-purchased", "quantity"), ("Item Total", "amount"),
    ("Order Line Total", "amount"), ("Net Sales", "amount"), ("Grand Total (Base)", "amount"),
    ("Item Status", "status"), ("Ship City", "city"), ("Shipping City", "city"),
])
def test_header_names_are_recognised_however_spelled(header: str, canonical: str) -> None:
    assert recognise([header]).used == {canonical: header}


def test_the_more_specific_name_wins_and_the_choice_is_noted() -> None:
    columns = recognise(["Country", "Region", "Total", "Tutar", "Misc"])

    assert columns.used == {"amount": "Tutar", "region": "Region"}
    assert columns.unused == ["Country", "Total", "Misc"]
    assert columns.notes == ["region: used column 'Region', not 'Country'", "amount: used column 'Tutar', not 'Total'"]


def test_a_country_column_is_not_the_region_of_a_file_with_cities() -> None:
    orders = text_file([["CustomerID", "InvoiceDate", "StockCode", "Amount", "City", "Country"],
                        ["C1", "2026-01-05", "P1", "100", "İstanbul", "Turkey"],
                        ["C2", "2026-01-06", "P1", "70", "Van", "Türkiye"]])
    attributes = text_file([["customer_id", "age", "Ülke"], ["C1", "30", "Turkey"]])

    cohort = read_cohort(orders, customers=attributes)

    assert cohort.report.column_mapping == {"customer_id": "CustomerID", "order_date": "InvoiceDate",
                                            "product_id": "StockCode", "amount": "Amount", "city": "City"}
    assert cohort.report.notes[:1] == ["region: column 'Country' is a country, not read as the region (the cities "
                                       "give it); map it with mapping={'region': 'Country'} to read it"]
    assert cohort.customers["region"].isna().all()  # the cities give each customer its region
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.column_mapping == {"customer_id": "customer_id", "age": "age"}
    assert cohort.report.customers_file.notes == [
        "region: column 'Ülke' is a country, not read as the region (the cities give it); map it with "
        "customers_mapping={'region': 'Ülke'} to read it", "columns not used: Ülke"]
    assert recognise(["Country", "Şehir"], {"region": "Country"}).used == {"city": "Şehir", "region": "Country"}
    assert recognise(["Country"]).used == {"region": "Country"}  # without cities, it is all there is


def test_a_trendyol_order_report_reads_its_status_so_cancelled_and_returned_lines_are_no_purchases() -> None:
    header = ["Barkod", "Paket No", "Sipariş Tarihi", "Sipariş Numarası", "Alıcı", "İl", "İlçe", "Ürün Adı",
              "Sipariş Statüsü", "E-Posta", "Stok Kodu", "Adet", "Birim Fiyatı", "Satış Tutarı", "İndirim Tutarı",
              "Faturalanacak Tutar", "Fatura No", "Ülke"]
    rows: list[list[Any]] = [header, *[
        [barcode, package, day, order, "Ayşe Y.", "İstanbul", "Kadıköy", name, status, "pf+a1@trendyolmail.com",
         sku, "1", price, price, "0,00", price, "", "Türkiye"]
        for barcode, package, day, order, name, status, sku, price in [
            ("8680001", "P1", "05.01.2026 10:15", "1001", "Kazak", "Teslim Edildi", "KZ-1", "250,00"),
            ("8680002", "P2", "07.01.2026 23:30", "1002", "Atkı", "İptal Edildi", "AT-1", "100,00"),
            ("8680001", "P3", "01.02.2026 09:00", "1003", "Kazak", "İade Edildi", "KZ-1", "250,00"),
            ("8680002", "P4", "03.02.2026 12:00", "1004", "Atkı", "Kargoda", "AT-1", "100,00")]]]

    cohort = read_cohort(text_file(rows, ";"), mapping={"customer_id": "E-Posta"})

    assert cohort.report.column_mapping == {
        "customer_id": "E-Posta", "order_id": "Sipariş Numarası", "order_date": "Sipariş Tarihi",
        "product_id": "Stok Kodu", "product_name": "Ürün Adı", "quantity": "Adet", "amount": "Satış Tutarı",
        "unit_price": "Birim Fiyatı", "city": "İl", "status": "Sipariş Statüsü"}
    assert counts(cohort) == {"cancelled_order": 2}
    assert cohort.history.equals(history([
        {"customer_id": "pf+a1@trendyolmail.com", "product_id": "KZ-1", "product_name": "Kazak",
         "total_quantity": 1, "total_spent": 250.0, "order_count": 1, "first_purchase": "2026-01-05",
         "last_purchase": "2026-01-05"},
        {"customer_id": "pf+a1@trendyolmail.com", "product_id": "AT-1", "product_name": "Atkı",
         "total_quantity": 1, "total_spent": 100.0, "order_count": 1, "first_purchase": "2026-02-03",
         "last_purchase": "2026-02-03"}]))


def test_a_logo_invoice_line_report_reads_without_a_mapping() -> None:
    rows: list[list[Any]] = [
        ["Fatura Tarihi", "Fatura No", "Cari Hesap Kodu", "Cari Hesap Unvanı", "Malzeme Kodu", "Malzeme Açıklaması",
         "Miktar", "Birim", "Birim Fiyat", "Tutar", "KDV Oranı", "KDV Tutarı", "KDV Dahil Tutar", "İl", "İlçe"],
        ["15.01.2026", "FTR2026000001", "120.01.001", "ABC Ltd", "KZ-1", "Kazak", "2", "Adet", "250,00", "500,00",
         "20", "100,00", "600,00", "İstanbul", "Kadıköy"],
        ["15.01.2026", "FTR2026000001", "120.01.001", "ABC Ltd", "AT-1", "Atkı", "1", "Adet", "100,00", "100,00",
         "20", "20,00", "120,00", "İstanbul", "Kadıköy"]]

    cohort = read_cohort(text_file(rows, ";"))

    assert cohort.report.column_mapping == {
        "customer_id": "Cari Hesap Kodu", "order_id": "Fatura No", "order_date": "Fatura Tarihi",
        "product_id": "Malzeme Kodu", "product_name": "Malzeme Açıklaması", "quantity": "Miktar", "amount": "Tutar",
        "unit_price": "Birim Fiyat", "city": "İl"}
    assert cohort.customers.equals(customers([{"customer_id": "120.01.001", "city": "İstanbul", "total_orders": 1}]))
    assert cohort.history.equals(history([
        {"customer_id": "120.01.001", "product_id": "KZ-1", "product_name": "Kazak", "total_quantity": 2,
         "total_spent": 500.0, "order_count": 1, "first_purchase": "2026-01-15", "last_purchase": "2026-01-15"},
        {"customer_id": "120.01.001", "product_id": "AT-1", "product_name": "Atkı", "total_quantity": 1,
         "total_spent": 100.0, "order_count": 1, "first_purchase": "2026-01-15", "last_purchase": "2026-01-15"}]))


def test_an_order_total_written_on_each_line_is_not_summed_per_line() -> None:
    rows: list[list[Any]] = [
        ["Sipariş No", "Sipariş Tarihi", "Üye Id", "Stok Kodu", "Ürün Adı", "Adet", "Birim Fiyat", "Sipariş Tutarı",
         "Kargo Tutarı"],
        ["1001", "15.01.2026 10:15:00", "501", "KZ-1", "Kazak", "2", "250,00", "649,90", "49,90"],
        ["1001", "15.01.2026 10:15:00", "501", "AT-1", "Atkı", "1", "100,00", "649,90", "49,90"]]

    cohort = read_cohort(text_file(rows, ";"))

    assert "amount" not in cohort.report.column_mapping
    assert cohort.report.notes[0] == ("amount: column 'Sipariş Tutarı' is an order's total, not a line's: amount = "
                                      "quantity × unit price; map it with mapping={'amount': 'Sipariş Tutarı'} to "
                                      "read it")
    assert cohort.history.equals(history([
        {"customer_id": "501", "product_id": "KZ-1", "product_name": "Kazak", "total_quantity": 2,
         "total_spent": 500.0, "order_count": 1, "first_purchase": "2026-01-15", "last_purchase": "2026-01-15"},
        {"customer_id": "501", "product_id": "AT-1", "product_name": "Atkı", "total_quantity": 1,
         "total_spent": 100.0, "order_count": 1, "first_purchase": "2026-01-15", "last_purchase": "2026-01-15"}]))


@pytest.mark.parametrize(("header", "mapping", "used"), [
    # Shopify: "Total" beside "Subtotal" is the order's, on its first line only.
    (["Email", "Subtotal", "Total", "Lineitem quantity", "Lineitem price", "Lineitem sku"],
     {"customer_id": "Email", "quantity": "Lineitem quantity", "unit_price": "Lineitem price",
      "product_id": "Lineitem sku"},
     {"customer_id": "Email", "product_id": "Lineitem sku", "quantity": "Lineitem quantity",
      "unit_price": "Lineitem price"}),
    # Without a subtotal a "Total" is the line's; without products or a unit price an order total is all there is.
    (["CustomerID", "StockCode", "Quantity", "UnitPrice", "Total"], {},
     {"customer_id": "CustomerID", "product_id": "StockCode", "quantity": "Quantity", "amount": "Total",
      "unit_price": "UnitPrice"}),
    (["CustomerID", "Sipariş Tutarı", "Birim Fiyat"], {},
     {"customer_id": "CustomerID", "amount": "Sipariş Tutarı", "unit_price": "Birim Fiyat"}),
    (["CustomerID", "Sipariş Tutarı", "Stok Kodu"], {},
     {"customer_id": "CustomerID", "product_id": "Stok Kodu", "amount": "Sipariş Tutarı"}),
    (["CustomerID", "Order Total", "SKU", "Price"], {"amount": "Order Total"},
     {"customer_id": "CustomerID", "product_id": "SKU", "amount": "Order Total", "unit_price": "Price"}),
])
def test_an_order_total_is_the_amount_only_where_no_line_amount_can_be_had(
        header: list[str], mapping: dict[str, str], used: dict[str, str]) -> None:
    assert recognise(header, mapping).used == used


def test_no_header_name_is_listed_for_two_purposes() -> None:
    keys = [(name_key(name), canonical) for canonical, names in SYNONYMS.items() for name in names]
    owners: dict[str, set[str]] = {}
    for key, canonical in keys:
        owners.setdefault(key, set()).add(canonical)
    assert {key: found for key, found in owners.items() if len(found) > 1} == {}
    assert set(CANONICAL) >= {"customer_id", "order_id", "order_date", "product_id", "product_name", "category",
                              "quantity", "amount", "unit_price", "age", "gender", "city", "region", "registered_at"}


def test_an_explicit_mapping_names_columns_the_header_does_not_give_away() -> None:
    rows: list[list[Any]] = [["Kunde", "Datum", "Artikel", "Betrag", "Country"],
                             ["K1", "2026-01-05", "A", "10", "Deutschland"]]

    cohort = read_cohort(text_file(rows), mapping={"customer_id": "Kunde", "order_date": "Datum",
                                                   "product_id": "artikel", "amount": "Betrag", "region": None})

    assert cohort.report.column_mapping == {"customer_id": "Kunde", "order_date": "Datum", "product_id": "Artikel",
                                            "amount": "Betrag"}
    assert cohort.customers["customer_id"].tolist() == ["K1"]
    assert cohort.customers["region"].isna().all()
    assert cohort.report.notes[-1] == "columns not used: Country"


def test_a_mapping_to_a_missing_column_names_it_and_lists_the_columns() -> None:
    rows: list[list[Any]] = [["Kunde", "Datum", "Betrag"], ["K1", "2026-01-05", "10"]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows), mapping={"customer_id": "Client", "colour": "Betrag"})

    assert [p.as_dict() for p in raised.value.problems] == [
        {"loc": "mapping.customer_id", "msg": "column 'Client' is not in the file; its columns are: Kunde, Datum, "
                                              "Betrag", "input": "Client"},
        {"loc": "mapping.colour", "msg": f"unknown name; the names are: {', '.join(CANONICAL)}", "input": "colour"}]


def test_a_file_without_a_customer_id_column_is_a_clear_error() -> None:
    rows: list[list[Any]] = [["Name", "Datum", "Betrag"], ["Ayşe", "2026-01-05", "10"]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows))

    problem = raised.value.problems[0]
    assert problem.loc == "columns"
    assert problem.msg.startswith("the file has no customer id column (looked for CustomerID, Customer ID, ")
    assert problem.msg.endswith("its columns are: Name, Datum, Betrag")
    assert problem.hint == ("Name it with mapping={'customer_id': '<column>'} (on the command line: --map "
                            "customer_id=<column>)")
    assert str(raised.value).endswith("its columns are: Name, Datum, Betrag (got ['Name', 'Datum', 'Betrag']). Name it "
                                      "with mapping={'customer_id': '<column>'} (on the command line: --map "
                                      "customer_id=<column>)")


@pytest.mark.parametrize(("header", "option"), [
    (["Name", "Email", "Created at", "Lineitem quantity", "Accepts Email Marketing"], "Email"),  # Shopify
    (["Sipariş Numarası", "Alıcı", "Sipariş Tarihi", "E-Posta"], "E-Posta"),  # Trendyol
    (["ID", "Purchase Date", "Bill-to Name", "Customer Email"], "Customer Email"),  # Magento's order grid
])
def test_a_file_without_a_customer_id_but_with_an_email_names_the_email_column_in_the_hint(
        header: list[str], option: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file([header, ["x"] * len(header)]))

    assert raised.value.problems[0].hint == (
        f"Its e-mail column {option!r} tells customers apart if nothing else does: name it with "
        f"mapping={{'customer_id': {option!r}}} (on the command line: --map \"customer_id={option}\")")


def test_a_file_that_is_neither_orders_nor_a_history_says_what_is_needed() -> None:
    rows: list[list[Any]] = [["CustomerID", "Yaş"], ["A", "30"]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows))

    assert raised.value.problems[0].msg.startswith(
        "the file is neither order lines (they need an order date and an amount or unit price column) nor a "
        "purchase history (totalSpent, lastPurchase, …). Recognised: customer_id ← 'CustomerID', age ← 'Yaş'")


def test_unreadable_files_are_clear_errors() -> None:
    with pytest.raises(InvalidInput, match="old binary Excel files"):
        read_cohort(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(InvalidInput, match="the file is empty"):
        read_cohort(b"  \n")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        read_cohort(b'[{"customerId": ')
    with pytest.raises(InvalidInput, match="cannot read the file"):
        read_cohort("/nonexistent/orders.csv")


@pytest.mark.parametrize(("mapping", "customers_mapping", "problem"), [
    ({"customer_id": 5}, None, ("mapping.customer_id", "must be a column name or None", "5")),
    ({"amount": "Betrag", "unit_price": "Betrag"}, None,
     ("mapping.unit_price", "column 'Betrag' is already mapped to amount", "Betrag")),
    (None, {"amount": "Yaş"}, ("customers_mapping.amount", "unknown name; the names are: customer_id, city, region, "
                                                            "age, gender, registered_at", "amount")),
    (None, {"customer_id": "Nope"}, ("customers_mapping.customer_id", "column 'Nope' is not in the customers file; "
                                                                      "its columns are: Kod, Yaş", "Nope")),
])
def test_mappings_that_cannot_be_followed_are_refused(mapping: Any, customers_mapping: Any,
                                                      problem: tuple[str, str, str]) -> None:
    orders = text_file([["customer_id", "order_date", "amount", "product_id", "Betrag"],
                        ["C1", "2025-06-01", "5", "P1", "5"]])
    attributes = text_file([["Kod", "Yaş"], ["C1", "30"]])

    with pytest.raises(InvalidInput) as raised:
        read_cohort(orders, mapping=mapping, customers=attributes, customers_mapping=customers_mapping)

    found = raised.value.problems[0]
    assert (found.loc, found.msg, found.input) == problem


def test_a_customer_id_column_the_mapping_gives_to_another_field_is_named() -> None:
    rows: list[list[Any]] = [["Customer ID", "order_date", "amount", "product_id"], ["C1", "2025-06-01", "5", "P1"]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows), mapping={"product_id": "Customer ID"})

    assert raised.value.problems[0].msg.endswith("; 'Customer ID' would be the customer id, but the mapping gives "
                                                 "it to product_id")


@pytest.mark.parametrize(("arguments", "problem"), [
    ({"source": None}, ("source", "expected a path, bytes or a binary file object", None)),
    ({"source": 3}, ("source", "expected a path, bytes or a binary file object", "int")),
    ({"customers": 3.5}, ("customers", "expected a path, bytes or a binary file object", "float")),
    ({"mapping": [("customer_id", "Kod")]}, ("mapping", "expected a dict of canonical name → column name", "list")),
    ({"customers_mapping": "Kod"}, ("customers_mapping", "expected a dict of canonical name → column name", "str")),
    ({"exclude_products": None}, ("exclude_products", "expected a collection of product codes and names (an empty "
                                                      "set keeps every line)", "NoneType")),
    ({"exclude_products": ["POST", 5]}, ("exclude_products", "expected a collection of product codes and names "
                                                             "(an empty set keeps every line)", "list")),
    ({"date_order": "dmy"}, ("date_order", "expected 'DMY' or 'MDY' (ISO dates are always read year first)", "dmy")),
    ({"date_order": "YMD"}, ("date_order", "expected 'DMY' or 'MDY' (ISO dates are always read year first)", "YMD")),
    ({"sheet": True}, ("sheet", "expected a sheet's name or its place (0 for the first)", True)),
    ({"customers_sheet": False}, ("customers_sheet", "expected a sheet's name or its place (0 for the first)", False)),
    ({"sheet": 1.0}, ("sheet", "expected a sheet's name or its place (0 for the first)", 1.0)),
])
def test_arguments_of_the_wrong_kind_are_refused_by_name(arguments: dict[str, Any],
                                                        problem: tuple[str, str, Any]) -> None:
    given: dict[str, Any] = {"source": text_file([["customer_id", "order_date", "amount"], ["C1", "2025-06-01", "5"]]),
                             **arguments}
    source = given.pop("source")

    with pytest.raises(InvalidInput) as raised:
        read_cohort(source, **given)

    assert [(p.loc, p.msg, p.input) for p in raised.value.problems] == [problem]


def test_one_text_to_exclude_is_one_code_not_its_letters() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "amount", "product_id"],
                             ["C1", "2025-06-01", "5", "P"], ["C1", "2025-06-01", "3", "POST"],
                             ["C1", "2025-06-01", "4", "T"]]

    cohort = read_cohort(text_file(rows), exclude_products="POST")

    assert read_cohort(text_file(rows), exclude_products=iter(["POST"])).history.equals(cohort.history)
    assert cohort.history["product_id"].tolist() == ["P", "T"]
    assert cohort.rejected[["row", "reason"]].astype(object).to_dict("records") == [
        {"row": 2, "reason": "non_product_line"}]


@pytest.mark.parametrize(("customers", "message"), [
    (b"", "the file is empty"),
    (io.StringIO("customer_id,age\nC1,30\n"), "open the file in binary mode ('rb')"),
])
def test_a_customers_file_that_cannot_be_read_is_named_as_the_customers_file(customers: Any, message: str) -> None:
    orders = text_file([["customer_id", "order_date", "amount"], ["C1", "2025-06-01", "5"]])

    with pytest.raises(InvalidInput) as raised:
        read_cohort(orders, customers=customers)

    assert [(p.loc, p.msg) for p in raised.value.problems] == [("customers", message)]


def test_column_names_in_messages_are_shortened_and_few() -> None:
    names = ["Müşteri No", "x" * 100, *[f"c{i}" for i in range(50)]]

    shown = listed(names)

    assert shown.startswith("Müşteri No, " + "x" * 59 + "…, c0, c1")
    assert shown.endswith("c37, … (12 more)")


# A two-row header of merged cells (an ERP's layout): the group names above, the column names below.
_TWO_ROW_HEADER = [["Müşteri No", "Sipariş", "", "", "Tutar"], ["", "Sipariş No", "Tarih", "Adet", ""],
                   ["C1", "O1", "2026-01-05", "1", "10"]]


@pytest.mark.parametrize(("named", "header"), [
    ((), 0), ({"tarih"}, 1), ({"tarih", "column_1", "column_5"}, 1), ({"müşterino"}, 0)])
def test_the_header_is_the_row_holding_the_mapped_names_of_a_two_row_header(named: set[str], header: int) -> None:
    assert header_index(_TWO_ROW_HEADER, 5, {name_key(name) for name in named}) == header


def test_a_two_row_header_is_read_under_the_row_of_the_mapped_names() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in _TWO_ROW_HEADER:
        sheet.append([cell or None for cell in row])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:D1")
    sheet.merge_cells("E1:E2")
    buffer = io.BytesIO()
    workbook.save(buffer)

    cohort = read_cohort(buffer.getvalue(), mapping={"order_date": "Tarih", "customer_id": "column_1",
                                                     "amount": "column_5"})

    assert cohort.report.column_mapping == {"customer_id": "column_1", "order_id": "Sipariş No",
                                            "order_date": "Tarih", "quantity": "Adet", "amount": "column_5"}
    assert cohort.history[["customer_id", "total_spent"]].values.tolist() == [["C1", 10.0]]


def test_a_shopify_orders_export_reads_with_its_customer_and_order_columns_named() -> None:
    # Shopify writes an order's status, totals and billing city on its first line only; "#2001" was refunded.
    header = ["Name", "Email", "Financial Status", "Subtotal", "Total", "Created at", "Lineitem quantity",
              "Lineitem name", "Lineitem price", "Lineitem sku", "Billing City", "Refunded Amount"]
    rows: list[list[Any]] = [
        header,
        ["#2001", "ali@example.com", "refunded", "350.00", "399.90", "2026-01-05 10:15:33 +0300", "1", "Kazak",
         "250.00", "KZ-1", "İzmir", "399.90"],
        ["#2001", "ali@example.com", "", "", "", "2026-01-05 10:15:33 +0300", "1", "Atkı", "100.00", "AT-1", "", ""],
        ["#2002", "ali@example.com", "paid", "80.00", "129.90", "2026-01-09 10:15:33 +0300", "2", "Bere", "40.00",
         "BR-1", "İzmir", "0.00"],
        ["#2002", "ali@example.com", "", "", "", "2026-01-09 10:15:33 +0300", "1", "Atkı", "100.00", "AT-1", "", ""],
    ]

    cohort = read_cohort(text_file(rows), mapping={"customer_id": "Email", "order_id": "Name"})

    assert cohort.report.column_mapping == {
        "customer_id": "Email", "order_id": "Name", "order_date": "Created at", "product_id": "Lineitem sku",
        "product_name": "Lineitem name", "quantity": "Lineitem quantity", "unit_price": "Lineitem price",
        "city": "Billing City", "status": "Financial Status"}
    assert counts(cohort) == {"cancelled_order": 2}
    assert cohort.report.rejected_by_reason["cancelled_order"].rows == [1, 2]
    assert "status: 2 line(s) without a status took their order's one status (written on an order's first line " \
           "only, as Shopify does)" in cohort.report.notes
    lines = cohort.history[["customer_id", "product_id", "total_quantity", "total_spent", "order_count"]]
    assert lines.astype(object).to_dict("records") == [
        {"customer_id": "ali@example.com", "product_id": "AT-1", "total_quantity": 1, "total_spent": 100.0,
         "order_count": 1},
        {"customer_id": "ali@example.com", "product_id": "BR-1", "total_quantity": 2, "total_spent": 80.0,
         "order_count": 1}]
    assert cohort.customers[["customer_id", "city", "total_orders"]].astype(object).to_dict("records") == [
        {"customer_id": "ali@example.com", "city": "İzmir", "total_orders": 1}]


def test_a_magento_order_grid_reads_its_grand_total_dates_and_closed_orders() -> None:
    # The grid's export (sales_order_grid.xml labels; prices raw; dates as PHP's "M j, Y H:i:s A", a 24-hour clock
    # with a redundant PM). "Closed" is an order refunded in full; "Canceled" has one l.
    header = ["ID", "Purchase Point", "Purchase Date", "Bill-to Name", "Ship-to Name", "Grand Total (Base)",
              "Grand Total (Purchased)", "Status", "Customer Email", "Subtotal", "Shipping and Handling"]
    rows: list[list[Any]] = [header, *[
        [order, "Main Website", day, "Ayşe Y", "Ayşe Y", total, total, status, email, "0", "0"]
        for order, day, total, status, email in [
            ("000000101", "Jan 5, 2026 14:15:33 PM", "129.9000", "Complete", "ayse@example.com"),
            ("000000102", "Jan 9, 2026 9:01:02 AM", "59.9000", "Closed", "ayse@example.com"),
            ("000000103", "Jan 12, 2026 10:00:00 AM", "40.0000", "Canceled", "mk@example.com"),
            ("000000104", "Feb 2, 2026 23:00:00 PM", "80.0000", "Processing", "mk@example.com")]]]

    cohort = read_cohort(text_file(rows), mapping={"customer_id": "Customer Email", "order_id": "ID"})

    assert cohort.report.column_mapping == {
        "customer_id": "Customer Email", "order_id": "ID", "order_date": "Purchase Date",
        "amount": "Grand Total (Base)", "status": "Status"}
    assert counts(cohort) == {"cancelled_order": 2}
    assert cohort.report.rejected_by_reason["cancelled_order"].rows == [2, 3]
    assert "status 'Closed' beside 'Complete' is an order refunded in full (as Magento closes it): read as a " \
           "cancellation" in cohort.report.notes
    assert cohort.history.equals(history([
        {"customer_id": "ayse@example.com", "total_quantity": 1, "total_spent": 129.9, "order_count": 1,
         "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"},
        {"customer_id": "mk@example.com", "total_quantity": 1, "total_spent": 80.0, "order_count": 1,
         "first_purchase": "2026-02-02", "last_purchase": "2026-02-02"}]))


def test_a_woocommerce_order_export_reads_its_line_totals_and_failed_payments_are_no_purchases() -> None:
    header = ["Order Number", "Order Status", "Order Date", "Customer User ID", "Billing Email", "Billing City",
              "Item SKU", "Item Name", "Quantity", "Item Cost", "Order Line Total", "Order Total Amount"]
    rows: list[list[Any]] = [
        header,
        ["1001", "wc-completed", "2026-01-05 10:15", "7", "ayse@example.com", "İzmir", "KZ-1", "Kazak", "2", "125.00",
         "300.00", "420.00"],
        ["1001", "wc-completed", "2026-01-05 10:15", "7", "ayse@example.com", "İzmir", "AT-1", "Atkı", "1", "100.00",
         "120.00", "420.00"],
        ["1002", "wc-refunded", "2026-01-09 12:00", "7", "ayse@example.com", "İzmir", "BR-1", "Bere", "1", "40.00",
         "48.00", "48.00"],
        ["1003", "wc-failed", "2026-01-12 12:00", "0", "guest@example.com", "Van", "KZ-1", "Kazak", "1", "250.00",
         "300.00", "300.00"],  # a guest: Customer User ID 0, as every guest has it
        ["1004", "wc-cancelled", "2026-01-13 12:00", "0", "guest@example.com", "Van", "BR-1", "Bere", "1", "40.00",
         "48.00", "48.00"]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows))
    assert raised.value.problems[0].hint == (
        "Its e-mail column 'Billing Email' tells customers apart if nothing else does: name it with "
        "mapping={'customer_id': 'Billing Email'} (on the command line: --map \"customer_id=Billing Email\")")
    cohort = read_cohort(text_file(rows), mapping={"customer_id": "Billing Email"})

    assert cohort.report.column_mapping == {
        "customer_id": "Billing Email", "order_id": "Order Number", "order_date": "Order Date",
        "product_id": "Item SKU", "product_name": "Item Name", "quantity": "Quantity", "amount": "Order Line Total",
        "city": "Billing City", "status": "Order Status"}
    assert counts(cohort) == {"cancelled_order": 3}
    assert cohort.customers.equals(customers([{"customer_id": "ayse@example.com", "city": "İzmir",
                                               "total_orders": 1}]))
    assert cohort.history.equals(history([
        {"customer_id": "ayse@example.com", "product_id": "KZ-1", "product_name": "Kazak", "total_quantity": 2,
         "total_spent": 300.0, "order_count": 1, "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"},
        {"customer_id": "ayse@example.com", "product_id": "AT-1", "product_name": "Atkı", "total_quantity": 1,
         "total_spent": 120.0, "order_count": 1, "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"}]))


def test_an_amazon_order_report_reads_item_price_as_the_lines_total() -> None:
    header = ["order-id", "order-item-id", "purchase-date", "buyer-email", "buyer-name", "sku", "product-name",
              "quantity-purchased", "currency", "item-price", "item-tax", "shipping-price", "ship-city"]
    rows: list[list[Any]] = [
        header,
        ["111-0000001-0000001", "1", "2026-01-05T23:15:33-08:00", "abc@marketplace.amazon.com", "Jane Doe", "KZ-1",
         "Wool Sweater", "2", "USD", "50.00", "4.00", "5.00", "SEATTLE"],
        ["111-0000001-0000001", "2", "2026-01-05T23:15:33-08:00", "abc@marketplace.amazon.com", "Jane Doe", "AT-1",
         "Scarf", "1", "USD", "20.00", "1.60", "0.00", "SEATTLE"]]

    cohort = read_cohort(text_file(rows, "\t"), mapping={"customer_id": "buyer-email"})

    assert cohort.report.column_mapping == {
        "customer_id": "buyer-email", "order_id": "order-id", "order_date": "purchase-date", "product_id": "sku",
        "product_name": "product-name", "quantity": "quantity-purchased", "amount": "item-price", "city": "ship-city"}
    assert cohort.report.notes[0] == ("amount: column 'item-price' is the line's total in an Amazon order report "
                                      "(quantity × unit price), read as the amount")
    assert cohort.history.equals(history([
        {"customer_id": "abc@marketplace.amazon.com", "product_id": "KZ-1", "product_name": "Wool Sweater",
         "total_quantity": 2, "total_spent": 50.0, "order_count": 1, "first_purchase": "2026-01-05",
         "last_purchase": "2026-01-05"},
        {"customer_id": "abc@marketplace.amazon.com", "product_id": "AT-1", "product_name": "Scarf",
         "total_quantity": 1, "total_spent": 20.0, "order_count": 1, "first_purchase": "2026-01-05",
         "last_purchase": "2026-01-05"}]))


def test_an_item_price_is_no_amount_outside_an_amazon_report_and_the_hint_says_to_name_it() -> None:
    rows: list[list[Any]] = [["Customer ID", "Order Date", "SKU", "Quantity", "Item Price"],
                             ["C1", "2026-01-05", "KZ-1", "2", "25.00"]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows))

    assert raised.value.problems[0].hint == (
        "Name the column of each line's money with mapping={'amount': '<column>'} (a line's total) or "
        "mapping={'unit_price': '<column>'} (a price per unit) (on the command line: --map amount=<column>)")


@pytest.mark.parametrize(("columns", "mapping", "used"), [
    (["Buyer", "SKU", "Item Name"], {"product_name": "Item Name"},
     {"customer_id": "Buyer", "product_name": "Item Name"}),
    (["Buyer", "SKU", "Title"], {"product_name": "Title"}, {"customer_id": "Buyer", "product_name": "Title"}),
    (["Buyer", "SKU", "Item Name"], {"product_name": None}, {"customer_id": "Buyer", "product_id": "SKU"}),
])
def test_an_empty_sku_column_gives_way_to_the_product_name_the_mapping_names(
        columns: list[str], mapping: dict[str, str | None], used: dict[str, str]) -> None:
    # The mapping's product name serves as a recognised one does; turned off, nothing serves and the SKU is read.
    recognised = recognise(columns, {"customer_id": "Buyer", **mapping}, filled=lambda column: column != "SKU")

    assert recognised.used == used


def test_an_etsy_sold_items_export_reads_with_its_buyer_named_and_its_empty_sku_column_left_out() -> None:
    header = ["Sale Date", "Item Name", "Buyer", "Quantity", "Price", "Discount Amount", "Order Shipping",
              "Item Total", "Currency", "Transaction ID", "Listing ID", "Ship City", "Ship Country", "Order ID", "SKU"]
    rows: list[list[Any]] = [
        header,
        ["01/05/26", "Wool Sweater", "janedoe12", "2", "25.00", "0", "5.00", "50.00", "USD", "3001", "901", "Seattle",
         "United States", "2001", ""],
        ["01/05/26", "Scarf", "janedoe12", "1", "20.00", "0", "5.00", "20.00", "USD", "3002", "902", "Seattle",
         "United States", "2001", ""],
        ["01/13/26", "Scarf", "bobsmith", "1", "20.00", "0", "5.00", "20.00", "USD", "3003", "902", "Portland",
         "United States", "2002", ""]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows))
    assert raised.value.problems[0].hint == (
        "Its column 'Buyer' names the buyers, if nothing else tells them apart (customers of the same name are then "
        "one customer): name it with mapping={'customer_id': 'Buyer'} (on the command line: --map "
        "\"customer_id=Buyer\")")
    cohort = read_cohort(text_file(rows), mapping={"customer_id": "Buyer"})

    assert cohort.report.column_mapping == {
        "customer_id": "Buyer", "order_id": "Order ID", "order_date": "Sale Date", "product_name": "Item Name",
        "quantity": "Quantity", "amount": "Item Total", "unit_price": "Price", "city": "Ship City"}
    assert "product_id: column 'SKU' holds no value, not read (the product_name serves)" in cohort.report.notes
    assert counts(cohort) == {}
    assert cohort.customers.equals(customers([
        {"customer_id": "janedoe12", "city": "Seattle", "total_orders": 1},
        {"customer_id": "bobsmith", "city": "Portland", "total_orders": 1}]))
    assert cohort.history.equals(history([
        {"customer_id": "janedoe12", "product_id": "Wool Sweater", "product_name": "Wool Sweater",
         "total_quantity": 2, "total_spent": 50.0, "order_count": 1, "first_purchase": "2026-01-05",
         "last_purchase": "2026-01-05"},
        {"customer_id": "janedoe12", "product_id": "Scarf", "product_name": "Scarf", "total_quantity": 1,
         "total_spent": 20.0, "order_count": 1, "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"},
        {"customer_id": "bobsmith", "product_id": "Scarf", "product_name": "Scarf", "total_quantity": 1,
         "total_spent": 20.0, "order_count": 1, "first_purchase": "2026-01-13", "last_purchase": "2026-01-13"}]))


def test_a_hepsiburada_order_report_names_its_buyer_column_and_reads_the_sellers_stock_code() -> None:
    header = ["Sipariş Numarası", "Sipariş Tarihi", "Müşteri Adı Soyadı", "Ürün Adı", "Satıcı Stok Kodu", "Adet",
              "Birim Fiyat", "Kargo Şirketi", "Sipariş Durumu"]
    rows: list[list[Any]] = [
        header,
        ["4400001", "05.01.2026 10:15", "Ayşe Yılmaz", "Kazak", "KZ-1", "2", "250,00", "Yurtiçi Kargo",
         "Teslim Edildi"],
        ["4400002", "09.01.2026 10:15", "Ayşe Yılmaz", "Atkı", "AT-1", "1", "100,00", "Aras Kargo", "İptal"]]

    with pytest.raises(InvalidInput) as raised:
        read_cohort(text_file(rows, ";"))
    assert raised.value.problems[0].hint == (
        "Its column 'Müşteri Adı Soyadı' names the buyers, if nothing else tells them apart (customers of the same "
        "name are then one customer): name it with mapping={'customer_id': 'Müşteri Adı Soyadı'} (on the command "
        "line: --map \"customer_id=Müşteri Adı Soyadı\")")
    cohort = read_cohort(text_file(rows, ";"), mapping={"customer_id": "Müşteri Adı Soyadı"})

    assert cohort.report.column_mapping["product_id"] == "Satıcı Stok Kodu"
    assert counts(cohort) == {"cancelled_order": 1}
    assert cohort.history.equals(history([
        {"customer_id": "Ayşe Yılmaz", "product_id": "KZ-1", "product_name": "Kazak", "total_quantity": 2,
         "total_spent": 500.0, "order_count": 1, "first_purchase": "2026-01-05", "last_purchase": "2026-01-05"}]))
