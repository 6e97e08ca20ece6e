"""An Excel workbook (.xlsx) opened for reading: its sheets of cells, each one's XML, its number formats, and its
cell values.

The values come from calamine (`python_calamine`, in Rust), about eight times faster than openpyxl's
row-by-row reading; the workbook's structure (which sheets, in which parts of the archive, hidden or not; the
number formats of its cell styles) is parsed by openpyxl, without reading its cells or shared strings.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import openpyxl
import python_calamine
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.xml.constants import ARC_STYLE
from openpyxl.xml.functions import fromstring

from rules.errors import InvalidInput, Problem

# calamine hands a sheet over as one rectangle from A1 to its last cell; a stray cell far to the right of a long
# sheet (XFD1 over 100,000 rows) would make billions of empty cells. Larger sheets are streamed row by row by
# openpyxl instead, whose rows end at their last cell.
GRID_CELLS = 50_000_000


class SheetPart(NamedTuple):
    """A sheet of cells.

    Attributes:
        name: its name, as its tab shows it.
        hidden: whether it is hidden (workbooks hide sheets of lookups and old data).
        path: its XML in the workbook's archive.
    """

    name: str
    hidden: bool
    path: str


class Workbook:
    """A workbook's sheets of cells (chart sheets hold no data and are left out), in the workbook's order.

    Raises:
        zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError: (when opened) the workbook is damaged or
            is not one.
        python_calamine.CalamineError: (when its cells are read) calamine cannot read them.
    """

    def __init__(self, data: bytes) -> None:
        """Open the workbook held in ``data``."""
        self._data = data
        structure = ExcelReader(io.BytesIO(data), read_only=True)
        self._archive: zipfile.ZipFile = structure.archive
        structure.read_manifest()
        structure.read_workbook()
        self.sheets = [SheetPart(sheet.name, sheet.state != "visible", rel.target)
                       for sheet, rel in structure.parser.find_sheets()
                       if rel.target in structure.valid_files and "chartsheet" not in rel.Type]
        # Opened when cells are first read: the dashboard's sheet picker needs only the sheets.
        self._cells: python_calamine.CalamineWorkbook | None = None

    def close(self) -> None:
        """Let go of the workbook."""
        if self._cells is not None:
            self._cells.close()
        self._archive.close()

    @property
    def names(self) -> list[str]:
        """The sheets' names, in order."""
        return [part.name for part in self.sheets]

    @property
    def default(self) -> SheetPart | None:
        """The sheet read when none is named: the first visible one (the first one when none is visible; Excel
        keeps one visible, another program may not); None without sheets of cells."""
        return next(iter([part for part in self.sheets if not part.hidden] or self.sheets), None)

    def find(self, sheet: str | int | None) -> SheetPart:
        """The sheet by name, or by its place among the sheets of cells, hidden ones included (also given as text,
        "2": a sheet named "2" wins); the first visible one when None.

        Raises:
            InvalidInput: there is no such sheet (the message lists the sheets).
            ValueError: the workbook has no sheet of cells at all.
        """
        names = self.names
        if sheet is None:
            if self.default is None:  # `load` says which file: this one cannot be read as a workbook of cells
                raise ValueError("it has no sheet of cells (only charts, or its sheets are missing)")
            return self.default
        if isinstance(sheet, str) and sheet in names:
            return self.sheets[names.index(sheet)]
        place = int(sheet) if isinstance(sheet, str) and sheet.isascii() and sheet.isdigit() else sheet
        if isinstance(place, int) and 0 <= place < len(names):
            return self.sheets[place]
        raise InvalidInput([Problem("sheet", f"the workbook has no sheet {sheet!r}; its sheets are: "
                                             f"{', '.join(names)}", sheet)])

    def xml(self, part: SheetPart) -> bytes:
        """The sheet's XML as stored in the workbook."""
        return self._archive.read(part.path)

    def part(self, name: str) -> bytes | None:
        """A part of the workbook's archive (``xl/workbook.xml``); None when it has no such part."""
        try:
            return self._archive.read(name)
        except KeyError:
            return None

    def number_formats(self) -> list[str]:
        """The number format of each cell style, by the style's index (a cell's ``s`` attribute); empty when the
        workbook has no styles."""
        styles = self.part(ARC_STYLE)
        if styles is None:
            return []
        stylesheet = Stylesheet.from_tree(fromstring(styles))
        custom = list(stylesheet.number_formats)
        return [BUILTIN_FORMATS.get(style.numFmtId, "General") if style.numFmtId < BUILTIN_FORMATS_MAX_SIZE
                else custom[style.numFmtId - BUILTIN_FORMATS_MAX_SIZE]
                if style.numFmtId - BUILTIN_FORMATS_MAX_SIZE < len(custom) else "General"
                for style in stylesheet.cell_styles]

    def rows(self, part: SheetPart, limit: int | None = None, no_value: Collection[str] = ("",)) -> list[list[Any]]:
        """The sheet's rows from its first (A1 is ``rows[0][0]``), up to ``limit`` of them; an empty cell, and one
        whose text is in ``no_value``, is None.

        Cells hold what the sheet stores, not how it shows it: numbers as floats, dates and times as such, error
        cells and formulas without a stored result empty (`rules.cohort.sheet_xml` finds them in the XML).
        """
        if self._cells is None:
            self._cells = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self._data))
        sheet = self._cells.get_sheet_by_name(part.name)
        last_row, last_column = sheet.end or (-1, -1)  # 0-based; None for a sheet without cells
        if (last_column + 1) * min(last_row + 1, limit or last_row + 1) > GRID_CELLS:
            return self._streamed(part, limit, no_value)
        return [[None if type(value) is str and value in no_value else value for value in row]
                for row in sheet.to_python(skip_empty_area=False, nrows=limit)]

    def _streamed(self, part: SheetPart, limit: int | None, no_value: Collection[str]) -> list[list[Any]]:
        """The sheet's rows as openpyxl streams them (see `GRID_CELLS`): whole numbers are ints, and error cells
        hold their text, which `rules.cohort.sheet_xml` gives them in calamine's rows too."""
        book = openpyxl.load_workbook(io.BytesIO(self._data), read_only=True, data_only=True)
        try:
            worksheet = book[part.name]
            # The sheet's <dimension> tag may be stale (A1:F3 over 100 rows): read to where the sheet's XML ends.
            worksheet.reset_dimensions()
            return [[None if type(value) is str and value in no_value else value for value in row]
                    for row in worksheet.iter_rows(max_row=limit, values_only=True)]
        finally:
            book.close()


@contextmanager
def open_workbook(data: bytes) -> Iterator[Workbook]:
    """The workbook in ``data``, closed after use."""
    book = Workbook(data)
    try:
        yield book
    finally:
        book.close()
