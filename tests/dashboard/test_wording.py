"""Counts and shares in words."""

from __future__ import annotations

import pytest

from dashboard.wording import counted, plain, share, unreadable_cohort
from rules.errors import InvalidInput, Problem


@pytest.mark.parametrize(("count", "expected"), [(0, "0 customers"), (1, "1 customer"), (2, "2 customers"),
                                                 (12500, "12,500 customers")])
def test_a_count_takes_its_noun_in_the_right_number(count: int, expected: str) -> None:
    assert counted(count, "customer") == expected


def test_an_irregular_plural_is_given() -> None:
    assert [counted(n, "entry", "entries") for n in (1, 3)] == ["1 entry", "3 entries"]


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 291, "<1%"), (2, 291, "<1%"), (3, 291, "1%"), (145, 291, "50%"), (290, 291, ">99%"), (291, 291, "100%"),
    (0, 291, "0%"), (0, 0, "0%"),
])
def test_a_share_never_rounds_to_none_or_all_of_it(part: int, whole: int, expected: str) -> None:
    assert share(part, whole) == expected


@pytest.mark.parametrize(("text", "shown"), [
    ("orders_2026.csv", "orders\\_2026.csv"),
    ("![x](https://evil.example/p.png)", "!\\[x\\](https:\u2060//evil.example/p.png)"),
    ("Kalem\n## URGENT", "Kalem \\#\\# URGENT"),
    ("İstanbul, Kadıköy", "İstanbul, Kadıköy"),
])
def test_text_from_a_file_is_shown_as_text(text: str, shown: str) -> None:
    assert plain(text) == shown


def test_an_unreadable_cohort_is_told_by_its_first_problems_without_the_apis_hints() -> None:
    # The pages quoted the whole error, down to "Name it with mapping={'customer_id': ...} (on the command line:
    # --map ...)": options the dashboard's user has no way to give.
    one = InvalidInput([Problem("columns", "the file has no customer id column; its columns are: Kunde", ["Kunde"],
                                hint="Name it with mapping={'customer_id': '<column>'} (on the command line: --map)")])
    many = InvalidInput([Problem(f"row {n}", "bad", n) for n in range(1, 6)])

    assert unreadable_cohort("kunden_1.csv", one) == (
        "The loaded cohort (kunden\\_1.csv) could not be read — 1 problem: columns: the file has no customer id "
        "column; its columns are: Kunde. The **Cohort** page lists the problems, with the column mapping (and a "
        "workbook's sheet picker) to correct them.")
    assert unreadable_cohort("a.csv", many).startswith(
        "The loaded cohort (a.csv) could not be read — 5 problems: row 1: bad; row 2: bad; row 3: bad; and 2 more. ")
    assert unreadable_cohort("a.csv", OSError("gone")).startswith("The loaded cohort (a.csv) could not be read — "
                                                                  "OSError: gone. ")
