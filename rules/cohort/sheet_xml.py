"""What a sheet's cells show beyond their stored values, read from the sheet's XML: formulas never calculated,
error values, and whole numbers shown with leading zeros.

calamine (`rules.cohort.workbook`) gives a formula without a stored result and an error cell as empty, and a
number as its value whatever its format; these are found in the XML by plain byte searches, as a sheet of
100,000 rows is tens of megabytes and most sheets have none of them.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from openpyxl.utils import column_index_from_string

# row → column → what the cell holds, 1-based as the sheet counts them.
CellMap = dict[int, dict[int, str]]

# The patterns below are written for tags without a namespace prefix, `~` standing where one goes: the Open XML
# SDK and programs built on it write `<x:c r="A1"><x:v>1</x:v></x:c>` (`_tags` puts the sheet's prefix there).
# Attribute values may be quoted either way. A cell's place is its `r` attribute, which may be left out (`_placed`).
# A cell holding a formula and no stored result: `<c r="D2"><f>2*5</f><v /></c>` (or no <v> at all); its
# attributes are checked apart (`_CELL_PLACE`, `_TEXT_RESULT`).
_UNCALCULATED = rb'<~c\b([^>]*)>(?:<~f\b[^>]*/>|<~f\b[^>]*>([^<]*)</~f>)(<~v\s*/>|<~v>\s*</~v>)?</~c>'
_CELL_PLACE = re.compile(rb'\br=["\']([A-Z]{1,3})([0-9]+)["\']')
# Rows and cells in the order the sheet has them, for the places of cells without an `r` attribute.
_ROW_OR_CELL = rb'<(~row|~c)\b([^>]*)>'
_ROW_NUMBER = re.compile(rb'\br=["\']([0-9]+)["\']')
# A formula whose result is text: with an empty <v>, Excel calculated it to "" (=IFERROR(…;""), a template
# row's =IF(E9="";"";E9*G9)), which is an empty cell, not a formula never calculated. Without a <v>, it was
# never calculated (PhpSpreadsheet writes every formula so when told not to calculate them).
_TEXT_RESULT = re.compile(rb'\bt=["\']str["\']')
# XlsxWriter (unless told a result) and Apache POI store 0 as a formula's result and flag the workbook to be
# calculated when it is opened (<calcPr fullCalcOnLoad="1"/>); Excel and LibreOffice set no such flag when they
# save. In a flagged workbook a stored 0 cannot be told from a calculated 0, so it is taken as no result: a real
# 0 in a number column (an amount, a quantity) is a rejected row either way. Results other than 0 are kept.
_ZERO_RESULT = rb'<~c\b([^>]*)>(?:<~f\b[^>]*/>|<~f\b[^>]*>([^<]*)</~f>)(<~v>0</~v>)</~c>'
_CALCULATE_ON_LOAD = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad=["\'](?:1|true)["\']')
# A cell of the error type (`t="e"`), a formula's result or a value: `<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>`.
_ERROR_CELL = rb'<~c\b([^>]*\bt=["\']e["\'][^>]*)>(?:<~f\b[^>]*/>|<~f\b[^>]*>[^<]*</~f>)?<~v>([^<]*)</~v>'
_STYLED_CELL = rb'<~c\b([^>]*\bs=["\'](~styles)["\'][^>]*)>'
_ROOT = re.compile(rb'<(\w+:)?worksheet\b')
_ZEROS = re.compile(r"0{2,}")


def _prefix(xml: bytes) -> bytes:
    """The namespace prefix of the sheet's tags (``x:``), from its root tag; empty for none."""
    root = _ROOT.search(xml, 0, 4096)
    return root[1] if root is not None and root[1] else b""


@functools.cache
def _tags(pattern: bytes, prefix: bytes) -> re.Pattern[bytes]:
    """``pattern`` for tags with ``prefix``."""
    return re.compile(pattern.replace(b"~c", prefix + b"c").replace(b"~f", prefix + b"f").replace(b"~v", prefix + b"v")
                      .replace(b"~row", prefix + b"row"))


