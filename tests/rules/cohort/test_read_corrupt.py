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
