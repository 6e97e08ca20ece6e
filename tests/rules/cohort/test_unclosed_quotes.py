"""A quote that never closes costs its own row, never the rows after it, and never silently."""

from __future__ import annotations

import pyarrow as pa
import pytest

import rules.cohort.load as load_module
from rules import read_cohort
from rules.cohort.unclosed_quotes import (
    LineEnds,
    count_line_ends,
    find_broken_lines,
    may_have_lost_rows,
    without_lines,
)
from tests.rules.cohort.test_read_support import counts

HEADER = "Müşteri No;Tarih;Ürün Adı;Adet;Tutar\n"


def _rows(count: int, special: dict[int, str]) -> str:
    """Order lines numbered 1..count (customer i spends i), with some rows' text replaced."""
    return "".join(special.get(i, f"C{i};12.01.2026;Kazak;1;{i}") + "\n" for i in range(1, count + 1))


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrow cuts the file into 4 KiB blocks, so that a small file has the many blocks of a large export."""
    monkeypatch.setattr(load_module, "BLOCK_BYTES", 1 << 12)


@pytest.mark.usefixtures("small_blocks")
def test_rows_after_an_unclosed_quote_are_read_and_every_row_is_counted() -> None:
    special = {500: 'C500;12.01.2026;"Kazak 32 inç;1;500', 1200: 'C1200;12.01.2026;"Hırka;1;1200',
               1500: "C1500;12.01.2026;Kazak;1;1500;extra"}
    data = (HEADER + _rows(2000, special)).encode()

    cohort = read_cohort(data)

    report = cohort.report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (2000, 1997, 3)
    assert report.rejected_by_reason["malformed_row"].rows == [500, 1200, 1500]
    assert report.rejected_by_reason["malformed_row"].examples == [
        {"text": special[500]}, {"text": special[1200]}, {"text": special[1500]}]
    assert sorted(cohort.customers["customer_id"]) == sorted(f"C{i}" for i in range(1, 2001) if i not in special)
    assert cohort.history["total_spent"].sum() == sum(range(1, 2001)) - 500 - 1200 - 1500
    assert [w for w in report.warnings if "never closes" in w] == [
        "2 row(s) open a quoted value that never closes (rows 500, 1,200): each is a malformed_row by itself, and "
        "the lines after it are read as the rows they are"]


@pytest.mark.usefixtures("small_blocks")
def test_an_unclosed_quote_in_a_file_whose_values_span_lines() -> None:
    special = {2: 'C2;12.01.2026;"Kazak\nuzun kollu";1;2', 700: 'C700;12.01.2026;"Atkı;1;700'}
    data = (HEADER + _rows(1000, special)).encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_rejected) == (1000, 1)
    assert cohort.report.rejected_by_reason["malformed_row"].rows == [700]
    assert cohort.history.loc[cohort.history["customer_id"] == "C2", "product_name"].tolist() == [
        "Kazak\nuzun kollu"]
    assert len(cohort.customers) == 999


@pytest.mark.usefixtures("small_blocks")
def test_values_spanning_lines_first_seen_after_the_sample() -> None:
    # The sniffer sees no quoted line end in its sample; the reader then meets them where it cuts blocks.
    special = {i: f'C{i};12.01.2026;"Kazak\nçizgili";1;{i}' for i in range(300, 3000, 7)}
    data = (HEADER + _rows(3000, special)).encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_rejected) == (3000, 0)
    assert counts(cohort) == {}
    assert (cohort.history["product_name"] == "Kazak\nçizgili").sum() == len(special)


def test_blank_lines_and_quoted_values_are_no_lost_rows() -> None:
    body = pa.py_buffer(b'a;"b;c";1\r\n\r\n\nx;y;2\r\rz;"w";3')
    counted = count_line_ends(body)

    assert counted == LineEnds(line_feeds=3, unterminated_last_line=True, has_quotes=True)
    assert not may_have_lost_rows(body, counted, rows=3)
    assert may_have_lost_rows(body, counted, rows=2)
    assert not may_have_lost_rows(pa.py_buffer(b"a;b\nc;d\n"), count_line_ends(pa.py_buffer(b"a;b\nc;d\n")), 1)


def test_broken_lines_are_those_whose_quote_never_closes_where_a_value_can_end() -> None:
    lines = [
        'A;"open;1',                 # never closes: broken
        'B;"two\r\nlines";2',        # closes before a delimiter after a line end: one row over two lines
        '',                          # blank: no row
        'C;"x"y;3',                  # closes on its own line with text after it (Arrow reads xy): whole
        'D;"also open;4',            # closes only at the quote of the next line, before text: broken
        'E;"say ""hi""" there;5',    # doubled quotes inside: whole
        'F;"last',                   # never closes, at the end: broken
    ]
    body = pa.py_buffer("\n".join(lines).encode())

    found = find_broken_lines(body, ";", 3)

    assert found.rows.tolist() == [1, 4, 6]
    assert found.texts(body) == ['A;"open;1', 'D;"also open;4', 'F;"last']
    assert bytes(without_lines(body, found)).decode() == 'B;"two\r\nlines";2\n\nC;"x"y;3\nE;"say ""hi""" there;5\n'


def test_an_unclosed_quote_does_not_run_to_an_inch_mark_rows_below() -> None:
    special = {3: 'C3;12.01.2026;Kazak;1;3;"kargo 2 gün', 6: 'C6;12.01.2026;Kazak;1;6;TV 55"'}
    data = ("Müşteri No;Tarih;Ürün Adı;Adet;Tutar;Açıklama\n" +
            "".join(special.get(i, f"C{i};12.01.2026;Kazak;1;{i};-") + "\n" for i in range(1, 11))).encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (10, 9)
    assert cohort.report.rejected_by_reason["malformed_row"].rows == [3]
    assert sorted(cohort.customers["customer_id"]) == sorted(f"C{i}" for i in range(1, 11) if i != 3)


def test_a_value_over_two_lines_may_close_before_spaces() -> None:
    data = 'Müşteri No;Tarih;Ürün Adı;Adet;Tutar\nC1;12.01.2026;"Kazak\nuzun" ;1;1\nC2;12.01.2026;"Atkı;1;2\n'.encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_accepted) == (2, 1)
    assert cohort.history["product_name"].tolist() == ["Kazak\nuzun"]
    assert cohort.report.rejected_by_reason["malformed_row"].rows == [2]


def test_a_file_whose_every_row_has_an_unclosed_quote_reads_as_rejected_rows() -> None:
    data = 'Müşteri No;Tarih;Ürün Adı;Adet;Tutar\nC1;12.01.2026;"Kazak;1;10\nC2;12.01.2026;"Atkı;1;10\n'.encode()

    cohort = read_cohort(data)

    assert (cohort.report.rows_read, cohort.report.rows_rejected) == (2, 2)
    assert cohort.report.rejected_by_reason["malformed_row"].rows == [1, 2]


@pytest.mark.parametrize("above", ['"Rapor: Ocak 2026\n', ""])
def test_a_quote_that_never_closes_above_the_rows_does_not_hide_the_layout(above: str) -> None:
    header = 'Müşteri No;Tarih;Ürün Adı;Adet;"Tutar' if not above else "Müşteri No;Tarih;Ürün Adı;Adet;Tutar"
    data = (above + header + "\n" + _rows(300, {})).encode()

    cohort = read_cohort(data)

    assert (cohort.report.delimiter, cohort.report.rows_read, cohort.report.rows_accepted) == (";", 300, 300)
    assert cohort.history["total_spent"].sum() == sum(range(1, 301))