def _placed(pattern: re.Pattern[bytes], xml: bytes, prefix: bytes) -> Iterator[tuple[int, int, re.Match[bytes]]]:
    """The cells ``pattern`` finds (its first group: the cell's attributes), each with its row and column (1-based).

    A cell without an ``r`` attribute (the spec lets writers leave it out, and code written against the Open XML
    SDK often does) is placed as Excel places it: after the cell before it in its row, in the row after the one
    before when its row has no ``r`` either. Those places are counted only when such a cell is found.
    """
    matches = list(pattern.finditer(xml))
    places = [_CELL_PLACE.search(match[1]) for match in matches]
    unplaced = {match.start() for match, place in zip(matches, places, strict=True) if place is None}
    by_order = _places_in_order(xml, prefix, unplaced) if unplaced else {}
    for match, place in zip(matches, places, strict=True):
        if place is None:
            yield *by_order[match.start()], match
        else:
            yield int(place[2]), column_index_from_string(place[1].decode()), match


def _places_in_order(xml: bytes, prefix: bytes, starts: set[int]) -> dict[int, tuple[int, int]]:
    """The row and column of the cells whose tags start at ``starts``, counted over the sheet's rows and cells."""
    places: dict[int, tuple[int, int]] = {}
    row = column = 0
    for tag in _tags(_ROW_OR_CELL, prefix).finditer(xml, 0, xml.index(b">", max(starts)) + 1):
        if tag[1].endswith(b"row"):
            number = _ROW_NUMBER.search(tag[2])
            row, column = int(number[1]) if number else row + 1, 0
            continue
        place = _CELL_PLACE.search(tag[2])
        column = column_index_from_string(place[1].decode()) if place else column + 1
        if tag.start() in starts:
            places[tag.start()] = row, column
    return places


class Uncalculated(NamedTuple):
    """The sheet's formula cells without a result (the formula's text, ``=2*5``); `zeros`: how many of them stored
    a 0 in a workbook flagged to be calculated on opening."""

    formulas: CellMap
    zeros: int


def uncalculated_formulas(workbook_xml: bytes, xml: bytes) -> Uncalculated:
    """The sheet's (``xml``) formula cells without a stored result, and those whose stored 0 is no result
    (`_ZERO_RESULT`; ``workbook_xml``: the workbook part, ``xl/workbook.xml``, which holds the flag)."""
    prefix = _prefix(xml)
    if b"<" + prefix + b"f" not in xml:
        return Uncalculated({}, 0)
    found: CellMap = {}
    zeros = 0
    uncalculated, zero_result = _tags(_UNCALCULATED, prefix), _tags(_ZERO_RESULT, prefix)
    patterns = (uncalculated, zero_result) if _CALCULATE_ON_LOAD.search(workbook_xml) else (uncalculated,)
    for pattern in patterns:
        for row, column, match in _placed(pattern, xml, prefix):
            if pattern is uncalculated and match[3] is not None and _TEXT_RESULT.search(match[1]):
                continue
            formula = html.unescape(match[2].decode("utf-8", "replace")) if match[2] else "(shared formula)"
            found.setdefault(row, {})[column] = f"={formula}"
            zeros += pattern is zero_result
    return Uncalculated(found, zeros)


def error_cells(xml: bytes) -> CellMap:
    """The sheet's cells of the error type, with their error value (``#REF!``)."""
    if b't="e"' not in xml and b"t='e'" not in xml:
        return {}
    found: CellMap = {}
    prefix = _prefix(xml)
    for row, column, match in _placed(_tags(_ERROR_CELL, prefix), xml, prefix):
        found.setdefault(row, {})[column] = html.unescape(match[2].decode("utf-8", "replace"))
    return found


def zero_padded_cells(xml: bytes, number_formats: Sequence[str]) -> dict[int, dict[int, int]]:
    """The sheet's cells whose number format shows whole numbers with leading zeros (``00000``, as ERPs export
    customer numbers): row → column → the width shown (``number_formats``: each cell style's format)."""
    widths = {str(style).encode(): len(code) for style, code in enumerate(number_formats) if _ZEROS.fullmatch(code)}
    if not widths:
        return {}
    prefix = _prefix(xml)
    styled = _tags(_STYLED_CELL.replace(b"~styles", b"|".join(widths)), prefix)
    found: dict[int, dict[int, int]] = {}
    for row, column, match in _placed(styled, xml, prefix):
        found.setdefault(row, {})[column] = widths[match[2]]
    return found
