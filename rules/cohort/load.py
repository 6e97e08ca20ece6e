"""Bytes in, a table of the file's own columns out: CSV/TSV (any delimiter and encoding), Excel, Parquet, JSON.

Delimited text is parsed by Arrow's multi-threaded CSV reader with every column as text, after sniffing a
sample for the encoding, delimiter and header; the values are interpreted later, a whole column at a time.
Rows with the wrong number of fields are kept aside (with their text) for the report, never dropped silently.
The seed's JSON (customers with productHistory) is returned as records for `rules.cohort.seedjson`.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import threading
import weakref
import zipfile
import zlib
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.json as pjson
import pyarrow.parquet as pq
import python_calamine

from rules.cohort.columns import name_key, recognise
from rules.cohort.excel import columns_from_values, read_xlsx
from rules.cohort.model import FileType
from rules.cohort.null_texts import NULL_TEXTS
from rules.cohort.ragged_rows import read_ragged_rows
from rules.cohort.rejects import Malformed, RowLog
from rules.cohort.sniff import (
    OLE_MAGIC,
    SAMPLE_BYTES,
    TextLayout,
    bom_encoding,
    data_offset,
    decode_sample,
    detect_encoding,
    detect_kind,
    detect_layout,
    has_stray_bytes,
    mostly_utf8,
    single_byte_encoding,
    unique_names,
)
from rules.cohort.unclosed_quotes import (
    BrokenLines,
    count_line_ends,
    find_broken_lines,
    may_have_lost_rows,
    without_lines,
)
from rules.errors import InvalidInput, Problem


class Readable(Protocol):
    """A binary file object, or anything with a ``read()`` that gives bytes (an upload)."""

    def read(self) -> bytes:
        """The content from where the object stands."""
        ...


Source = str | os.PathLike[str] | bytes | bytearray | memoryview | Readable

BLOCK_BYTES = 8 << 20
# How long a parse waits for Arrow's reader to let go of its Python row handler (it takes microseconds).
_HANDLER_RELEASE_WAIT_S = 5.0
_RECORD_TEXT_LIMIT = 2000  # of a malformed JSON record kept as its text
_MAX_JSON_DEPTH = 64  # deeper than any record of customers or orders
_OPENERS, _CLOSERS = np.frombuffer(b"[{", dtype=np.uint8), np.frombuffer(b"]}", dtype=np.uint8)
FEW_VALUES = ("product_id", "product_name", "category", "city", "region", "gender", "status")
_UTF8 = ("utf-8", "utf-8-sig")
_LONE_CR = re.compile(rb"\r(?!\n)")
_ENCODING_NAMES = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "cp1254": "windows-1254", "cp1252": "windows-1252",
                   "cp1251": "windows-1251", "cp1253": "windows-1253", "cp1256": "windows-1256",
                   "latin-1": "latin-1", "utf-16": "utf-16", "utf-32": "utf-32"}


@dataclass
class Loaded:
    """A file read into a table of its own columns.

    Attributes:
        table: the data rows (text columns for delimited files; typed ones for Excel, Parquet and JSON).
        log: the row accounting, with each table row's number and the malformed rows.
        kind: what the file was.
        encoding, delimiter: for text files.
        records: the seed's customer objects, when the file is the seed's JSON (then the table is empty).
        notes, warnings: how it was read, and what had to be assumed.
        shown: the rows as rejected rows show them, when that differs from ``table`` (see
            `rules.cohort.excel.Sheet`); `as_shown` is the one to take them from.
    """

    table: pa.Table
    log: RowLog
    kind: FileType
    encoding: str | None = None
    delimiter: str | None = None
    records: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    shown: pa.Table | None = None

    @property
    def as_shown(self) -> pa.Table:
        """The rows with the values rejected rows and the report's examples show."""
        return self.table if self.shown is None else self.shown


