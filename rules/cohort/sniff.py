"""What a file is, decided from its bytes: its kind, its text encoding, its delimiter and where its header is.

Only a sample is looked at (the first megabyte, cut at a line end); the CSV reader checks the rest. A file whose
sample is UTF-8 but whose later bytes are not is re-read with a single-byte encoding (see `single_byte_encoding`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import statistics
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import charset_normalizer
import numpy as np

from rules.cohort.columns import header_index, recognised_names
from rules.cohort.model import FileType
from rules.errors import InvalidInput, Problem

SAMPLE_BYTES = 1 << 20
SAMPLE_ROWS = 200
HEADER_SEARCH_ROWS = 20
DELIMITERS = (",", ";", "\t", "|")

# Bytes that are Turkish letters in Windows-1254 and ISO-8859-9 (Ğ İ Ş ğ ı ş) but Icelandic ones in Latin-1 and
# Windows-1252 (Ð Ý Þ ð ý þ), which a Turkish or Western European shop export practically never holds.
_TURKISH_ONLY_BYTES = bytes([0xD0, 0xDD, 0xDE, 0xF0, 0xFD, 0xFE])
_WORD = re.compile(rb"[A-Za-z\x80-\xff]+")
_CANDIDATES = ("cp1252", "cp1251", "cp1253", "cp1256")  # Western, Cyrillic, Greek, Arabic
# How a line of JSON starts: an array's first item or its end, an object's first key or its end.
_JSON_START = re.compile(rb'\[\s*(?:[\[{"\]]|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\s*[,\]]|'
                         rb'(?:true|false|null)\s*[,\]]|$)|\{\s*(?:["}]|$)')
_MAGIC = ((b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF document"), (b"GIF8", "a GIF image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"PK\x05\x06", "an empty zip archive"),
          (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"), (b"\x7fELF", "a program"),
          (b"MZ\x90\x00", "a Windows program"), (b"BZh", "a bzip2 archive"), (b"\xfd7zXZ", "an xz archive"),
          (b"(\xb5/\xfd", "a zstd archive"), (b"\x1f\x8b", "a gzip archive packed twice"))
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a compound file: an old .xls, or an Office file encrypted with a password
# The streams of an encrypted Office file, as the compound file's directory names them (UTF-16).
_ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
# Spreadsheets that systems save as .xls but that are text: an HTML page or table, Excel 2003's XML workbook.
_HTML_START = re.compile(rb"<(?:html|table|!doctype\s+html)\b", re.IGNORECASE)
# A report title may open with a bracket too ("<Table 1> Satış raporu"): HTML has more tags within its start.
_HTML_TAGS = re.compile(rb"<(?:/|head\b|body\b|tr\b|td\b|th\b|meta\b|html\b)", re.IGNORECASE)
_SPREADSHEET_XML = re.compile(rb'<\?mso-application\s+progid="Excel\.Sheet"|'
                              rb'<(?:ss:)?Workbook\b[^>]*"urn:schemas-microsoft-com:office:spreadsheet"')
_SAVE_AS = "open it in Excel and save it as .xlsx or CSV"
# Bytes that text never holds (tab, line feed and carriage return aside).
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class TextLayout:
    """How a delimited text file is laid out.

    Attributes:
        delimiter: the field separator.
        header_row: 0-based record index of the header; records before it are a preamble (a report title).
        header: the header's cells.
        header_lines: physical lines up to and including the header (where the data starts).
        quoted_newlines: some quoted values span lines.
        trailing_delimiter: most data rows end in a delimiter the header does not (one empty field more).
    """

    delimiter: str
    header_row: int
    header: list[str]
    header_lines: int
    quoted_newlines: bool
    trailing_delimiter: bool = False


def detect_kind(data: bytes, name: str | None = None) -> FileType:
    """The kind of file, from its first bytes (all of them for a compound file, `OLE_MAGIC`: its directory may
    lie anywhere); the name is only used to word errors.

    Raises:
        InvalidInput: an old binary Excel file (.xls), a workbook encrypted with a password, an HTML page or an
            Excel 2003 XML workbook, another file that is no table, or an empty file.
    """
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(OLE_MAGIC):
        if all(stream in data for stream in _ENCRYPTED_STREAMS):
            raise InvalidInput([Problem("file", "the workbook is password-protected; save it without a password "
                                                "(File › Info › Protect Workbook) or as CSV", name)])
        raise InvalidInput([Problem("file", "old binary Excel files (.xls) are not read; save it as .xlsx or CSV",
                                    name)])
    head = data[:4096]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head.decode(encoding, errors="ignore").encode("utf-8")
            break
    start = head.lstrip()
    if not start:
        raise InvalidInput([Problem("file", "the file is empty", name)])
    binary = _binary_kind(data[:4096])
    if binary is not None:
        raise InvalidInput([Problem("file", f"the file is {binary}, not a table: CSV or TSV text, Excel workbooks "
                                            "(.xlsx), Parquet and JSON are read", name)])
    if _HTML_START.match(start) and _HTML_TAGS.search(start, 1, 4096):
        raise InvalidInput([Problem("file", "the file is an HTML page/table (many systems save these as .xls): "
                                            + _SAVE_AS, name)])
    if start.startswith(b"<?xml") and _SPREADSHEET_XML.search(start[:2048]):
        raise InvalidInput([Problem("file", "the file is an Excel 2003 XML workbook (SpreadsheetML; many systems "
                                            "save these as .xls): " + _SAVE_AS, name)])
    # JSON opens an array or an object (JSON Lines one per line, though the first may be broken); a report title
    # such as "[Satış Raporu - Ocak 2026]" does not.
    lines = start.splitlines()[:5]
    return "json" if start[:1] in (b"[", b"{") and any(_JSON_START.match(line.lstrip()) for line in lines) \
        else "delimited"


def _binary_kind(head: bytes) -> str | None:
    """What a file that is not text is, from its first bytes: a known format's name, or None for text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if not head or bom_encoding(head) or _looks_utf16(head):
        return None
    control = sum(head.count(bytes([byte])) for byte in _CONTROL_BYTES)
    return "a binary file" if control * 10 > len(head) else None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 text without a byte order mark: a zero byte in every other place."""
    sample = head[:512]
    return len(sample) >= 4 and (sample[1::2].count(0) * 4 > len(sample) * 3 // 2 or
                                 sample[0::2].count(0) * 4 > len(sample) * 3 // 2)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte order mark announces, if the data starts with one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def detect_encoding(data: bytes) -> str:
    """The text encoding: the BOM's, else UTF-8 when the sample decodes as UTF-8, else a single-byte one."""
    announced = bom_encoding(data)
    if announced is not None:
        return announced
    sample = _sample(data)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return "utf-8" if mostly_utf8(sample) else single_byte_encoding(data)
    return "utf-8"


