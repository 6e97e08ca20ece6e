"""Damaged binary files are a clear, located error, not a library's exception."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable

import pandas as pd
import pytest

from rules import InvalidInput, read_cohort


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"CustomerID": ["1"], "InvoiceDate": ["2026-01-01"], "Amount": [10.0], "StockCode": ["A"]}).to_excel(
        buffer, index=False)
    return buffer.getvalue()


def _parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"CustomerID": ["1"], "InvoiceDate": ["2026-01-01"], "Amount": [10.0]}).to_parquet(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (_xlsx_bytes()[:400], "orders.xlsx", "cannot read the file as an Excel workbook (.xlsx)"),
        (_parquet_bytes()[:-40], "orders.parquet", "cannot read the file as Parquet"),
    ],
)
def test_truncated_files_name_the_file_and_the_format(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_cohort(data, name=name)

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("file", name)
    assert problem.msg.startswith(message)


def _with_part(data: bytes, part: str, change: Callable[[bytes], bytes | None]) -> bytes:
    """The workbook with one of its zip parts changed (None: left out)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            changed = change(content) if item.filename == part else content
            if changed is not None:
                target.writestr(item, changed)
    return out.getvalue()


@pytest.mark.parametrize(
    ("part", "change"),
    [
        ("xl/worksheets/sheet1.xml", lambda content: content[: len(content) // 2]),  # XML cut short
        ("xl/workbook.xml", lambda content: b"<notxml"),
        ("xl/worksheets/sheet1.xml", lambda content: None),  # a missing sheet part
        ("xl/worksheets/sheet1.xml", lambda content: content.replace(b"<v>10</v>", b"<v>ten</v>")),  # bad number
    ],
    ids=["truncated sheet", "broken workbook", "missing sheet", "bad number cell"],
)
def test_a_workbook_damaged_inside_its_zip_is_a_clear_error(part: str, change: Callable[[bytes], bytes | None]
                                                            ) -> None:
    damaged = _with_part(_xlsx_bytes(), part, change)
    assert damaged != _xlsx_bytes()

    with pytest.raises(InvalidInput) as caught:
        read_cohort(damaged, name="orders.xlsx")

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("file", "orders.xlsx")
    assert problem.msg.startswith("cannot read the file as an Excel workbook (.xlsx): ")


@pytest.mark.parametrize("cut", [slice(0, -12), slice(0, 30)], ids=["end missing", "body cut"])
def test_a_gzip_file_cut_short_is_a_clear_error(cut: slice) -> None:
    whole = gzip.compress(b"CustomerID,InvoiceDate,Amount\n" + b"C1,2026-01-05,10\n" * 200)

    with pytest.raises(InvalidInput) as caught:
        read_cohort(whole[cut], name="orders.csv.gz")

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("file", "orders.csv.gz")
    assert problem.msg.startswith("cannot unpack the gzip file: ")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "the JSON is nested too deeply to be customers or records"),
        (b"[{}, {}]", "the JSON has no records with fields to read (its items are empty objects or not objects)"),
        (b"[1, 2]", "the JSON has no records with fields to read (its items are empty objects or not objects)"),
        (b'[{"lines": [1]}]', "the JSON has no records with fields to read (only lists or records in 'lines')"),
    ],
    ids=["nested deeply", "empty objects", "not objects", "only lists"],
)
def test_json_without_records_to_read_is_a_clear_error(data: bytes, why: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_cohort(data, name="orders.json")

    assert [(p.loc, p.msg, p.input) for p in caught.value.problems] == [("file", why, "orders.json")]


def _zip_of_a_csv() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("orders.csv", "CustomerID,InvoiceDate,Amount\n1,2026-01-01,10\n")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "the file is a PNG image, not a table"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "the file is a PDF document, not a table"),
    (bytes(range(256)) * 8, "the file is a binary file, not a table"),
    (gzip.compress(gzip.compress(b"CustomerID,Amount\n1,2\n")), "the file is a gzip archive packed twice"),
    (_zip_of_a_csv(), "this is a zip archive, not an Excel workbook (it holds orders.csv): unzip it and read the file "
                      "inside"),
])
def test_files_that_are_no_table_are_named_for_what_they_are(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_cohort(data, name="upload")

    [problem] = caught.value.problems
    assert (problem.loc, problem.input) == ("file", "upload")
    assert problem.msg.startswith(message)


@pytest.mark.parametrize("title", ["[Satış Raporu - Ocak 2026]", "{Rapor: Satışlar}", "[Veri]"])
def test_a_title_in_brackets_above_a_delimited_table_is_no_json(title: str) -> None:
    data = f"{title}\nMüşteri No;Tarih;Ürün Kodu;Adet;Tutar\n1001;12.01.2026;A1;2;1.234,50\n".encode()

    cohort = read_cohort(data)

    assert (cohort.report.file_type, cohort.report.rows_accepted) == ("delimited", 1)
    assert cohort.history["total_spent"].tolist() == [1234.5]
