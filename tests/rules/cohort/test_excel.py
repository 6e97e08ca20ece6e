"""Reading Excel workbooks as Excel shows them: the sheet's real extent, formula results, error cells."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort import workbook
from rules.cohort.excel import _column_value_by_value, column_from_values, read_xlsx
from rules.cohort.read import read_cohort
from tests.rules.cohort.test_read_support import counts, workbook_bytes

HEADER = ["Müşteri No", "Sipariş No", "Tarih", "Ürün Kodu", "Adet", "Tutar"]


def _with_sheet_xml(data: bytes, change: Callable[[str], str]) -> bytes:
    """The workbook with its first sheet's XML changed (as other programs than openpyxl write it)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize("reference", ["A1:F3", "A1", "A1:D101"], ids=["fewer rows", "one cell", "fewer columns"])
def test_a_stale_dimension_tag_does_not_cut_the_sheet(reference: str) -> None:
    rows = [HEADER] + [[f"C{i % 10}", f"O{i}", date(2026, 1, 1 + i % 28), f"P{i % 7}", 1, 10] for i in range(100)]
    data = _with_sheet_xml(workbook_bytes(rows), lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>',
                                                               f'<dimension ref="{reference}"/>', xml))
    assert f'<dimension ref="{reference}"/>'.encode() in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml")

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (100, 100)
    assert counts(cohort) == {}
    assert cohort.customers["customer_id"].tolist() == [f"C{i}" for i in range(10)]
    assert cohort.history["total_spent"].sum() == 1000


@pytest.mark.parametrize("empty", ["<v/>", "<v></v>"])
def test_formulas_excel_calculated_to_an_empty_text_are_empty_cells(empty: str) -> None:
    rows: list[list[Any]] = [["Müşteri No", "Tarih", "Ürün Kodu", "Kategori", "Adet", "Tutar"],
            ["C1", date(2026, 1, 5), "P1", "MAKEUP", 2, 20], ["C1", date(2026, 1, 9), "P2", None, 1, 50]]

    def as_excel_saves_it(xml: str) -> str:
        # A lookup that found nothing in D3, and template rows 4-5 whose amount formula gives "".
        lookup = f'<c r="D3" t="str"><f>IFERROR(VLOOKUP(C3,Urunler!A:B,2,0),"")</f>{empty}</c>'
        xml = re.sub(r'(<c r="C3"[^>]*>.*?</c>)', lambda match: match[1] + lookup, xml)
        template = "".join(f'<row r="{r}"><c r="A{r}" t="str"><f>IF(B{r}="","",B{r})</f>{empty}</c>'
                           f'<c r="F{r}" t="str"><f>IF(E{r}="","",E{r}*10)</f>{empty}</c></row>' for r in (4, 5))
        return xml.replace("</sheetData>", template + "</sheetData>")

    cohort = read_cohort(_with_sheet_xml(workbook_bytes(rows), as_excel_saves_it))

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (2, 2)
    assert counts(cohort) == {}
    assert cohort.report.warnings == []
    assert cohort.history["category"].astype(object).where(cohort.history["category"].notna(), None).tolist() == [
        "MAKEUP", None]


def test_null_texts_are_no_value_and_error_cells_are_values_as_in_the_same_table_as_csv() -> None:
    rows: list[list[Any]] = [HEADER, ["C1", "O1", "2026-01-05", "P1", 1, 10], ["C2", "O2", "2026-01-05", "P1", 1, 10]]
    rows += [[text, f"O{i}", "2026-01-06", "P2", 1, 20] for i, text in enumerate(["#N/A", "NULL", "N/A"], start=3)]
    rows += [["C2", "O20", "2026-01-07", "P3", 1, "#DIV/0!"], ["C1", "O21", "2026-01-07", "#N/A", 2, 30],
             ["C3", "O22", "2026-01-07", "P3", 1, "#VALUE!"]]
    workbook = workbook_bytes(rows)
    assert b't="e"' in zipfile.ZipFile(io.BytesIO(workbook)).read("xl/worksheets/sheet1.xml")  # real error cells
    csv = "\n".join(",".join(map(str, row)) for row in rows).encode("utf-8")

    from_csv, from_xlsx = read_cohort(csv), read_cohort(workbook)

    # A failed formula is a value that could not be worked out (bad_amount), never a missing one.
    assert counts(from_xlsx) == counts(from_csv) == {"missing_customer_id": 3, "bad_amount": 2,
                                                         "missing_product": 1}
    assert from_xlsx.customers["customer_id"].tolist() == from_csv.customers["customer_id"].tolist() == ["C1", "C2"]
    assert from_xlsx.report.rows_accepted == from_csv.report.rows_accepted == 2


