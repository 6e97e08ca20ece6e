"""Damaged binary files are a clear, located error, not a library's exception."""

from __future__ import annotations

import gzip
import io
import struct
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
        # an attribute openpyxl's schema does not have (it raises TypeError)
        ("xl/workbook.xml", lambda content: content.replace(b"<workbookView ", b'<workbookView visibilty="1" ')),
    ],
    ids=["truncated sheet", "broken workbook", "missing sheet", "unknown attribute"],
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


def test_a_number_cell_holding_text_is_its_row_rejected_with_the_text_shown() -> None:
    damaged = _with_part(_xlsx_bytes(), "xl/worksheets/sheet1.xml",
                         lambda content: content.replace(b"<v>10</v>", b"<v>ten</v>"))

    report = read_cohort(damaged, name="orders.xlsx").report

    assert (report.rows_read, report.rows_rejected) == (1, 1)
    rejected = report.rejected_by_reason["bad_amount"]
    assert (rejected.count, rejected.rows, rejected.examples) == (
        1, [1], [{"CustomerID": "1", "InvoiceDate": "2026-01-01", "Amount": "ten", "StockCode": "A"}])


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


def _office_document(mimetype: str | None, *members: str) -> bytes:
    """A zip archive laid out as LibreOffice (a ``mimetype`` member first, stored) or Numbers saves documents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for member in members:
            archive.writestr(member, "<x/>", compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_END_OF_CHAIN, _NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF


def _compound_file(streams: list[str]) -> bytes:
    """A minimal OLE compound file (512-byte sectors: the header, one FAT sector, one directory sector) whose root
    holds empty streams of these names: how an old .xls ("Workbook") or a password-encrypted Office file
    ("EncryptionInfo", "EncryptedPackage") is laid out."""
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
              + struct.pack("<I", 0) + b"\xff" * 4 * 108)
    fat = struct.pack("<II", 0xFFFFFFFD, _END_OF_CHAIN) + b"\xff" * 504  # sector 0 is the FAT, 1 the directory

    def entry(name: str, kind: int, right: int = _NO_STREAM, child: int = _NO_STREAM) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, _NO_STREAM, right, child)
                + bytes(36) + struct.pack("<IQ", _END_OF_CHAIN, 0))

    # Each stream the right sibling of the one before: in the order the tree sorts names (shorter first).
    entries = [entry("Root Entry", 5, child=1)] + [
        entry(name, 2, right=place + 2 if place + 1 < len(streams) else _NO_STREAM)
        for place, name in enumerate(streams)]
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory


@pytest.mark.parametrize(("data", "message"), [
    (_compound_file(["Workbook"]), "old binary Excel files (.xls) are not read; save it as .xlsx or CSV"),
    (_compound_file(["EncryptionInfo", "EncryptedPackage"]),
     "the workbook is password-protected; save it without a password (File › Info › Protect Workbook) or as CSV"),
    (b'<html><head><meta charset="utf-8"></head><body><table><tr><td>M\xc3\xbc\xc5\x9fteri No</td></tr></table>',
     "the file is an HTML page/table (many systems save these as .xls): open it in Excel and save it as .xlsx or CSV"),
    (b"\xef\xbb\xbf\n<!DOCTYPE html>\n<html>", "the file is an HTML page/table"),
    (b"<TABLE border=1><TR><TD>CustomerID</TD><TD>Amount</TD></TR></TABLE>", "the file is an HTML page/table"),
    (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook>',
     "the file is an Excel 2003 XML workbook (SpreadsheetML; many systems save these as .xls): open it in Excel "
     "and save it as .xlsx or CSV"),
    (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>',
     "the file is an Excel 2003 XML workbook"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "the file is a PNG image, not a table"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "the file is a PDF document, not a table"),
    (bytes(range(256)) * 8, "the file is a binary file, not a table"),
    (gzip.compress(gzip.compress(b"CustomerID,Amount\n1,2\n")), "the file is a gzip archive packed twice"),
    (_zip_of_a_csv(), "this is a zip archive, not an Excel workbook (it holds orders.csv): unzip it and read the file "
                      "inside"),
    (_office_document("application/vnd.oasis.opendocument.spreadsheet", "content.xml", "META-INF/manifest.xml"),
     "this is an OpenDocument spreadsheet (.ods), as LibreOffice and OpenOffice save them, which is not read: save "
     "it as .xlsx or CSV (in LibreOffice Calc: File › Save As, file type Excel 2007-365 or Text CSV)"),
    (_office_document("application/vnd.oasis.opendocument.text", "content.xml"),
     "this is an OpenDocument text document, not a table"),
    (_office_document(None, "Index/Document.iwa", "Metadata/Properties.plist"),
     "this is an Apple Numbers document, which is not read: export it as .xlsx or CSV (in Numbers: File › Export "
     "To › Excel or CSV)"),
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


def test_a_title_in_angle_brackets_is_a_title_not_html() -> None:
    data = "<Table 1> Satış raporu,,,\ncustomer_id,order_date,product_id,amount\nC1,2026-01-05,P1,10\n".encode()

    cohort = read_cohort(data)

    assert cohort.customers["customer_id"].tolist() == ["C1"]
    assert "skipped 1 line(s) above the header" in cohort.report.notes