def source_buffer(source: Source, name: str | None = None) -> tuple[pa.Buffer, str | None]:
    """The file's bytes (a path is memory-mapped, gzip is undone) and its name.

    Raises:
        InvalidInput: the path cannot be read, or the object gives text instead of bytes.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        buffer = pa.py_buffer(bytes(source))
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # a pipe (/dev/stdin, <(…), a FIFO): no size to map
                buffer = pa.py_buffer(path.read_bytes())
            elif path.stat().st_size:
                buffer = pa.memory_map(str(path)).read_buffer()
            else:
                buffer = pa.py_buffer(b"")
        except OSError as error:
            raise InvalidInput([Problem("file", f"cannot read the file: {error.strerror or error}", str(path))]) \
                from None
        name = name or path.name
    else:
        seekable, tell = getattr(source, "seekable", None), getattr(source, "tell", None)
        position = tell() if callable(seekable) and seekable() and callable(tell) else 0
        content = source.read()
        if not isinstance(content, bytes | bytearray):
            raise InvalidInput([Problem("file", "open the file in binary mode ('rb')", type(content).__name__)])
        given = getattr(source, "name", None)
        name = name or (Path(given).name if isinstance(given, str) else None)
        if not content and position:
            raise InvalidInput([Problem("file", f"the file object is at its end (position {position:,}): it was "
                                                "read before; seek(0) before passing it", name)])
        buffer = pa.py_buffer(bytes(content))
    if buffer.size >= 2 and buffer.slice(0, 2).to_pybytes() == b"\x1f\x8b":
        try:
            buffer = pa.py_buffer(gzip.decompress(buffer.to_pybytes()))
        except (EOFError, OSError, zlib.error) as error:  # an upload cut short, a damaged archive
            raise InvalidInput([Problem("file", f"cannot unpack the gzip file: {error}", name)]) from None
        name = name.removesuffix(".gz") if name else name
    return buffer, name


def load(source: Source, *, name: str | None = None, sheet: str | int | None = None,
         header_names: Collection[str] = ()) -> Loaded:
    """Read any supported file into a `Loaded` table (kind decided from the content).

    ``header_names`` are the columns a mapping names: the header is the row that holds them, whatever is above.

    Raises:
        InvalidInput: the file cannot be read; the message says why.
    """
    buffer, name = source_buffer(source, name)
    head = buffer.slice(0, min(buffer.size, SAMPLE_BYTES + 1)).to_pybytes()
    kind = detect_kind(buffer.to_pybytes() if head.startswith(OLE_MAGIC) else head, name)
    if kind == "xlsx":
        _require_workbook(buffer, name)
        try:
            sheet_read = read_xlsx(buffer.to_pybytes(), sheet, {name_key(n) for n in header_names})
        except InvalidInput:
            raise  # a missing or empty sheet: said already
        # What openpyxl (the workbook's structure) and calamine (its cells) raise for a damaged workbook: a bad zip,
        # missing parts, XML cut short (a SyntaxError), a tag or attribute openpyxl's schema does not have (a
        # TypeError), a cell whose stored value is not of its type.
        except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, TypeError, ValueError, IndexError,
                python_calamine.CalamineError) as error:
            raise InvalidInput([Problem("file", f"cannot read the file as an Excel workbook (.xlsx): {error}",
                                        name)]) from None
        return Loaded(sheet_read.table, RowLog.for_rows(sheet_read.table.num_rows), kind, notes=sheet_read.notes,
                      warnings=sheet_read.warnings, shown=sheet_read.shown)
    if kind == "parquet":
        return _load_parquet(buffer, name)
    if kind == "json":
        return _load_json(buffer.to_pybytes(), name)
    return _load_delimited(buffer, head, name, header_names)


# Documents of other office programs are zip archives too; each is named with how to save it as a workbook or CSV.
_OPEN_DOCUMENT = "application/vnd.oasis.opendocument."
_SAVE_FROM_LIBREOFFICE = ("save it as .xlsx or CSV (in LibreOffice Calc: File › Save As, file type Excel 2007-365 "
                          "or Text CSV)")
_SAVE_FROM_NUMBERS = "export it as .xlsx or CSV (in Numbers: File › Export To › Excel or CSV)"


def _require_workbook(buffer: pa.Buffer, name: str | None) -> None:
    """A zip archive is read only when it is an Excel workbook; another one (a zipped CSV, an OpenDocument
    spreadsheet, a Numbers document) is named as such."""
    try:
        with zipfile.ZipFile(pa.BufferReader(buffer)) as archive:
            members = archive.namelist()
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in members else ""
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # damaged: the workbook reader says how
    if "[Content_Types].xml" in members:
        return
    if mimetype.startswith(_OPEN_DOCUMENT + "spreadsheet"):
        raise InvalidInput([Problem("file", "this is an OpenDocument spreadsheet (.ods), as LibreOffice and OpenOffice "
                                            "save them, which is not read: " + _SAVE_FROM_LIBREOFFICE, name)])
    if mimetype.startswith(_OPEN_DOCUMENT):
        raise InvalidInput([Problem("file", f"this is an OpenDocument {mimetype.removeprefix(_OPEN_DOCUMENT)} "
                                            "document, not a table", name)])
    if "Index/Document.iwa" in members:
        raise InvalidInput([Problem("file", "this is an Apple Numbers document, which is not read: "
                                            + _SAVE_FROM_NUMBERS, name)])
    shown = ", ".join(members[:3]) + (", …" if len(members) > 3 else "") or "no files"
    raise InvalidInput([Problem("file", f"this is a zip archive, not an Excel workbook (it holds {shown}): unzip "
                                        "it and read the file inside", name)])


def _load_delimited(buffer: pa.Buffer, head: bytes, name: str | None, header_names: Collection[str]) -> Loaded:
    encoding = detect_encoding(head)
    warnings: list[str] = []
    # Stray bytes are made � before Arrow's reader sees them: it cannot hand the text of a row of the wrong
    # length that holds one to the handler that keeps such rows aside, and would refuse the whole file.
    stray = encoding in _UTF8 and has_stray_bytes(head)
    if encoding not in _UTF8 or stray:
        data = buffer.to_pybytes()
        # `detect_encoding` has already kept a sample that is UTF-8 but for stray bytes as UTF-8.
        encoding = _not_utf8_encoding(data) if stray else bom_encoding(data) or single_byte_encoding(data)
        buffer = pa.py_buffer(_transcode(data, encoding, warnings))
        head = buffer.slice(0, min(buffer.size, SAMPLE_BYTES + 1)).to_pybytes()
    notes = []
    if _lone_carriage_returns(head) > head.count(b"\n"):  # lines end in CR alone, as "CSV (Macintosh)" has it
        # (a line feed there is a line break inside a cell: Alt+Enter)
        buffer = pa.py_buffer(_LONE_CR.sub(b"\n", buffer.to_pybytes()))
        head = _LONE_CR.sub(b"\n", head)
        notes.append("lines end in a carriage return alone (old Mac): read as lines")
    layout = detect_layout(decode_sample(head, "utf-8"), name, {name_key(n) for n in header_names})
    try:
        table, malformed, unclosed = _parse(buffer, head, layout)
    except pa.ArrowInvalid as error:
        data = buffer.to_pybytes()
        # Decided on the bytes, not on the message: bytes that are not UTF-8 in a row of the wrong length fail
        # the reader's handler of such rows, which says no more than that the row has the wrong length.
        if encoding not in _UTF8 or _is_utf8(data):
            raise _parse_error(error, name) from None
        # The sample was UTF-8 but a later part is not: the whole file is in a single-byte encoding, or UTF-8
        # with a few stray bytes.
        encoding = _not_utf8_encoding(data)
        buffer = pa.py_buffer(_transcode(data, encoding, warnings))
        try:
            table, malformed, unclosed = _parse(buffer, head, layout)
        except pa.ArrowInvalid as again:
            raise _parse_error(again, name) from None
    if layout.header_row:
        notes.append(f"skipped {layout.header_row} line(s) above the header")
    last_byte = buffer.slice(buffer.size - 1, 1).to_pybytes() if buffer.size else b"\n"
    ragged = read_ragged_rows(table, _numbered(table.num_rows, malformed), layout.delimiter, set(NULL_TEXTS),
                              unterminated=last_byte not in (b"\n", b"\r"))
    table, log = ragged.table, ragged.log
    if ragged.short:
        notes.append(f"{ragged.short:,} row(s) have fewer fields than the header: the fields left out at the end "
                     "are read as empty")
    if ragged.cut_short:
        warnings.append("the last row has fewer fields than the header and no line end: the file looks cut short "
                        "(an upload or a copy that stopped); the row is a malformed_row")
    if ragged.long:
        notes.append(f"{ragged.long:,} row(s) end in empty fields the header has no name for: they are ignored")
    if layout.trailing_delimiter and table.num_columns == len(layout.header):
        notes.append("the rows end in a delimiter after their last field: the empty field it makes is ignored")
    elif layout.trailing_delimiter:
        warnings.append(f"most rows end in a delimiter after their last field, but some have a value there: it is "
                        f"in column {table.column_names[-1]!r}, which has no name in the header and is not used")
    return Loaded(table, log, "delimited", _ENCODING_NAMES.get(encoding, encoding), layout.delimiter,
                  notes=notes, warnings=warnings + unclosed)


def _parse(buffer: pa.Buffer, head: bytes, layout: TextLayout) -> tuple[pa.Table, list[Malformed], list[str]]:
    names = unique_names(layout.header + [""] * layout.trailing_delimiter)
    types = dict.fromkeys(names, pa.string())
    # Columns with few distinct values (products, categories, places) are dictionary-encoded while parsing:
    # less memory, and no hashing later.
    for role, column in recognise(names).used.items():
        if role in FEW_VALUES:
            types[column] = pa.dictionary(pa.int32(), pa.string())
    start = data_offset(head, layout.header_lines)
    body = buffer.slice(start, buffer.size - start)

    def read(data: pa.Buffer, threads: bool, newlines: bool) -> tuple[pa.Table, list[tuple[int | None, str]]]:
        broken: list[tuple[int | None, str]] = []
        if data.size < 4096 and not data.to_pybytes().strip():  # no rows (every one cut out as broken)
            return pa.table({name: pa.array([], types[name]) for name in names}), broken

        def keep_aside(row: Any) -> str:
            broken.append((row.number, row.text))
            return "skip"

        released = threading.Event()
        weakref.finalize(keep_aside, released.set)
        options = pcsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=newlines,
                                    invalid_row_handler=keep_aside)
        del keep_aside
        try:
            table = pcsv.read_csv(
                pa.BufferReader(data),
                read_options=pcsv.ReadOptions(column_names=names, use_threads=threads, block_size=BLOCK_BYTES),
                parse_options=options,
                convert_options=pcsv.ConvertOptions(column_types=types,
                                                    null_values=NULL_TEXTS, strings_can_be_null=True,
                                                    quoted_strings_can_be_null=True))
        finally:
            # Arrow's threaded reader may let go of the handler on one of its own threads after `read_csv` has
            # returned or raised: that needs the GIL, and a process exiting meanwhile aborts ("terminate called
            # without an active exception"). Waiting here, without the GIL, lets it go first.
            del options
            released.wait(_HANDLER_RELEASE_WAIT_S)
        return table, broken

    # A quote that never closes would take the rows after it along (`rules.cohort.unclosed_quotes`): where values
    # span lines (the sample shows it) its line is cut out first; elsewhere a line count beside the parse shows
    # when rows went missing (the threaded reader drops them silently when quoted line ends are off).
    newlines = layout.quoted_newlines
    broken_lines = find_broken_lines(body, layout.delimiter, len(names)) if newlines else None
    kept = without_lines(body, broken_lines) if broken_lines else body
    with ThreadPoolExecutor(max_workers=1) as side:
        counting = None if newlines else side.submit(count_line_ends, body)
        try:
            table, broken = read(kept, threads=True, newlines=newlines)
            lost = counting is not None and may_have_lost_rows(body, counting.result(), table.num_rows + len(broken))
        except pa.ArrowInvalid as error:
            if "newlines_in_values" not in str(error):
                raise
            lost = True  # a quoted line end after the sample, where the reader cut a block
    if lost:
        newlines = True
        broken_lines = find_broken_lines(body, layout.delimiter, len(names))
        kept = without_lines(body, broken_lines) if broken_lines else body
        table, broken = read(kept, threads=True, newlines=True)
    if any(number is None for number, _ in broken):  # only a single-threaded read knows where they are
        table, broken = read(kept, threads=False, newlines=newlines)
    malformed = [Malformed(int(number or 0), text) for number, text in broken]
    if layout.trailing_delimiter and table[names[-1]].null_count == table.num_rows:
        table = table.drop_columns([names[-1]])  # the empty field after the last delimiter
    if not broken_lines:
        return table, malformed, []
    return table, _with_broken_lines(malformed, broken_lines, body), [_unclosed_warning(broken_lines)]


def _with_broken_lines(malformed: list[Malformed], lines: BrokenLines, body: pa.Buffer) -> list[Malformed]:
    """The malformed rows of a read without ``lines``, numbered as rows of the whole body, and the lines."""
    cut = np.asarray(lines.rows, dtype=np.int64)
    # As in `_numbered`: the k-th row of the read is the k-th row number that is not a cut line.
    free_before = cut - np.arange(1, len(cut) + 1)
    shifted = [Malformed(m.row + int(np.searchsorted(free_before, m.row - 1, side="right")), m.text)
               for m in malformed]
    return sorted(shifted + [Malformed(int(row), text) for row, text in zip(cut, lines.texts(body), strict=True)],
                  key=lambda m: m.row)


def _unclosed_warning(lines: BrokenLines) -> str:
    shown = ", ".join(f"{int(row):,}" for row in lines.rows[:5]) + (", …" if len(lines) > 5 else "")
    return (f"{len(lines):,} row(s) open a quoted value that never closes (row{'s' * (len(lines) > 1)} {shown}): "
            "each is a malformed_row by itself, and the lines after it are read as the rows they are")


def _lone_carriage_returns(data: bytes) -> int:
    return data.count(b"\r") - data.count(b"\r\n")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _not_utf8_encoding(data: bytes) -> str:
    """The encoding of text that does not decode as UTF-8: still UTF-8 when only a few bytes are stray (they are
    read as � and counted in a warning), else the single-byte encoding it looks like."""
    return "utf-8" if mostly_utf8(data) else single_byte_encoding(data)


def _numbered(rows: int, malformed: list[Malformed]) -> RowLog:
    """Row numbers of the table's rows, counting the malformed rows the table does not have."""
    skipped = np.array(sorted(m.row for m in malformed), dtype=np.int64)
    numbers = np.arange(1, rows + 1, dtype=np.int64)
    if len(skipped):
        # The k-th kept row's number is the k-th number not taken by a malformed row.
        free_before = skipped - np.arange(1, len(skipped) + 1)
        numbers += np.searchsorted(free_before, numbers - 1, side="right")
    return RowLog(numbers, malformed)


