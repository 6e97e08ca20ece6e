"""What a sheet's cells show beyond their stored values, read from the sheet's XML: formulas never calculated,
error values, and whole numbers shown with leading zeros.

calamine (`rules.cohort.workbook`) gives a formula without a stored result and an error cell as empty, and a
number as its value whatever its format; these are found in the XML by plain byte searches, as a sheet of
100,000 rows is tens of megabytes and most sheets have none of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import NamedTuple

from openpyxl.utils import column_index_from_string

# row → column → what the cell holds, 1-based as the sheet counts them.
CellMap = dict[int, dict[int, str]]

# A cell holding a formula and no stored result: `<c r="D2"><f>2*5</f><v /></c>` (or no <v> at all); its
# attributes are checked apart (`_CELL_PLACE`, `_TEXT_RESULT`).
_UNCALCULATED = re.compile(rb'<c\b([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)(<v\s*/>|<v>\s*</v>)?</c>')
_CELL_PLACE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
# A formula whose result is text: with an empty <v>, Excel calculated it to "" (=IFERROR(…;""), a template
# row's =IF(E9="";"";E9*G9)), which is an empty cell, not a formula never calculated. Without a <v>, it was
# never calculated (PhpSpreadsheet writes every formula so when told not to calculate them).
_TEXT_RESULT = re.compile(rb'\bt="str"')
# XlsxWriter (unless told a result) and Apache POI store 0 as a formula's result and flag the workbook to be
# calculated when it is opened (<calcPr fullCalcOnLoad="1"/>); Excel and LibreOffice set no such flag when they
# save. In a flagged workbook a stored 0 cannot be told from a calculated 0, so it is taken as no result: a real
# 0 in a number column (an amount, a quantity) is a rejected row either way. Results other than 0 are kept.
_ZERO_RESULT = re.compile(rb'<c\b([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)(<v>0</v>)</c>')
_CALCULATE_ON_LOAD = re.compile(rb'<calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')
# A cell of the error type (`t="e"`), a formula's result or a value: `<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>`.
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_ZEROS = re.compile(r"0{2,}")


class Uncalculated(NamedTuple):
    """The sheet's formula cells without a result (the formula's text, ``=2*5``); `zeros`: how many of them stored
    a 0 in a workbook flagged to be calculated on opening."""

    formulas: CellMap
    zeros: int


def uncalculated_formulas(workbook_xml: bytes, xml: bytes) -> Uncalculated:
    """The sheet's (``xml``) formula cells without a stored result, and those whose stored 0 is no result
    (`_ZERO_RESULT`; ``workbook_xml``: the workbook's ``xl/workbook.xml``, which holds the flag)."""
    if b"<f" not in xml:
        return Uncalculated({}, 0)
    found: CellMap = {}
    zeros = 0
    patterns = (_UNCALCULATED, _ZERO_RESULT) if _CALCULATE_ON_LOAD.search(workbook_xml) else (_UNCALCULATED,)
    for pattern in patterns:
        for match in pattern.finditer(xml):
            place = _CELL_PLACE.search(match[1])
            if place is None or (pattern is _UNCALCULATED and match[3] is not None and _TEXT_RESULT.search(match[1])):
                continue
            formula = html.unescape(match[2].decode("utf-8", "replace")) if match[2] else "(shared formula)"
            found.setdefault(int(place[2]), {})[column_index_from_string(place[1].decode())] = f"={formula}"
            zeros += pattern is _ZERO_RESULT
    return Uncalculated(found, zeros)


def error_cells(xml: bytes) -> CellMap:
    """The sheet's cells of the error type, with their error value (``#REF!``)."""
    if b't="e"' not in xml:
        return {}
    found: CellMap = {}
    for match in _ERROR_CELL.finditer(xml):
        place = _CELL_PLACE.search(match[1])
        if place is not None:
            found.setdefault(int(place[2]), {})[column_index_from_string(place[1].decode())] = \
                html.unescape(match[2].decode("utf-8", "replace"))
    return found


def zero_padded_cells(xml: bytes, number_formats: Sequence[str]) -> dict[int, dict[int, int]]:
    """The sheet's cells whose number format shows whole numbers with leading zeros (``00000``, as ERPs export
    customer numbers): row → column → the width shown (``number_formats``: each cell style's format)."""
    widths = {str(style).encode(): len(code) for style, code in enumerate(number_formats) if _ZEROS.fullmatch(code)}
    if not widths:
        return {}
    styled = re.compile(rb'<c\b([^>]*\bs="(' + b"|".join(widths) + rb')"[^>]*)>')
    found: dict[int, dict[int, int]] = {}
    for match in styled.finditer(xml):
        place = _CELL_PLACE.search(match[1])
        if place is not None:
            found.setdefault(int(place[2]), {})[column_index_from_string(place[1].decode())] = widths[match[2]]
    return found
