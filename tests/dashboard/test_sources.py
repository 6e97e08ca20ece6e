"""Cohort files: content hashes, the bundled sample, and the columns the mapping editor offers."""

from __future__ import annotations

import gzip
import hashlib
import io

import pandas as pd
import pytest

from dashboard import sources
from dashboard.sources import CohortFile, file_columns

TABLE = pd.DataFrame({"Müşteri No": ["001", "002"], "Tarih": ["01.02.2026", "03.02.2026"], "Tutar": [1.5, 2.0]})


def test_a_file_is_keyed_by_the_hash_of_its_bytes() -> None:
    file = CohortFile.from_bytes("a.csv", b"x,y\n1,2\n")

    assert file.digest == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert CohortFile.from_bytes("renamed.csv", b"x,y\n1,2\n").digest == file.digest


def test_the_sample_reads_as_order_lines_for_its_day() -> None:
    sample = sources.sample()
    cohort = sources.read(sample.file)

    assert sample.as_of.isoformat() == "2026-02-12"
    assert (cohort.report.format, cohort.report.delimiter, cohort.report.date_order) == ("order_lines", ";", "DMY")
    assert cohort.report.rows_rejected > 0  # the generator's shipping lines, guests and duplicates
    assert sample.description.startswith(f"{cohort.report.customers} customers")


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    TABLE.to_excel(buffer, index=False)
    return buffer.getvalue()


def _parquet() -> bytes:
    buffer = io.BytesIO()
    TABLE.to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content"), [
    ("a.csv", TABLE.to_csv(index=False, sep=";").encode("cp1254")),
    ("a.xlsx", _xlsx()),
    ("a.parquet", _parquet()),
    ("a.csv.gz", gzip.compress(TABLE.to_csv(index=False).encode())),
    ("a.json", TABLE.to_json(orient="records", force_ascii=False).encode()),
    # UTF-8 with one stray Windows-1254 byte: the reader keeps it UTF-8, so the editor must too
    ("a.csv", TABLE.to_csv(index=False, sep=";").encode().replace(b"\n", b"\n\xc7", 1)),
])
def test_the_mapping_editor_offers_the_files_columns(name: str, content: bytes) -> None:
    assert file_columns(CohortFile.from_bytes(name, content)) == ["Müşteri No", "Tarih", "Tutar"]


def test_the_seeds_json_has_no_columns_to_map() -> None:
    assert file_columns(CohortFile.from_bytes("c.json", b'[{"customerId": "C-1", "productHistory": []}]')) == []


def _workbook_with_a_hidden_first_sheet() -> CohortFile:
    """Sheets Old (hidden: an earlier export, other columns), Orders and Notes."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"Kunde": ["K1"], "Datum": ["2025-01-01"]}).to_excel(writer, sheet_name="Old", index=False)
        TABLE.to_excel(writer, sheet_name="Orders", index=False)
        pd.DataFrame({"note": ["x"]}).to_excel(writer, sheet_name="Notes", index=False)
        writer.book["Old"].sheet_state = "hidden"
    return CohortFile.from_bytes("book.xlsx", buffer.getvalue())


def test_a_workbooks_sheets_name_the_hidden_ones_and_the_one_read_by_default() -> None:
    # The reader skips a hidden first sheet; the picker showed it as the sheet read, the editor its columns.
    workbook = _workbook_with_a_hidden_first_sheet()

    assert sources.workbook_sheets(workbook) == sources.WorkbookSheets(("Old", "Orders", "Notes"),
                                                                       frozenset({"Old"}), "Orders")
    assert file_columns(workbook) == ["Müşteri No", "Tarih", "Tutar"]
    assert file_columns(workbook, "Old") == ["Kunde", "Datum"]
    assert sources.workbook_sheets(CohortFile.from_bytes("a.csv", b"x,y\n1,2\n")) == sources.WorkbookSheets()