def _transcode(data: bytes, encoding: str, warnings: list[str]) -> bytes:
    return _decoded(data, encoding, warnings).removeprefix("\ufeff").encode("utf-8")


def _decoded(data: bytes, encoding: str, warnings: list[str]) -> str:
    """The text, undecodable bytes read as � and counted in a warning."""
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    if replaced > 0:
        warnings.append(f"{replaced} byte(s) are not {_ENCODING_NAMES.get(encoding, encoding)} and were read as �")
    return text


def _parse_error(error: pa.ArrowInvalid, name: str | None) -> InvalidInput:
    return InvalidInput([Problem("file", f"cannot read the file as delimited text: {error}", name)])


def _load_json(data: bytes, name: str | None) -> Loaded:
    encoding = bom_encoding(data) or detect_encoding(data)
    if encoding in _UTF8:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:  # the sample is UTF-8 but a later part is not
            encoding = _not_utf8_encoding(data)
    encoding_name = _ENCODING_NAMES.get(encoding, encoding)
    warnings: list[str] = []
    text = _decoded(data, encoding, warnings).removeprefix("\ufeff")
    malformed: list[Malformed] = []
    numbers: list[int] | None = None  # each item's row number, when some lines were not JSON
    try:
        content = json.loads(text)
    except RecursionError:
        raise InvalidInput([Problem("file", "the JSON is nested too deeply to be customers or records", name)]) \
            from None
    except json.JSONDecodeError as error:
        if error.msg != "Extra data" and not _json_lines_like(text):
            raise InvalidInput([Problem("file", f"not valid JSON: {error.msg} at line {error.lineno} "
                                                f"column {error.colno}", name)]) from None
        quick = _json_lines_table(text)  # JSON Lines: one record per line
        if quick is not None:
            notes: list[str] = []
            table = _plain_columns(quick, notes, warnings)
            return Loaded(table, RowLog.for_rows(table.num_rows), "json", encoding_name, notes=notes,
                          warnings=warnings)
        content, numbers, malformed = _json_lines(text)
    except ValueError as error:  # a number of more than 4,300 digits, which Python refuses to read
        raise InvalidInput([Problem("file", f"cannot read the JSON: {error}", name)]) from None
    wrapped = isinstance(content, dict) and isinstance(content.get("customers"), list)
    if wrapped:
        content = content["customers"]
    elif isinstance(content, dict):  # one record (JSON Lines of one line), or one seed customer
        content = [content]
    if not isinstance(content, list):
        raise InvalidInput([Problem("file", "JSON must be a list of customers or records, or "
                                            '{"customers": [...]}', type(content).__name__)])
    if wrapped or not content or any(isinstance(item, dict) and "productHistory" in item for item in content):
        return Loaded(pa.table({}), _numbered(len(content), malformed), "json", encoding_name, records=content,
                      warnings=warnings)
    # Records of order lines (or customers): an item that is not an object is a malformed row.
    records: list[dict[str, Any]] = []
    for position, item in enumerate(content):
        if isinstance(item, dict):
            records.append(item)
        else:
            number = numbers[position] if numbers is not None else position + 1
            malformed.append(Malformed(number, json.dumps(item, ensure_ascii=False)[:_RECORD_TEXT_LIMIT]))
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    notes = []
    nested = [key for key in names if any(isinstance(record.get(key), dict | list) for record in records)]
    notes += [f"column {key!r} holds lists or records: not read" for key in nested]
    kept = [key for key in names if key not in nested]
    cells = columns_from_values([[record.get(key) for record in records] for key in kept])
    table = pa.table(dict(zip(kept, cells.columns, strict=True)))
    if table.num_columns == 0:
        why = f"only lists or records in {', '.join(map(repr, nested))}" if nested else \
            "its items are empty objects or not objects"
        raise InvalidInput([Problem("file", f"the JSON has no records with fields to read ({why})", name)])
    malformed.sort(key=lambda row: row.row)
    shown = pa.table(dict(zip(kept, [cells.shown.get(place, column) for place, column in enumerate(cells.columns)],
                              strict=True))) if cells.shown else None
    return Loaded(table, _numbered(table.num_rows, malformed), "json", encoding_name, notes=notes,
                  warnings=warnings, shown=shown)