def test_an_error_value_in_an_amount_beside_a_unit_price_is_a_bad_amount_not_quantity_times_price() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "quantity", "unit_price", "amount"],
                             ["C1", "2026-01-05", "P1", 1, 10, 10], ["C1", "2026-01-06", "P1", 3, 10, "#DIV/0!"]]
    csv = "\n".join(",".join(map(str, row)) for row in rows).encode("utf-8")

    for cohort in (read_cohort(csv), read_cohort(workbook_bytes(rows))):
        assert counts(cohort) == {"bad_amount": 1}
        assert cohort.history["total_spent"].tolist() == [10.0]


def test_a_text_formula_without_a_stored_result_was_never_calculated() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "quantity", "unit_price", "amount"],
                             ["C1", date(2026, 1, 5), "P1", 1, 10, 5]]

    def as_phpspreadsheet_writes_it(xml: str) -> str:  # told not to calculate: t="str" and no <v> at all
        return re.sub(r'<c r="F2"[^>]*>.*?</c>', '<c r="F2" t="str"><f>D2*E2*0.5</f></c>', xml)

    cohort = read_cohort(_with_sheet_xml(workbook_bytes(rows), as_phpspreadsheet_writes_it))

    assert counts(cohort) == {"bad_amount": 1}
    assert cohort.report.warnings[0].startswith("1 formula cell(s) have no stored result")


def _order_rows() -> list[list[Any]]:
    return [list(HEADER)] + [[f"C{i % 3}", f"O{i}", date(2026, 1, 1 + i), f"P{i % 2}", 1, 10 * i] for i in range(1, 9)]


@pytest.mark.parametrize("stray", [(1, 16384), (5, 16384), (1, 9)], ids=["XFD1", "XFD5", "I1"])
def test_a_stray_cell_far_to_the_right_is_one_column_not_thousands(stray: tuple[int, int]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(_order_rows())))
    workbook.active.cell(*stray, "not")
    buffer = io.BytesIO()
    workbook.save(buffer)

    plain, with_stray = read_cohort(workbook_bytes(_order_rows())), read_cohort(buffer.getvalue())

    assert with_stray.customers.equals(plain.customers)
    assert with_stray.history.equals(plain.history)
    assert (with_stray.report.rows_read, counts(with_stray)) == (plain.report.rows_read, counts(plain)) == (8, {})
    column = "not" if stray[0] == 1 else f"column_{stray[1]}"
    assert [note for note in with_stray.report.notes if note.startswith("columns not used")] == [
        f"columns not used: {column}"]


def test_a_column_filled_in_a_few_rows_only_is_read() -> None:
    rows = _order_rows()
    rows[0].append("Şehir")
    rows[2].append("Ankara")  # the only row reaching the city column

    cohort = read_cohort(workbook_bytes(rows))

    cities = cohort.customers.set_index("customer_id")["city"]
    assert cities.astype(object).where(cities.notna(), None).to_dict() == {"C0": None, "C1": None, "C2": "Ankara"}


@pytest.mark.parametrize("container", ["xlsx", "json"])
def test_rejected_rows_show_number_cells_as_their_own_values_beside_decimal_comma_text(container: str) -> None:
    rows: list[list[Any]] = [["Müşteri No", "Tarih", "Ürün Kodu", "Adet", "Tutar"],
                             ["C1", "2026-01-05", "P1", 1, "1.234,50"], ["C2", "2026-01-06", "P2", "iki", 7.125],
                             ["C3", "2026-01-06", "P2", 1, 0.5]]
    data = workbook_bytes(rows) if container == "xlsx" else json.dumps(
        [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]).encode()

    cohort = read_cohort(data, name=f"orders.{container}")

    assert cohort.report.decimal_mark == ","
    assert cohort.history["total_spent"].tolist() == [1234.5, 0.5]
    assert cohort.report.rejected_by_reason["bad_quantity"].examples == [
        {"Müşteri No": "C2", "Tarih": "2026-01-06", "Ürün Kodu": "P2", "Adet": "iki", "Tutar": "7.125"}]
    assert cohort.rejected[["row", "reason", "Adet", "Tutar"]].astype(object).values.tolist() == [
        [2, "bad_quantity", "iki", "7.125"]]


