"""A workbook opened for reading: its sheets, their cells from A1, and the streamed reading of huge grids."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.chart import BarChart

from rules.cohort import workbook
from rules.cohort.workbook import SheetPart, open_workbook
from rules.errors import InvalidInput


def _book() -> bytes:
    """Sheets Lookup (hidden), Orders, a chart sheet, Notes; Orders' cells start at C3."""
    book = openpyxl.Workbook()
    lookup = book.active
    assert lookup is not None
    lookup.title, lookup.sheet_state = "Lookup", "hidden"
    lookup["A1"] = "code"
    orders = book.create_sheet("Orders")
    orders["C3"], orders["D3"], orders["E3"] = "id", "when", "amount"
    orders["C4"], orders["D4"], orders["E4"] = "C1", datetime(2026, 1, 5, 10, 30), 12
    orders["C5"], orders["D5"], orders["E5"] = "N/A", date(2026, 1, 6), 2.5
    orders["E4"].number_format = "00000"
    chart = book.create_chartsheet("Chart")
    chart.add_chart(BarChart())
    book.create_sheet("Notes")["A1"] = "note"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_sheets_of_cells_in_order_hidden_ones_marked_chart_sheets_left_out() -> None:
    with open_workbook(_book()) as book:
        assert book.sheets == [SheetPart("Lookup", True, "xl/worksheets/sheet1.xml"),
                               SheetPart("Orders", False, "xl/worksheets/sheet2.xml"),
                               SheetPart("Notes", False, "xl/worksheets/sheet3.xml")]
        assert book.default == book.sheets[1]  # the first visible one


def test_a_sheet_is_found_by_name_by_place_and_by_place_as_text() -> None:
    with open_workbook(_book()) as book:
        assert [book.find(name).name for name in ("Notes", 0, "2", None)] == ["Notes", "Lookup", "Notes", "Orders"]
        with pytest.raises(InvalidInput) as caught:
            book.find("Müşteriler")

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("sheet", "Müşteriler")
    assert problem.msg == "the workbook has no sheet 'Müşteriler'; its sheets are: Lookup, Orders, Notes"


def test_rows_start_at_a1_with_empty_cells_and_no_value_texts_as_none() -> None:
    with open_workbook(_book()) as book:
        rows = book.rows(book.find("Orders"), no_value={"", "N/A"})

    assert rows == [[None] * 5, [None] * 5, [None, None, "id", "when", "amount"],
                    [None, None, "C1", datetime(2026, 1, 5, 10, 30), 12.0],
                    [None, None, None, date(2026, 1, 6), 2.5]]


def test_rows_stop_at_the_limit() -> None:
    with open_workbook(_book()) as book:
        assert len(book.rows(book.find("Orders"), limit=3)) == 3


def test_the_number_format_of_each_cell_style() -> None:
    with open_workbook(_book()) as book:
        formats = book.number_formats()

    assert "00000" in formats
    assert formats[0] == "General"


def test_a_grid_too_large_for_one_piece_is_streamed_with_rows_ending_at_their_last_cell(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sheet_book = openpyxl.Workbook()
    sheet = sheet_book.active
    assert sheet is not None
    sheet["A1"], sheet["A2"], sheet["A3"], sheet["XFD1"] = "id", 7, "#N/A", "stray"
    buffer = io.BytesIO()
    sheet_book.save(buffer)

    with open_workbook(buffer.getvalue()) as book:
        whole = book.rows(book.sheets[0], no_value={"", "#N/A"})
        monkeypatch.setattr(workbook, "GRID_CELLS", 16_384 * 3 - 1)
        streamed = book.rows(book.sheets[0], no_value={"", "#N/A"})

    assert [len(row) for row in whole] == [16_384] * 3
    assert [len(row) for row in streamed] == [16_384, 1, 1]
    assert [row[0] for row in whole] == ["id", 7.0, None]
    assert [row[0] for row in streamed] == ["id", 7, None]  # openpyxl gives whole numbers as ints
    assert whole[0][-1] == streamed[0][-1] == "stray"