def _json_lines_like(text: str) -> bool:
    """Several lines, one of the first of them a JSON object: JSON Lines whose first line may be broken."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    for line in lines[1:] if len(lines) > 1 else []:
        try:
            if isinstance(json.loads(line), dict):
                return True
        except (ValueError, RecursionError):  # not JSON, or not JSON Python reads (too deep, too many digits)
            continue
    return False


def _json_lines_table(text: str) -> pa.Table | None:
    """Order-line records read by Arrow's JSON reader; None when Arrow cannot read them (a broken line, a value
    whose type changes from line to line, nesting deeper than records have) or when they are the seed's customers
    (with productHistory)."""
    if _nesting_depth(text) > _MAX_JSON_DEPTH:  # Arrow's reader crashes the process on very deep nesting
        return None
    first = text.lstrip().split("\n", 1)[0]
    try:
        if "productHistory" in json.loads(first):
            return None
        return pjson.read_json(pa.BufferReader(text.encode("utf-8")))
    except (json.JSONDecodeError, TypeError, ValueError, RecursionError, pa.ArrowInvalid):
        return None


def _nesting_depth(text: str) -> int:
    """How deep brackets and braces nest, at most (those inside strings counted too: an overestimate)."""
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    steps = (np.isin(data, _OPENERS).astype(np.int32) - np.isin(data, _CLOSERS).astype(np.int32))
    return int(np.cumsum(steps).max()) if len(steps) else 0


def _json_lines(text: str) -> tuple[list[Any], list[int], list[Malformed]]:
    """JSON Lines read line by line: the items, each one's row number, and the lines that are not JSON (rows are
    the non-blank lines, numbered from 1)."""
    items: list[Any] = []
    numbers: list[int] = []
    malformed: list[Malformed] = []
    for line in (line for line in text.splitlines() if line.strip()):
        number = len(items) + len(malformed) + 1
        try:
            items.append(json.loads(line))
            numbers.append(number)
        except (json.JSONDecodeError, RecursionError, ValueError):  # also nested too deeply, a 5,000-digit number
            malformed.append(Malformed(number, line[:_RECORD_TEXT_LIMIT]))
    return items, numbers, malformed


def _load_parquet(buffer: pa.Buffer, name: str | None) -> Loaded:
    """The Parquet file's table, two columns of one name (a join's city from both sides) told apart as a CSV's
    are (city, city.1): the dataset reader `pq.read_table` refuses such a file.

    Spark's legacy INT96 timestamps are read in microseconds: in Arrow's default nanoseconds a day before 1677
    or after 2262 wraps around into another day without an error (2500-01-01 becomes 1915-06-14, a purchase
    date like any other)."""
    try:
        table = pq.ParquetFile(pa.BufferReader(buffer), coerce_int96_timestamp_unit="us").read()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as error:
        raise InvalidInput([Problem("file", f"cannot read the file as Parquet: {error}", name)]) from None
    notes: list[str] = []
    warnings: list[str] = []
    table = _plain_columns(table.rename_columns(unique_names(table.column_names)), notes, warnings)
    return Loaded(table, RowLog.for_rows(table.num_rows), "parquet", notes=notes, warnings=warnings)


def _plain_columns(table: pa.Table, notes: list[str], warnings: list[str]) -> pa.Table:
    """A typed file's columns in the types the cohort readers take: UUIDs as their canonical text, pandas periods
    as the day they start, other extension types as their storage, view types as plain text and bytes, 32-bit
    floats as the numbers they print as; nested columns left out; bytes as text."""
    plain = pa.table([_plain_column(column) for column in table.columns], names=table.column_names)
    return _binary_as_text(_without_nested(plain, notes), notes, warnings)


_VIEW_TYPES = {"string_view": pa.string(), "binary_view": pa.binary()}  # by name: pyarrow 15 has neither


def _plain_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if isinstance(kind, pa.BaseExtensionType):
        if kind.extension_name == "arrow.uuid":  # in pieces: 36 characters each must fit a piece's 2 GiB of text
            return pa.chunked_array([_uuid_text(chunk.storage.slice(start, _UUIDS_PER_PIECE))
                                     for chunk in column.chunks for start in range(0, len(chunk), _UUIDS_PER_PIECE)],
                                    pa.string())
        if kind.extension_name == "pandas.period":  # days since 1970 for a daily period: no Excel serials
            return pa.chunked_array([_period_days(chunk) for chunk in column.chunks], pa.date32())
        return _plain_column(pa.chunked_array([chunk.storage for chunk in column.chunks], kind.storage_type))
    if str(kind) in _VIEW_TYPES:  # Arrow's take and several kernels have no view-type variant
        return column.cast(_VIEW_TYPES[str(kind)])
    if pa.types.is_fixed_size_binary(kind):
        return column.cast(pa.binary())
    if pa.types.is_float32(kind):
        # The number the writer was given is the shortest text that reads back as the same float32 (123456.78);
        # widened bit for bit it would be 123456.78125, in totals and in the rejected rows.
        return column.cast(pa.string()).cast(pa.float64())
    return column


_UUIDS_PER_PIECE = 1 << 24
_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UUID_DASHES = [8, 12, 16, 20]  # the hex digits before which the canonical text has a dash


def _uuid_text(storage: pa.Array) -> pa.Array:
    """UUIDs (16 bytes each) as their canonical text, 9f1c6f0e-5b7a-4c1e-8f3e-2d9a7b6c5e4f, as Postgres and
    DuckDB write them."""
    size = len(storage)
    start = storage.offset * 16
    pairs = np.frombuffer(storage.buffers()[1], dtype=np.uint8)[start:start + size * 16].reshape(size, 16)
    digits = np.empty((size, 32), dtype=np.uint8)
    digits[:, 0::2], digits[:, 1::2] = _HEX_DIGITS[pairs >> 4], _HEX_DIGITS[pairs & 0x0F]
    text = np.insert(digits, _UUID_DASHES, ord("-"), axis=1)
    offsets = np.arange(0, text.size + 1, text.shape[1], dtype=np.int32)
    texts = pa.Array.from_buffers(pa.string(), size, [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())])
    return pc.if_else(storage.is_valid(), texts, pa.scalar(None, pa.string())) if storage.null_count else texts


def _period_days(periods: pa.ExtensionArray) -> pa.Array:
    """Pandas periods (stored as counts of their frequency since 1970) as the days they start."""
    days = pd.PeriodIndex(periods.to_pandas()).asfreq("D", how="S").asi8
    return pa.array(days.astype(np.int32), pa.date32(), mask=periods.is_null().to_numpy(zero_copy_only=False))


def _without_nested(table: pa.Table, notes: list[str]) -> pa.Table:
    """The table without its nested columns (lists, records, maps): no canonical field is one, and a rejected
    row's original values must be writable as text."""
    nested = [field for field in table.schema if pa.types.is_nested(field.type)]
    notes += [f"column {field.name!r} holds lists or records ({field.type}): not read" for field in nested]
    return table.drop_columns([field.name for field in nested]) if nested else table


