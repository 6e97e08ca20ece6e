"""Writing tables for spreadsheets: formulas neutralised, rejected rows written out whole."""

from __future__ import annotations

import codecs
import csv
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from rules.cohort.export import csv_quoting, neutralise_formulas, write_rejected
from rules.cohort.read import read_cohort
from tests.rules.cohort.test_read_support import text_file


def test_cells_that_would_run_as_formulas_get_an_apostrophe() -> None:
    frame = pd.DataFrame({
        "text": pd.array(["=HYPERLINK(\"http://x\")", "+90 555 0000", "-1+2", "@SUM(A1)", "\t=1", "plain", None],
                         dtype="string"),
        "object": ["-12,50", "+3", "=1", "ok", "x", "y", "z"],
        "number": [-1, 2, 3, 4, 5, 6, 7],
    })

    safe = neutralise_formulas(frame)

    expected = pd.DataFrame({
        "text": pd.array(["'=HYPERLINK(\"http://x\")", "'+90 555 0000", "'-1+2", "'@SUM(A1)", "'\t=1", "plain", None],
                         dtype="string"),
        "object": ["-12,50", "+3", "'=1", "ok", "x", "y", "z"],
        "number": [-1, 2, 3, 4, 5, 6, 7],
    })
    pd.testing.assert_frame_equal(safe, expected)
    pd.testing.assert_frame_equal(frame["text"].to_frame(), pd.DataFrame({"text": pd.array(
        ["=HYPERLINK(\"http://x\")", "+90 555 0000", "-1+2", "@SUM(A1)", "\t=1", "plain", None], dtype="string")}))


def test_rejected_rows_are_written_with_their_reason_and_original_values(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["CustomerID", "InvoiceDate", "StockCode", "Description", "Amount"],
            ["A", "2026-01-05", "P1", "Krem", "10"],
            [None, "2026-01-05", "P1", "=cmd|' /C calc'!A0", "10"],
            ["B", "someday", "P2", "Ruj", "-5"]]
    cohort = read_cohort(text_file(rows))
    path = tmp_path / "rejected.csv"

    written = write_rejected(cohort, path)

    assert written == 2
    assert path.read_text(encoding="utf-8").splitlines() == [
        "file,row,reason,CustomerID,InvoiceDate,StockCode,Description,Amount",
        "input,2,missing_customer_id,,2026-01-05,P1,'=cmd|' /C calc'!A0,10",
        "input,3,bad_date,B,someday,P2,Ruj,-5"]


def test_cells_with_a_formula_after_spaces_and_formula_column_names_are_neutralised() -> None:
    frame = pd.DataFrame({"=HYPERLINK(\"http://x\")": [" =1+2", "  -5", " +90 555", "ok"], "-3": ["a", "b", "c", "d"]})

    safe = neutralise_formulas(frame)

    expected = pd.DataFrame({"'=HYPERLINK(\"http://x\")": ["' =1+2", "  -5", "' +90 555", "ok"],
                             "-3": ["a", "b", "c", "d"]})
    pd.testing.assert_frame_equal(safe, expected)


def test_a_formula_in_the_uploaded_files_header_cannot_run_from_the_rejected_rows(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["CustomerID", "InvoiceDate", "Amount", "@SUM(A1:A9)"],
                             [None, "2026-01-05", "10", "x"]]
    cohort = read_cohort(text_file(rows))
    path = tmp_path / "rejected.csv"

    write_rejected(cohort, path)

    assert path.read_text(encoding="utf-8").splitlines()[0] == \
        "file,row,reason,CustomerID,InvoiceDate,Amount,'@SUM(A1:A9)"


def test_a_bare_carriage_return_in_a_cell_keeps_its_row_whole(tmp_path: Path) -> None:
    cohort = read_cohort(b'CustomerID,InvoiceDate,Amount,Note\n,2026-01-05,10,"a\rb"\nB,someday,5,c\n')
    path = tmp_path / "rejected.csv"

    write_rejected(cohort, path)

    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back[["row", "Note"]].to_dict("records") == [{"row": "1", "Note": "a\rb"}, {"row": "2", "Note": "c"}]
    assert csv_quoting(pd.DataFrame({"a": ["x", None], "n": [1, 2]})) == csv.QUOTE_MINIMAL
    for text in (pd.Series(["a\rb", "c"], dtype="category"), pd.Series(["a\rb", "c"], dtype="string[pyarrow]")):
        assert csv_quoting(pd.DataFrame({"x": text, "n": [1, 2]})) == csv.QUOTE_NONNUMERIC


@pytest.mark.parametrize("line_end", ["\r", "\n", "\r\n"])
def test_a_line_end_in_a_column_name_keeps_the_header_whole(tmp_path: Path, line_end: str) -> None:
    name = f"Not{line_end}lar"
    cohort = read_cohort(f'customer_id,order_date,product_id,quantity,amount,"{name}"\n'
                         "C1,2026-01-02,P1,x,10,a\nC2,2026-01-02,P1,1,10,b\n".encode())
    path = tmp_path / "rejected.csv"

    write_rejected(cohort, path)

    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back.columns.tolist() == ["file", "row", "reason", "customer_id", "order_date", "product_id", "quantity",
                                     "amount", name]
    assert back[["row", "reason", name]].values.tolist() == [["1", "bad_quantity", "a"]]


def test_rejected_rows_for_excel_start_with_a_byte_order_mark(tmp_path: Path) -> None:
    cohort = read_cohort("CustomerID,InvoiceDate,Amount,Şehir\n,2026-01-05,10,İstanbul\n".encode())
    path = tmp_path / "rejected.csv"

    assert write_rejected(cohort, path, bom=True) == 1

    assert path.read_bytes() == codecs.BOM_UTF8 + ("file,row,reason,CustomerID,InvoiceDate,Amount,Şehir\n"
                                                   "input,1,missing_customer_id,,2026-01-05,10,İstanbul\n").encode()


def test_an_object_column_of_anything_is_judged_by_each_values_text() -> None:
    frame = pd.DataFrame({"mixed": pd.Series([["=x", "y"], -5, "=1+1", None, float("nan"), "-3"], dtype=object),
                          "region": pd.Categorical(["=cmd", "Ege", "=cmd", None, "Ege", "Ege"])})

    safe = neutralise_formulas(frame)

    assert safe["mixed"].tolist()[:4] == [["=x", "y"], -5, "'=1+1", None]
    assert math.isnan(safe["mixed"].iloc[4])
    assert safe["mixed"].iloc[5] == "-3"
    assert safe["region"].tolist()[:3] == ["'=cmd", "Ege", "'=cmd"]
    assert list(safe["region"].cat.categories) == ["'=cmd", "Ege"]