def test_text_dates_beside_date_serials_are_no_evidence_for_the_decimal_mark_of_number_cells() -> None:
    # As a sheet holds them: dates typed as text beside dates kept as serial numbers, an amount pasted as text
    # beside amount cells. 25.08.2025 looks like a decimal point; it is no number at all.
    rows: list[list[Any]] = [["Müşteri No", "Tarih", "Ürün Kodu", "Adet", "Tutar"],
                             ["C1", 45894, "P1", 3, 21.75], ["C1", "25.08.2025", "P2", 1, 30],
                             ["C2", "26.08.2025", "P1", 1, "12,50"]]
    as_csv = ("Müşteri No;Tarih;Ürün Kodu;Adet;Tutar\n"
              "C1;45894;P1;3;21,75\nC1;25.08.2025;P2;1;30\nC2;26.08.2025;P1;1;12,50\n")

    for cohort in (read_cohort(workbook_bytes(rows)), read_cohort(as_csv.encode())):
        assert counts(cohort) == {}
        assert cohort.report.decimal_mark == ","
        assert cohort.report.warnings == []
        assert cohort.history[["customer_id", "product_id", "total_spent"]].values.tolist() == [
            ["C1", "P1", 21.75], ["C1", "P2", 30.0], ["C2", "P1", 12.5]]


def test_a_hidden_first_sheet_is_skipped_with_a_warning_and_read_when_named() -> None:
    workbook = openpyxl.Workbook()
    old = workbook.active
    assert old is not None
    old.title, old.sheet_state = "Eski", "hidden"
    current = workbook.create_sheet("Siparisler")
    for sheet, customer in ((old, "OLD-1"), (current, "C-1")):
        sheet.append(["customer_id", "order_date", "product_id", "quantity", "amount"])
        sheet.append([customer, "2026-01-05", "P1", 2, 10.0])
    buffer = io.BytesIO()
    workbook.save(buffer)

    default = read_cohort(buffer.getvalue(), name="orders.xlsx")
    named = read_cohort(buffer.getvalue(), name="orders.xlsx", sheet="Eski")

    assert list(default.customers["customer_id"]) == ["C-1"]
    assert default.report.warnings == ["skipped the hidden sheet(s) 'Eski' and read the first visible one, "
                                       "'Siparisler'; a hidden sheet is read when chosen by name or place"]
    assert list(named.customers["customer_id"]) == ["OLD-1"]
    assert named.report.warnings == []


def _with_zero_results(data: bytes, results: dict[str, str], *, calculate_on_load: bool) -> bytes:
    """The workbook with formula cells (cell → formula) storing 0, flagged to be calculated when opened (as
    XlsxWriter writes it) or not (as Excel saves it)."""
    calc = '<calcPr calcId="124519" fullCalcOnLoad="1"/>' if calculate_on_load else '<calcPr calcId="191029"/>'
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename).decode("utf-8")
            if item.filename == "xl/worksheets/sheet1.xml":
                for cell, formula in results.items():
                    content = re.sub(rf'<c r="{cell}"[^>]*>.*?</c>', f'<c r="{cell}"><f>{formula}</f><v>0</v></c>',
                                     content)
            if item.filename == "xl/workbook.xml":
                content = re.sub(r"<calcPr\b[^>]*/>", calc, content)
            target.writestr(item, content.encode("utf-8"))
    return out.getvalue()


ZERO_ROWS: list[list[Any]] = [["customer_id", "order_date", "product_id", "quantity", "unit_price", "amount"],
                              ["C1", "2026-01-05", "P1", 2, 5, 10], ["C2", "2026-01-05", "P1", 3, 5, 15]]