def has_stray_bytes(data: bytes) -> bool:
    """Whether the sample of text that `detect_encoding` read as UTF-8 holds bytes that are not UTF-8 (a
    character the sample's end cuts in two is not one)."""
    sample = _sample(data)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) == len(data))
    except UnicodeDecodeError:
        return True
    return False


def mostly_utf8(data: bytes) -> bool:
    """Whether text that is not valid UTF-8 is UTF-8 all the same, with a few stray bytes (a character pasted
    from another encoding): the bytes of its valid multi-byte characters outnumber the stray bytes four to one
    (two Turkish letters for each). Text in a single-byte encoding has next to no valid UTF-8 sequences."""
    text = data.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - data.count("\ufffd".encode())
    high = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) >= 0x80))
    return stray > 0 and high - stray >= 4 * stray


def single_byte_encoding(data: bytes) -> str:
    """Windows-1254 (Turkish), Windows-1252 or Latin-1 (or another script's Windows code page) for non-UTF-8 text.

    Windows-1254 and ISO-8859-9 decode every letter alike, and so do Windows-1252 and Latin-1 apart from the
    0x80-0x9F block. The Turkish and Western sets differ only in six letters, so the Turkish set is chosen when
    one of those bytes occurs; without them both sets give the same text and the Western name is reported.
    Text that charset-normalizer reads as Cyrillic, Greek or Arabic gets that Windows code page instead.
    """
    other_script = _other_script(data)
    if other_script is not None:
        return other_script
    if any(byte in data for byte in _TURKISH_ONLY_BYTES):
        return "cp1254"
    if any(bytes([byte]) in data for byte in range(0x80, 0xA0)):
        return "cp1252"
    return "latin-1"


def _other_script(data: bytes) -> str | None:
    """Windows-1251, -1253 or -1256 when charset-normalizer reads the text's non-ASCII lines as Cyrillic, Greek
    or Arabic better than as Western European; None otherwise."""
    lines = [line for line in _sample(data).splitlines() if any(byte >= 0x80 for byte in line)]
    if not lines or _latin_words(lines):
        return None
    best = charset_normalizer.from_bytes(b"\n".join(lines[:2000]), cp_isolation=list(_CANDIDATES)).best()
    return None if best is None or best.encoding == "cp1252" else best.encoding