def _binary_as_text(table: pa.Table, notes: list[str], warnings: list[str]) -> pa.Table:
    """The table with its binary columns (text some writers store without saying it is UTF-8) as text: UTF-8
    where it is, or where only a few bytes are stray (read as �, counted in a warning), as a delimited file is;
    else decoded in the single-byte encoding the bytes look like (Windows-1254 for Turkish)."""
    for index, column_field in enumerate(table.schema):
        if not (pa.types.is_binary(column_field.type) or pa.types.is_large_binary(column_field.type)):
            continue
        column = table.column(index)
        try:
            text = column.cast(pa.string())
        except pa.ArrowInvalid:  # not UTF-8
            values = pc.drop_null(column).combine_chunks().cast(pa.large_binary())
            whole = pa.LargeListArray.from_arrays([0, len(values)], values)
            data = pc.binary_join(whole, pa.scalar(b"\n", pa.large_binary()))[0].as_py()
            if mostly_utf8(data):
                encoding = "utf-8"
                stray = data.decode(encoding, errors="replace").count("\ufffd") - data.count("\ufffd".encode())
                warnings.append(f"column {column_field.name!r}: {stray} byte(s) are not UTF-8 and were read as �")
            else:
                encoding = single_byte_encoding(data)
                notes.append(f"column {column_field.name!r} holds bytes, not UTF-8 text: read as "
                             f"{_ENCODING_NAMES.get(encoding, encoding)}")
            text = _decoded_values(column, encoding)
        table = table.set_column(index, pa.field(column_field.name, pa.string()), text)
    return table


def _decoded_values(column: pa.ChunkedArray, encoding: str) -> pa.Array:
    """Bytes as text in ``encoding``, undecodable bytes as �: each distinct value decoded once."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    texts = pa.array([value.decode(encoding, errors="replace") for value in encoded.dictionary.to_pylist()],
                     pa.string())
    return texts.take(encoded.indices)