def test_a_stored_zero_in_a_workbook_flagged_to_be_calculated_on_opening_is_no_result() -> None:
    flagged = _with_zero_results(workbook_bytes(ZERO_ROWS), {"F2": "D2*E2"}, calculate_on_load=True)
    assert zipfile.ZipFile(io.BytesIO(flagged)).read("xl/workbook.xml").count(b"<calcPr") == 1

    cohort = read_cohort(flagged)

    assert counts(cohort) == {"bad_amount": 1}
    assert cohort.history["customer_id"].tolist() == ["C2"]
    assert cohort.report.warnings[0] == (
        "1 formula cell(s) have no stored result (the workbook was saved without calculating them, as programs that "
        "write workbooks do): they are read as their formula text, so their rows are rejected; open and save the "
        "workbook in Excel to store the results (1 of them stored 0, which a workbook flagged to be calculated when "
        "opened holds for a formula never calculated, as XlsxWriter writes it)")


def test_the_flag_to_calculate_on_opening_is_read_from_a_workbook_part_elsewhere_than_xl_workbook_xml() -> None:
    flagged = _with_zero_results(workbook_bytes(ZERO_ROWS), {"F2": "D2*E2"}, calculate_on_load=True)
    source, out = zipfile.ZipFile(io.BytesIO(flagged)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:  # the workbook part at xl/book.xml
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                content = content.replace(b"xl/workbook.xml", b"xl/book.xml")
            target.writestr(item.filename.replace("workbook.xml", "book.xml"), content)

    cohort = read_cohort(out.getvalue())

    assert counts(cohort) == {"bad_amount": 1}
    assert cohort.history["customer_id"].tolist() == ["C2"]


def test_a_stored_zero_in_a_workbook_excel_calculated_is_a_zero() -> None:
    calculated = _with_zero_results(workbook_bytes(ZERO_ROWS), {"F2": "D2*E2*0"}, calculate_on_load=False)

    cohort = read_cohort(calculated)

    assert counts(cohort) == {"zero_price": 1}
    assert not any("formula" in warning for warning in cohort.report.warnings)


def _merged_workbook(rows: list[list[Any]], merged: list[str]) -> bytes:
    """A workbook of the rows with the ranges merged (cells covered by a range hold nothing, as Excel saves them)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for reference in merged:
        sheet.merge_cells(reference)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_value_merged_down_over_rows_is_each_rows_value_and_blank_cells_stay_blank() -> None:
    rows: list[list[Any]] = [
        HEADER,
        ["C1", "O1", date(2026, 1, 5), "P1", 1, 10],
        [None, "O2", date(2026, 1, 9), "P2", 2, 20],  # A2:A4 merged: C1's id written once
        [None, None, None, "P3", 1, 5],  # B3:B4 and C3:C4: order O2's id and date written once
        ["C2", "O3", date(2026, 1, 7), "P1", 1, 10],
        [None, "O4", date(2026, 1, 8), "P1", 1, 10]]  # a blank id no range covers: still no customer id
    data = _merged_workbook(rows, ["A2:A4", "B3:B4", "C3:C4"])

    cohort = read_cohort(data)

    assert counts(cohort) == {"missing_customer_id": 1}
    assert cohort.rejected[["row", "reason", "Sipariş No"]].values.tolist() == [[5, "missing_customer_id", "O4"]]
    assert cohort.history[["customer_id", "product_id", "total_quantity", "total_spent", "order_count"]].astype(
        object).values.tolist() == [["C1", "P1", 1, 10.0, 1], ["C1", "P2", 2, 20.0, 1], ["C1", "P3", 1, 5.0, 1],
                                    ["C2", "P1", 1, 10.0, 1]]
    assert cohort.history["last_purchase"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-01-05", "2026-01-09", "2026-01-09", "2026-01-07"]
    assert "merged cells: 3 range(s) in column(s) 'Müşteri No', 'Sipariş No', 'Tarih' give their value to the 4 " \
           "cell(s) below their first, as Excel shows it across the range" in cohort.report.notes


def test_a_range_merged_across_a_data_row_fills_only_its_first_column() -> None:
    rows: list[list[Any]] = [HEADER, ["C1", "O1", date(2026, 1, 5), "P1", 1, 10],
                             ["C2", "O2", date(2026, 1, 6), "P1", None, 10]]
    data = _merged_workbook(rows, ["D3:E3"])  # the product written across the quantity's cell

    cohort = read_cohort(data)

    # The quantity stays empty, as Excel shows it: the row is what it would be without the merge.
    assert cohort.history.equals(read_cohort(workbook_bytes(rows)).history)
    assert not any(note.startswith("merged cells") for note in cohort.report.notes)


@pytest.mark.parametrize(("rows", "merged", "skipped"), [
    # The labels' row is the one found as the header (Müşteri, Sipariş, Ürün Kodu, Adet, Tutar are names).
    ([["Müşteri", None, "Sipariş", None, "Ürün Kodu", "Adet", "Tutar"],
      ["No", "Adı", "No", "Tarih", None, None, None]], ["A1:B1", "C1:D1", "E1:E2", "F1:F2", "G1:G2"], 0),
    # The names' row is (Tarih, Ürün Kodu, Adet, Tutar), under a title merged across the table.
    ([["Satış Raporu", None, None, None, None, None, None], ["Müşteri", None, "Sipariş", None, None, None, None],
      ["No", "Adı", "No", "Tarih", "Ürün Kodu", "Adet", "Tutar"]], ["A1:G1", "A2:B2", "C2:D2"], 1),
], ids=["labels row found", "names row found"])
def test_a_two_row_header_joins_each_merged_group_label_with_the_names_below_it(
        rows: list[list[Any]], merged: list[str], skipped: int) -> None:
    rows = [*rows, ["C1", "Ali", "O1", date(2026, 1, 5), "P1", 1, 10],
            ["C2", "Ayşe", "O2", date(2026, 1, 6), "P2", 2, 30]]

    cohort = read_cohort(_merged_workbook(rows, merged))

    assert cohort.report.column_mapping == {"customer_id": "Müşteri No", "order_id": "Sipariş No",
                                            "order_date": "Tarih", "product_id": "Ürün Kodu", "quantity": "Adet",
                                            "amount": "Tutar"}
    assert counts(cohort) == {}
    assert cohort.history[["customer_id", "product_id", "total_spent"]].values.tolist() == [["C1", "P1", 10.0],
                                                                                            ["C2", "P2", 30.0]]
    assert [note for note in cohort.report.notes if "header" in note] == [
        "the header is two rows, merged group labels over the names below them: read as 'Müşteri No', "
        "'Müşteri Adı', 'Sipariş No'"] + [f"skipped {skipped} row(s) above the header"] * bool(skipped)
    assert "columns not used: Müşteri Adı" in cohort.report.notes


def _every_kind_of_cell() -> bytes:
    """A sheet with a preamble row, text with blanks and null texts, error cells, a formula never calculated, a
    number shown with leading zeros, date and date-time cells, a column mixing numbers with decimal-comma text,
    a value merged down, and a stray cell to the right."""
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes([
        ["Export of 2026-02-01"],
        [*HEADER, "Şehir"],
        [12, "O1", datetime(2026, 1, 5, 10, 30), "P1", 2, "1.234,50", "İzmir"],
        [None, "O2", date(2026, 1, 6), "P2", 1, 7.125, "  "],
        ["C3", "O3", "#N/A", "#REF!", 1, "=B5*2", "N/A"],
        ["C4", "O4", 46000, "P1", 3.0, 30, "Bursa"],
    ])))
    sheet = workbook.active
    assert sheet is not None
    sheet["A3"].number_format = "00000"
    sheet.merge_cells("A3:A4")
    sheet["K3"] = "stray"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_streamed_as_too_large_a_grid_is_read_the_same_as_one_read_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = _every_kind_of_cell()

    whole = read_xlsx(data)
    monkeypatch.setattr(workbook, "GRID_CELLS", 0)
    streamed = read_xlsx(data)

    assert streamed == whole
    assert whole.table.to_pydict() == {
        "Müşteri No": ["00012", "00012", "C3", "C4"],
        "Sipariş No": ["O1", "O2", "O3", "O4"],
        "Tarih": ["2026-01-05 10:30:00", "2026-01-06 00:00:00", None, "46000"],
        "Ürün Kodu": ["P1", "P2", "#REF!", "P1"],
        "Adet": [2, 1, 1, 3],
        "Tutar": ["1.234,50", "7,125", "=B5*2", "30"],
        "Şehir": ["İzmir", None, None, "Bursa"],
        "column_11": ["stray", None, None, None],
    }
    assert whole.shown is not None
    assert whole.shown["Tutar"].to_pylist() == ["1.234,50", "7.125", "=B5*2", "30"]
    assert whole.notes == ["skipped 1 row(s) above the header",
                           "merged cells: 1 range(s) in column(s) 'Müşteri No' give their value to the 1 cell(s) "
                           "below their first, as Excel shows it across the range",
                           "Müşteri No: numbers shown with leading zeros (00000) are read as shown"]
    assert [warning[:42] for warning in whole.warnings] == ["1 formula cell(s) have no stored result (t"]


_ONE_KIND = st.one_of(
    st.lists(st.one_of(st.none(), st.text(st.sampled_from(["a", "ş", " ", "\t", "\u3000", "\x1c", "0"]), max_size=3))),
    st.lists(st.one_of(st.none(), st.integers(-(2**60), 2**60), st.integers(-10, 10))),
    st.lists(st.one_of(st.none(), st.floats(), st.integers(-(2**54), 2**54))),
    st.lists(st.one_of(st.none(), st.datetimes())),
    st.lists(st.one_of(st.none(), st.dates())),
)


@settings(max_examples=300, deadline=None)
@given(_ONE_KIND)
def test_a_column_of_one_kind_built_by_arrow_is_the_column_built_value_by_value(values: list[Any]) -> None:
    built, by_value = column_from_values(values), _column_value_by_value(values)

    assert built.type == by_value.type
    assert repr(built.to_pylist()) == repr(by_value.to_pylist())  # repr: NaN equals NaN


def test_a_sheet_whose_tags_carry_a_namespace_prefix_keeps_its_error_cells_and_zero_padded_ids() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "quantity", "unit_price", "amount"],
                             [12, "2026-01-05", "P1", 1, 10, 10], [13, "2026-01-06", "P1", 3, 10, "#DIV/0!"]]
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(rows)))
    for cell in ("A2", "A3"):
        workbook.active[cell].number_format = "00000"
    buffer = io.BytesIO()
    workbook.save(buffer)

    def as_the_open_xml_sdk_writes_it(xml: str) -> str:  # <x:c r="F3" t="e"><x:v>#DIV/0!</x:v></x:c>
        return re.sub(r"<(/?)(?!\?)([A-Za-z]+)\b", r"<\1x:\2", xml).replace("xmlns=", "xmlns:x=")

    data = _with_sheet_xml(buffer.getvalue(), as_the_open_xml_sdk_writes_it)
    assert b'<x:c r="F3" t="e"><x:v>#DIV/0!</x:v></x:c>' in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml")

    cohort = read_cohort(data)

    assert counts(cohort) == {"bad_amount": 1}  # the error, never 3 × 10
    assert cohort.customers["customer_id"].tolist() == ["00012"]


def test_a_sheet_whose_rows_and_cells_have_no_place_keeps_its_error_cells_zero_padded_ids_and_formulas() -> None:
    rows: list[list[Any]] = [["customer_id", "order_date", "product_id", "quantity", "unit_price", "amount"],
                             [12, "2026-01-05", "P1", 1, 10, 10], [13, "2026-01-06", "P1", 3, 10, "#DIV/0!"],
                             [14, "2026-01-07", "P1", 2, 10, "=2*10"]]
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(rows)))
    for cell in ("A2", "A3", "A4"):
        workbook.active[cell].number_format = "00000"
    buffer = io.BytesIO()
    workbook.save(buffer)

    def without_places(xml: str) -> str:  # <row><c t="e"><v>#DIV/0!</v></c>, as Open XML SDK code often writes it
        return re.sub(r'(<(?:row|c)\b[^>]*?) r="[A-Z]*[0-9]+"', r"\1", xml)

    data = _with_sheet_xml(buffer.getvalue(), without_places)
    assert b'<c t="e"><v>#DIV/0!</v></c>' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")

    cohort = read_cohort(data)

    assert counts(cohort) == {"bad_amount": 2}  # the error and the formula never calculated, never 3 × 10 or 2 × 10
    assert cohort.customers["customer_id"].tolist() == ["00012"]
