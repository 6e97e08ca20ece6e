"""Merged ranges read from a sheet's XML, and filled down the data rows."""

from __future__ import annotations

from rules.cohort.merged_cells import JoinedHeader, Merge, fill_down, joined_header, merged_ranges


def test_merged_ranges_are_read_after_the_cells_with_or_without_a_namespace_prefix() -> None:
    xml = (b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCell ref="Z1:Z9"</t></is></c>'
           b'</row></sheetData><mergeCells count="2"><mergeCell ref="A2:A4"/><x:mergeCell ref="B1:D1" /></mergeCells>'
           b"</worksheet>")

    assert merged_ranges(xml) == [Merge(2, 1, 4, 1), Merge(1, 2, 1, 4)]  # not the text in A1
    assert merged_ranges(b"<worksheet><sheetData/></worksheet>") == []


def test_a_range_fills_the_rows_it_covers_that_the_data_has_and_none_above_the_data() -> None:
    rows = [("C1", "O1", 10), (None, "O2"), (None, None, 5), ("C2",)]
    numbers = [2, 3, 5, 6]  # sheet row 4 was empty, so it is no data row
    merges = [Merge(2, 1, 5, 1), Merge(1, 3, 3, 3), Merge(6, 1, 6, 3)]  # A2:A5; C1:C3 starts in the header; A6:C6

    filled = fill_down(rows, numbers, merges)

    assert filled == ([("C1", "O1", 10), ("C1", "O2"), ("C1", None, 5), ("C2",)], 1, 2, [0])


def test_a_label_that_is_a_name_alone_is_joined_to_the_names_below_it_so_they_are_not_read_as_data() -> None:
    # Müşteri is a customer id column's name by itself, so joining gives no more names than the header row; the
    # row below it is still names, not a customer "No" without purchases.
    rows = [["Müşteri", "", "Tarih", "Ürün Kodu", "Tutar"], ["No", "Adı", "", "", ""], ["C1", "Ali", "", "P1", "10"]]
    merges = [Merge(1, 1, 1, 2), Merge(1, 3, 2, 3), Merge(1, 4, 2, 4), Merge(1, 5, 2, 5)]

    assert joined_header(rows, [1, 2, 3], 0, merges) == JoinedHeader(
        0, ["Müşteri No", "Müşteri Adı", "Tarih", "Ürün Kodu", "Tutar"], ["Müşteri No", "Müşteri Adı"])


def test_a_data_row_under_a_merged_label_is_no_second_header_row() -> None:
    rows = [["Müşteri", "", "Tarih", "Ürün Kodu", "Tutar"], ["C1", "Ali", "2026-01-05", "P1", "10"]]

    assert joined_header(rows, [1, 2], 0, [Merge(1, 1, 1, 2)]) is None