def _latin_words(lines: list[bytes]) -> bool:
    """Whether most words with non-ASCII bytes also have ASCII letters (Çörek, Söğüt, Größe), as in a Latin
    script; Cyrillic, Greek and Arabic words are non-ASCII throughout. Short Turkish text fools
    charset-normalizer (Çörek reads as Arabic), this does not."""
    words = [word for line in lines for word in _WORD.findall(line) if any(byte >= 0x80 for byte in word)]
    mixed = sum(1 for word in words if any(byte < 0x80 for byte in word))
    return mixed * 2 >= len(words)


def decode_sample(data: bytes, encoding: str) -> str:
    """The sample as text (undecodable bytes replaced; the full read decides about those)."""
    text = _sample(data).decode(encoding, errors="replace")
    return text.removeprefix("\ufeff")


def detect_layout(text: str, name: str | None = None, named: Collection[str] = ()) -> TextLayout:
    """The delimiter and header: the delimiter whose header row has the most recognised column names, then the
    one that splits the sample's rows into the most consistent field count.

    ``named``: the `name_key` of the columns a mapping names (a header the reader does not know).

    Raises:
        InvalidInput: the sample has no rows.
    """
    best: tuple[int, float, int, int] | None = None
    chosen = ","
    chosen_rows: list[list[str]] = []
    chosen_ends: list[int] = []
    for preference, delimiter in enumerate(DELIMITERS):
        rows, ends = _rows(text, delimiter)
        counts = [len(row) for row in rows if any(cell.strip() for cell in row)]
        if not counts:
            continue
        usual = statistics.mode(counts)
        share = counts.count(usual) / len(counts)
        # Rows of a ';' export with decimal commas split by ',' just as consistently; its header does not.
        known = max(recognised_names(row, named) for row in rows[:HEADER_SEARCH_ROWS])
        score = (known if known >= 2 or named else 0, share if usual > 1 else 0.0, usual, -preference)
        if best is None or score > best:
            best, chosen, chosen_rows, chosen_ends = score, delimiter, rows, ends
    if best is None:
        raise InvalidInput([Problem("file", "the file has no rows", name)])
    usual = best[2]
    header_row = header_index(chosen_rows[:HEADER_SEARCH_ROWS], usual, named)
    header = chosen_rows[header_row]
    quoted_newlines = any("\n" in cell or "\r" in cell for row in chosen_rows for cell in row)
    data = [row for row in chosen_rows[header_row + 1:] if any(cell.strip() for cell in row)]
    # A delimiter after the last field of every row ("1001;A1;2;", as some ERPs and SQL tools write them):
    # an empty field the header has no name for.
    trailing = bool(data) and header[-1:] != [""] and \
        sum(len(row) == len(header) + 1 and not row[-1].strip() for row in data) * 2 > len(data)
    return TextLayout(chosen, header_row, header, chosen_ends[header_row], quoted_newlines, trailing)


def unique_names(header: list[str]) -> list[str]:
    """Column names from header cells: trimmed, blanks named ``column_N``, repeats numbered like ``Tutar.1``."""
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(header, start=1):
        base = cell.strip().removeprefix("\ufeff").strip() or f"column_{position}"
        name, copy = base, 0
        while name in seen:
            copy += 1
            name = f"{base}.{copy}"
        seen.add(name)
        names.append(name)
    return names


def _rows(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The sample's first records, and after each the number of physical lines read so far.

    A quote that never closes above the rows (in a title line or the header) would make the rest of the sample
    one value: then quotes are read as text, so that the layout can still be seen (the reader deals with the
    quote itself, `rules.cohort.unclosed_quotes`).
    """
    rows, ends = _records(text, delimiter, csv.QUOTE_MINIMAL)
    if len(rows) * 2 < min(SAMPLE_ROWS, text.count("\n")):
        return _records(text, delimiter, csv.QUOTE_NONE)
    return rows, ends


def _records(text: str, delimiter: str, quoting: Literal[0, 1, 2, 3]) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quoting=quoting)
    rows: list[list[str]] = []
    ends: list[int] = []
    while len(rows) < SAMPLE_ROWS:
        try:
            rows.append(next(reader))
        except (StopIteration, csv.Error):  # csv.Error: an unterminated quote where the sample was cut
            break
        ends.append(reader.line_num)
    return rows, ends


def data_offset(data: bytes, header_lines: int) -> int:
    """The byte offset where the line after the header starts."""
    offset = 0
    for _ in range(header_lines):
        end = data.find(b"\n", offset)
        if end < 0:
            return len(data)
        offset = end + 1
    return offset


def _sample(data: bytes) -> bytes:
    if len(data) <= SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, SAMPLE_BYTES)
    return data[: cut + 1] if cut > 0 else data[:SAMPLE_BYTES]
