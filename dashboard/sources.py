"""Cohort files as the dashboard holds them: name, bytes and content hash; the bundled sample; reading.

The content hash (SHA-256) keys every cache, so the same bytes are read and segmented once per session
whatever the file is called.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pyarrow.parquet as pq

from rules.cohort.dates import DateOrder
from rules.cohort.load import load, source_buffer
from rules.cohort.model import Cohort
from rules.cohort.read import read_cohort
from rules.cohort.sniff import (
    HEADER_SEARCH_ROWS,
    SAMPLE_BYTES,
    decode_sample,
    detect_encoding,
    detect_kind,
    detect_layout,
    unique_names,
)
from rules.cohort.workbook import open_workbook

SAMPLE_DIR = Path(__file__).with_name("sample")
UPLOAD_TYPES: tuple[str, ...] = ("csv", "tsv", "txt", "xlsx", "json", "jsonl", "ndjson", "parquet", "gz")


@dataclass(frozen=True, slots=True)
class CohortFile:
    """An uploaded (or bundled) cohort file."""

    name: str
    content: bytes
    digest: str

    @classmethod
    def from_bytes(cls, name: str, content: bytes) -> CohortFile:
        """Wrap bytes, hashing them."""
        return cls(name=name, content=content, digest=hashlib.sha256(content).hexdigest())

    @property
    def size_mb(self) -> float:
        """Size in megabytes."""
        return len(self.content) / 1_000_000


@dataclass(frozen=True, slots=True)
class Sample:
    """The bundled sample cohort and the day it is meant to be analysed for."""

    file: CohortFile
    as_of: date
    description: str


@cache
def sample() -> Sample:
    """The bundled sample (`dashboard/sample/`, described by its `sample.json`)."""
    meta = json.loads((SAMPLE_DIR / "sample.json").read_text(encoding="utf-8"))
    path = SAMPLE_DIR / str(meta["file"])
    return Sample(CohortFile.from_bytes(path.name, path.read_bytes()), date.fromisoformat(meta["asOf"]),
                  str(meta["description"]))


def read(file: CohortFile, mapping: Mapping[str, str] | None = None, *, customers: CohortFile | None = None,
         sheet: str | None = None, date_order: DateOrder | None = None) -> Cohort:
    """Read a cohort file with the rule engine's reader (format detected from the content and the name).

    Args:
        file: the file.
        mapping: canonical field → column, overriding the reader's detection.
        customers: an optional second file of customer attributes (its values win over the main file's).
        sheet: the sheet of an Excel workbook to read (the first when None).
        date_order: how dates like 03/04/2025 are read (``"DMY"`` or ``"MDY"``); decided from the data when None.

    Raises:
        InvalidInput: the file cannot be read as a cohort; every problem is located.
    """
    return read_cohort(file.content, name=file.name, mapping=dict(mapping) if mapping else None,
                       customers=customers.content if customers else None,
                       customers_name=customers.name if customers else None, sheet=sheet, date_order=date_order)


def _unpacked(file: CohortFile) -> tuple[bytes, str | None, str]:
    """The file's bytes as the reader sees them (gzip undone), its name without .gz, and what kind it is.

    Raises:
        InvalidInput: the file is empty, or damaged so that it cannot be told what it is.
    """
    buffer, name = source_buffer(file.content, file.name)
    content = buffer.to_pybytes()
    return content, name, detect_kind(content[:SAMPLE_BYTES], name)


@dataclass(frozen=True, slots=True)
class WorkbookSheets:
    """A workbook's sheets of cells, as a sheet picker offers them.

    Attributes:
        names: every sheet's name, in the workbook's order.
        hidden: the names of the hidden ones.
        default: the sheet the reader reads when none is chosen (the first visible one); None without sheets.
    """

    names: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()
    default: str | None = None


def workbook_sheets(file: CohortFile) -> WorkbookSheets:
    """The sheets of an Excel workbook (also gzipped); none for any other file and for a file that cannot be
    opened (reading it says why)."""
    if not file.content.startswith((b"PK\x03\x04", b"\x1f\x8b")):  # neither a zip (xlsx) nor gzip: on every rerun
        return WorkbookSheets()
    try:
        content, _, kind = _unpacked(file)
        if kind != "xlsx":
            return WorkbookSheets()
        with open_workbook(content) as book:
            first = book.default
            return WorkbookSheets(tuple(book.names), frozenset(part.name for part in book.sheets if part.hidden),
                                  None if first is None else first.name)
    except Exception:  # an empty or damaged file: the reader's error says what is wrong with it
        return WorkbookSheets()


def file_columns(file: CohortFile, sheet: str | None = None) -> list[str]:
    """The column names of a tabular file (of ``sheet`` in a workbook, else of the sheet the reader reads: its first
    visible one), for the mapping editor (a JSON file has none: it names its fields).

    Raises:
        Whatever the reader's sniffing raises for an empty or unreadable file.
    """
    content, name, kind = _unpacked(file)
    if kind == "delimited":
        encoding = detect_encoding(content)
        return unique_names(detect_layout(decode_sample(content, encoding), name).header)
    if kind == "parquet":
        return [str(column) for column in pq.read_schema(io.BytesIO(content)).names]
    if kind == "json":  # records name their fields; the seed's customers have none to map
        return [str(column) for column in load(content, name=name).table.column_names]
    if kind == "xlsx":
        with open_workbook(content) as book:
            chosen = book.find(sheet) if sheet in book.names else book.default
            for row in book.rows(chosen, limit=HEADER_SEARCH_ROWS) if chosen is not None else ():
                if sum(1 for cell in row if cell is not None) * 2 >= len(row):
                    return unique_names(["" if cell is None else str(cell) for cell in row])
    return []
