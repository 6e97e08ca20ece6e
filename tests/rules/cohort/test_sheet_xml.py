"""What a sheet's cells show beyond their stored values, found in the sheet's XML as different programs write it."""

from __future__ import annotations

from rules.cohort.sheet_xml import Uncalculated, error_cells, uncalculated_formulas, zero_padded_cells

_CALCULATE_ON_LOAD = b'<workbook><calcPr calcId="0" fullCalcOnLoad="1"/></workbook>'


def test_error_cells_with_their_value_whatever_the_order_of_the_attributes() -> None:
    xml = (b'<sheetData><row r="2"><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c t="e" s="3" r="C2"><v>#REF!</v></c>'
           b'<c r="D2" t="s"><v>4</v></c><c r="E2" t="e"/></row>'
           b'<row r="10"><c r="AA10" t="e"><f>NA()</f><v>#N/A</v></c></row></sheetData>')

    assert error_cells(xml) == {2: {2: "#DIV/0!", 3: "#REF!"}, 10: {27: "#N/A"}}


def test_no_error_cells_in_a_sheet_without_any() -> None:
    assert error_cells(b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>') == {}


def test_cells_of_the_styles_whose_format_pads_with_zeros() -> None:
    xml = (b'<row r="3"><c r="A3" s="1"><v>12</v></c><c s="2" r="B3"><v>5</v></c><c r="C3" s="12"><v>7</v></c>'
           b'<c r="D3" t="s" s="2"><v>0</v></c></row>')

    # Style 1 shows 00000, style 2 is General, style 12 shows 000 (a style "1" must not match "12").
    formats = ["General", "00000", "General"] + ["General"] * 9 + ["000"]

    assert zero_padded_cells(xml, formats) == {3: {1: 5, 3: 3}}
    assert zero_padded_cells(xml, ["General", "0.00", "0"]) == {}


def test_formulas_without_a_stored_result_and_stored_zeros_of_a_workbook_calculated_on_opening() -> None:
    xml = (b'<row r="2"><c r="A2"><f>2*5</f></c><c r="B2"><f>SUM(A1:A9)</f><v>0</v></c>'
           b'<c r="C2" t="str"><f>IF(A2="","",A2)</f><v></v></c><c r="D2"><f>1+1</f><v>2</v></c>'
           b'<c r="E2"><f t="shared" si="0"/><v/></c></row>')

    assert uncalculated_formulas(_CALCULATE_ON_LOAD, xml) == Uncalculated(
        {2: {1: "=2*5", 2: "=SUM(A1:A9)", 5: "=(shared formula)"}}, 1)
    assert uncalculated_formulas(b"<workbook/>", xml) == Uncalculated({2: {1: "=2*5", 5: "=(shared formula)"}}, 0)


def test_tags_with_a_namespace_prefix_and_attributes_in_single_quotes() -> None:
    xml = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           b"<x:row r='2'><x:c r='B2' t='e'><x:v>#REF!</x:v></x:c><x:c r='C2' s='1'><x:v>12</x:v></x:c>"
           b"<x:c r='D2'><x:f>2*5</x:f></x:c></x:row></x:sheetData></x:worksheet>")

    assert error_cells(xml) == {2: {2: "#REF!"}}
    assert zero_padded_cells(xml, ["General", "00000"]) == {2: {3: 5}}
    assert uncalculated_formulas(b"<workbook/>", xml) == Uncalculated({2: {4: "=2*5"}}, 0)


def test_cells_without_a_place_are_placed_after_the_cell_and_the_row_before_them() -> None:
    # The spec lets a writer leave out a row's and a cell's `r`: a row follows the row before, a cell the cell
    # before it in its row; a given `r` places them, and the ones after follow it.
    xml = (b'<worksheet><sheetData><row><c t="s"><v>0</v></c><c s="1"><v>12</v></c></row>'
           b'<row><c t="e"><v>#REF!</v></c><c/><c><f>2*5</f></c></row>'
           b'<row r="7"><c r="C7" s="1"><v>3</v></c><c t="e"><v>#N/A</v></c></row>'
           b'<row><c s="1"><v>4</v></c></row></sheetData></worksheet>')

    assert error_cells(xml) == {2: {1: "#REF!"}, 7: {4: "#N/A"}}
    assert zero_padded_cells(xml, ["General", "00000"]) == {1: {2: 5}, 7: {3: 5}, 8: {1: 5}}
    assert uncalculated_formulas(b"<workbook/>", xml) == Uncalculated({2: {3: "=2*5"}}, 0)
