"""An Excel workbook (.xlsx) opened for reading: its sheets of cells, each one's XML, its number formats, and its
cell values.

The values come from calamine (`python_calamine`, in Rust), about six times faster than openpyxl's
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
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.xml.constants import ARC_STYLE, ARC_WORKBOOK, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

from rules.errors import InvalidInput, Problem

# calamine hands a sheet over as one rectangle from A1 to its last cell; a stray cell far to the right of a long
# sheet (XFD1 over 100,000 rows) would make billions of empty cells. Larger sheets are streamed row by row by
# openpyxl instead, whose rows end at their last cell.
GRID_CELLS = 50_000_000

_MAIN = f"{{{SHEET_MAIN_NS}}}"


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

    Attributes:
        sheets: its sheets of cells.
        path: its workbook part in the archive (``xl/workbook.xml``, where every program but a few puts it).

    Raises:
        zipfile.BadZipFile, KeyError, OSError, SyntaxError, TypeError, ValueError: (when opened) the workbook is
            damaged or is not one (openpyxl raises TypeError for a tag or attribute its schema does not have).
        python_calamine.CalamineError: (when its cells are read) calamine cannot read them.
    """

    def __init__(self, data: bytes) -> None:
        """Open the workbook held in ``data``."""
        self._data = data
        structure = ExcelReader(io.BytesIO(data), read_only=True)
        self._archive: zipfile.ZipFile = structure.archive
        structure.read_manifest()
        structure.read_workbook()
        self.path: str = structure.parser.workbook_part_name
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
        workbook has no styles. A style naming a format the workbook does not define is General, as Excel shows it.

        Only the formats and the cell styles are read: openpyxl's stylesheet refuses a whole workbook over fills
        and fonts that Excel opens (an empty ``<fill/>``, an ``extLst`` in a fill, as other programs write them).
        """
        styles = self.part(ARC_STYLE)
        if styles is None:
            return []
        root = fromstring(styles)
        custom = {number_format.get("numFmtId"): number_format.get("formatCode", "General")
                  for number_format in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")}
        return [_number_format(style.get("numFmtId", "0"), custom)
                for style in root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf")]

    def rows(self, part: SheetPart, limit: int | None = None, no_value: Collection[str] = ("",)) -> list[list[Any]]:
        """The sheet's rows from its first (A1 is ``rows[0][0]``), up to ``limit`` of them; an empty cell, and one
        whose text is in ``no_value``, is None.

        Cells hold what the sheet stores, not how it shows it: numbers as floats, dates and times as such, error
        cells and formulas without a stored result empty (`rules.cohort.sheet_xml` finds them in the XML).
        A workbook calamine cannot read, as its workbook part is elsewhere than ``xl/workbook.xml`` or a date cell's
        number is no date, is streamed by openpyxl (`_streamed`).
        """
        if self.path != ARC_WORKBOOK:  # calamine looks for the workbook part there only
            return self._streamed(part, limit, no_value)
        try:
            if self._cells is None:
                self._cells = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self._data))
            sheet = self._cells.get_sheet_by_name(part.name)
            last_row, last_column = sheet.end or (-1, -1)  # 0-based; None for a sheet without cells
            if (last_column + 1) * min(last_row + 1, limit or last_row + 1) > GRID_CELLS:
                return self._streamed(part, limit, no_value)
            values = sheet.to_python(skip_empty_area=False, nrows=limit)
        except BaseException as error:
            if not _out_of_calamines_range(error):
                raise
            return self._streamed(part, limit, no_value)
        return [[None if type(value) is str and value in no_value else value for value in row] for row in values]

    def _streamed(self, part: SheetPart, limit: int | None, no_value: Collection[str]) -> list[list[Any]]:
        """The sheet's rows as openpyxl streams them (see `GRID_CELLS`; also for the workbooks calamine cannot read,
        see `rows`): whole numbers are ints, error cells hold their text, which `rules.cohort.sheet_xml` gives them
        in calamine's rows too, and a date cell whose number is no date is ``#VALUE!``."""
        book = openpyxl.load_workbook(io.BytesIO(self._data), read_only=True, data_only=True)
        try:
            worksheet = book[part.name]
            # The sheet's <dimension> tag may be stale (A1:F3 over 100 rows): read to where the sheet's XML ends.
            worksheet.reset_dimensions()
            return [[None if type(value) is str and value in no_value else value for value in row]
                    for row in worksheet.iter_rows(max_row=limit, values_only=True)]
        finally:
            book.close()


def _number_format(style_format: str, custom: dict[str | None, str]) -> str:
    """The number format a cell style's ``numFmtId`` names: the workbook's own, or one of Excel's built-in ones."""
    if style_format in custom:
        return custom[style_format]
    return BUILTIN_FORMATS.get(int(style_format), "General") if style_format.isdigit() else "General"


def _out_of_calamines_range(error: BaseException) -> bool:
    """Whether calamine failed on a value it cannot convert rather than on the workbook: a date, time or duration
    cell whose number is beyond its date library's range (Excel shows ####) makes it raise OverflowError or panic
    (pyo3's PanicException, a BaseException that cannot be imported by name)."""
    return isinstance(error, OverflowError) or type(error).__name__ == "PanicException"


@contextmanager
def open_workbook(data: bytes) -> Iterator[Workbook]:
    """The workbook in ``data``, closed after use."""
    book = Workbook(data)
    try:
        yield book
    finally:
        book.close()
