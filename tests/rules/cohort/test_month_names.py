"""Dates that name their month (English or Turkish), rewritten as ISO dates before the date reader reads them."""

from __future__ import annotations

import pyarrow as pa
import pytest

from rules.cohort.month_names import names_months, spell_months


@pytest.mark.parametrize(("written", "iso"), [
    ("Mar 4, 2024 10:15:33 AM", "2024-03-04 10:15:33 AM"),  # Magento's order grid
    ("Jan 30, 2017, 4:01:00 PM", "2017-01-30 4:01:00 PM"),  # the grid as Magento shows it: a comma before the time
    ("March 4th, 2024", "2024-03-04"),
    ("Monday, March 4, 2024", "2024-03-04"),
    ("Mon, 04 Mar 2024 10:15:33 +0000", "2024-03-04 10:15:33 +0000"),  # as e-mail headers write dates
    ("04-Mar-24", "2024-03-04"),  # a spreadsheet's dd-mmm-yy
    ("04-DEC-99", "1999-12-04"),  # two-digit years as strptime takes them
    ("4 Mart 2024", "2024-03-04"),
    ("4 Mart 2024 Pazartesi", "2024-03-04"),  # Excel's Turkish long date
    ("4 Mart 2024 Pazartesi 10:30", "2024-03-04 10:30"),
    ("Pazartesi, 12 ŞUBAT 2024", "2024-02-12"),
    ("12.Ağu.2023 09:30", "2023-08-12 09:30"),
    ("1 aralik 2025", "2025-12-01"),  # typed without Turkish letters
    ("31 Eyl 2024", "2024-09-31"),  # no such day: the date reader rejects it
    ("Foo 4, 2024", "Foo 4, 2024"),  # not a month
    ("2024-01-02", "2024-01-02"),
])
def test_dates_that_name_their_month_read_as_iso(written: str, iso: str) -> None:
    assert spell_months(pa.array([written, None])).to_pylist() == [iso, None]


def test_only_a_sample_naming_months_asks_for_the_rewrite() -> None:
    assert names_months(["2024-01-02", "4 Mart 2024"])
    assert not names_months(["2024-01-02", "13.02.2026 10:30", "Ürün 7"])
