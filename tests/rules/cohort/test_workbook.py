"""A workbook opened for reading: its sheets, their cells from A1, and the streamed reading of huge grids."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta

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


def _with_parts(data: bytes, change: Callable[[str, bytes], tuple[str, bytes]]) -> bytes:
    """The workbook with each part renamed and changed by ``change`` (name, content → name, content)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(*change(item.filename, source.read(item.filename)))
    return out.getvalue()


def test_a_date_or_duration_cell_whose_number_is_no_date_is_an_error_value_not_a_crash() -> None:
    # calamine panics (a BaseException) on a date cell far before year 1 and overflows on a duration beyond
    # Python's; Excel shows both as ####.
    sheet_book = openpyxl.Workbook()
    sheet = sheet_book.active
    assert sheet is not None
    for row in (["id", "when", "hours"], [1, -1.1e11, 1e11], [2, 45_000.5, 1.5]):
        sheet.append(row)
    for cell in ("B2", "B3"):
        sheet[cell].number_format = "yyyy-mm-dd"
    for cell in ("C2", "C3"):
        sheet[cell].number_format = "[h]:mm"
    buffer = io.BytesIO()
    sheet_book.save(buffer)

    with open_workbook(buffer.getvalue()) as book:
        rows = book.rows(book.sheets[0])

    assert rows == [["id", "when", "hours"], [1, "#VALUE!", "#VALUE!"],
                    [2, datetime(2023, 3, 15, 12), timedelta(days=1, hours=12)]]


def test_a_workbook_part_elsewhere_than_xl_workbook_xml_is_found_by_its_relationship() -> None:
    def moved(name: str, content: bytes) -> tuple[str, bytes]:
        renamed = {"xl/workbook.xml": "xl/book.xml", "xl/_rels/workbook.xml.rels": "xl/_rels/book.xml.rels"}
        if name in ("[Content_Types].xml", "_rels/.rels"):
            content = content.replace(b"xl/workbook.xml", b"xl/book.xml")
        return renamed.get(name, name), content

    data = _with_parts(_book(), moved)
    assert "xl/workbook.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()

    with open_workbook(data) as book:
        rows = book.rows(book.find("Orders"), no_value={"", "N/A"})
        assert [part.name for part in book.sheets] == ["Lookup", "Orders", "Notes"]
        assert book.path == "xl/book.xml"

    assert rows == [[], [], [None, None, "id", "when", "amount"],
                    [None, None, "C1", datetime(2026, 1, 5, 10, 30), 12],
                    [None, None, None, datetime(2026, 1, 6), 2.5]]


_STYLES = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<numFmts count="2"><numFmt numFmtId="170" formatCode="0.0"/><numFmt numFmtId="171" formatCode="00000"/>'
           b'</numFmts><fonts count="1"><font/></fonts><fills count="2"><fill/><fill><patternFill patternType="none">'
           b'<extLst/></patternFill></fill></fills><borders count="1"><border/></borders>'
           b'<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="171"/><xf numFmtId="165"/>'
           b'<xf numFmtId="1"/></cellXfs></styleSheet>')


def test_the_number_formats_of_a_stylesheet_openpyxl_refuses_and_of_a_style_naming_no_format() -> None:
    # An empty <fill/> and an extLst in a fill (written by programs other than Excel, which opens them) make
    # openpyxl's stylesheet raise TypeError; style 3 names a format the workbook does not define: General.
    data = _with_parts(_book(), lambda name, content: (name, _STYLES if name == "xl/styles.xml" else content))

    with open_workbook(data) as book:
        assert book.number_formats() == ["General", "0.0", "00000", "General", "0"]
