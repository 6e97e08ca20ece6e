"""Merged cells of a sheet: a value Excel shows once across several cells, as ERP and report exports write a
customer's id (or an order's date) once beside that customer's rows, and a group label over the names below it.

A sheet stores a merged range's value in its top-left cell only; the ranges merged are read from the sheet's XML,
where they are listed after the cells (``<mergeCells><mergeCell ref="A2:A4"/>…``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from openpyxl.utils import column_index_from_string

from rules.cohort.columns import name_key, recognised_names
from rules.cohort.sniff import unique_names

# Any namespace prefix (<x:mergeCell>), as some writers have it; either quotes.
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref=["\']([A-Za-z]{1,3})([0-9]+):([A-Za-z]{1,3})([0-9]+)["\']')


class Merge(NamedTuple):
    """A merged range, 1-based as the sheet counts rows and columns."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int


def merged_ranges(sheet_xml: bytes) -> list[Merge]:
    """The sheet's merged ranges, from its XML (empty when it has none)."""
    # They follow the cells: looked for after the cells' closing tag (plain byte searches, as a sheet of 100,000
    # rows is tens of megabytes and most have no merged cells).
    start = max(sheet_xml.rfind(b"sheetData>"), 0)
    if sheet_xml.find(b"mergeCell", start) < 0:
        return []
    return [Merge(int(match[2]), column_index_from_string(match[1].decode().upper()), int(match[4]),
                  column_index_from_string(match[3].decode().upper()))
            for match in _MERGE_CELL.finditer(sheet_xml, start)]


class Filled(NamedTuple):
    """Data rows with their merged ranges filled down.

    Attributes:
        rows: the rows.
        ranges: how many merged ranges gave their value to the rows below their first.
        cells: how many cells were filled.
        columns: the columns filled (0-based places).
    """

    rows: list[Sequence[Any]]
    ranges: int
    cells: int
    columns: list[int]


def fill_down(rows: Sequence[Sequence[Any]], numbers: Sequence[int], merges: Sequence[Merge]) -> Filled:
    """The data rows (``numbers``: each one's row in the sheet, ascending) with each merged range that starts among
    them filled down its first column with its top-left value, as Excel shows it: a customer id written once beside
    the customer's three rows is the id of all three.

    Only the range's first column is filled: across a row a merged cell spans columns of other meanings (a
    section label across the table's width), and the value belongs to the column it is written in. Ranges
    starting above the data rows (the header's) are not filled into them, and cells outside every range stay
    as they are, blank ones blank.
    """
    rows = list(rows)
    ranges = cells = 0
    columns: set[int] = set()
    for merge in merges:
        if merge.last_row == merge.first_row:
            continue
        top = bisect.bisect_left(numbers, merge.first_row)
        if top == len(numbers) or numbers[top] != merge.first_row:
            continue  # above the data rows, or on an empty row
        place = merge.first_column - 1
        value = rows[top][place] if place < len(rows[top]) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        below = bisect.bisect_right(numbers, merge.last_row)
        for index in range(top + 1, below):  # the rows the range covers that the data has (empty ones are not)
            row = rows[index]
            rows[index] = (*row[:place], *(None,) * (place - len(row)), value, *row[place + 1:])
            cells += 1
        if below > top + 1:
            ranges += 1
            columns.add(place)
    return Filled(rows, ranges, cells, sorted(columns))


class JoinedHeader(NamedTuple):
    """A header of two rows: group labels merged over the names below them.

    Attributes:
        upper: the place (among the rows) of the labels' row; the names' row is the one after it.
        names: the column names: ``Müşteri No`` from ``Müşteri`` over ``No``.
        joined: the names that join a label and a name.
    """

    upper: int
    names: list[str]
    joined: list[str]


def joined_header(header_rows: Sequence[Sequence[str]], numbers: Sequence[int], first: int, merges: Sequence[Merge],
                  named: Collection[str] = ()) -> JoinedHeader | None:
    """A two-row header around the row found as the header (``first``), when its group labels are merged over the
    names below them (``Müşteri`` over ``No`` | ``Adı``) and joining them gives more column names this reader
    knows (or the mapping names, ``named``: their `name_key`) than the header row alone, or as many when the
    labels are the row found as the header, and the names the mapping finds in the header row (``column_1`` for a
    blank one) are still there; else None.

    ``header_rows`` are the first rows as header text, ``numbers`` their rows in the sheet. A name whose joined
    form is no known name while it is one alone stays alone (``Tarih`` under ``Sipariş``); a column with no name
    in the lower row takes the upper one's (a name merged down over both rows).
    """
    groups = [merge for merge in merges if merge.last_column > merge.first_column]
    if not groups:
        return None
    best: JoinedHeader | None = None
    most = recognised_names(header_rows[first], named)
    mapped = _mapped(header_rows[first], named)  # a mapping written for the header as it read before still holds
    for upper in (first - 1, first):
        lower = upper + 1
        if upper < 0 or lower >= len(header_rows) or numbers[lower] != numbers[upper] + 1:
            continue
        labels = [merge for merge in groups if merge.first_row == numbers[upper] == merge.last_row]
        if not any(_cell(header_rows[upper], merge.first_column - 1) for merge in labels):
            continue
        names, joined = _joined_names(header_rows[upper], header_rows[lower], labels, named)
        count = recognised_names(names, named)
        # A label that is a known name alone (``Müşteri``) gives no more names joined, but its names' row, read
        # as data, would be a customer ``No``: as many names below the header row mean names, not data.
        enough = count > most or (count == most and upper == first and bool(joined))
        if enough and mapped <= _mapped(names, named):
            best, most = JoinedHeader(upper, names, joined), count
    return best


def _joined_names(upper: Sequence[str], lower: Sequence[str], labels: Sequence[Merge],
                  named: Collection[str]) -> tuple[list[str], list[str]]:
    """The lower row's names, each under a merged label joined to it (see `joined_header`), and those joined."""
    names, joined = [], []
    for place in range(max(len(upper), len(lower))):
        name = _cell(lower, place)
        group = next((merge for merge in labels if merge.first_column <= place + 1 <= merge.last_column), None)
        label = _cell(upper, group.first_column - 1) if group else ""
        if not label:  # no group over it: its own name, or the upper row's when the lower one has none
            names.append(name or _cell(upper, place))
        elif not name:  # the label alone names one column, its first
            names.append(label if group is not None and group.first_column == place + 1 else "")
        elif recognised_names([f"{label} {name}"], named) or not recognised_names([name], named):
            names.append(f"{label} {name}")
            joined.append(names[-1])
        else:
            names.append(name)
    return names, joined


def _mapped(names: Sequence[str], named: Collection[str]) -> set[str]:
    """The mapped names (`name_key`) that the columns named so have."""
    return {key for key in map(name_key, unique_names(list(names))) if key in named}


def _cell(row: Sequence[str], place: int) -> str:
    return row[place].strip() if place < len(row) else ""
