"""A warning when the customer ids are people's names (namesakes would be one customer)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from rules.cohort.name_ids import names_as_ids
from rules.cohort.read import read_cohort
from tests.rules.cohort.test_read_support import text_file

WARNING = ("customer_id ('Customer'): its values look like people's names (e.g. 'Ayşe Yılmaz'): customers of the "
           "same name are one customer, and the results carry the names; map an id or e-mail column instead if the "
           "file has one (mapping={'customer_id': '<column>'})")


@pytest.mark.parametrize(("ids", "warned"), [
    (["Ayşe Yılmaz", "Mehmet Öz", "Jean-Luc O'Neill", "ZEYNEP KAYA", "Ali Veli"], True),
    (["Ayşe Yılmaz", "C0042", "17850", "ayse@example.com", "AB-12"], False),  # a guest's name among codes
    (["Ayşe", "Mehmet", "Zeynep"], False),  # one word: a nickname or a code, not told apart from one
    (["Kat 2 Daire 5", "Blok A 12"], False),  # digits: no name
])
def test_ids_that_are_names_are_warned_about(ids: list[str], warned: bool) -> None:
    warnings = names_as_ids(pa.array(ids), "Customer")

    assert bool(warnings) is warned
    if warned:
        assert warnings[0].startswith("customer_id ('Customer'): its values look like people's names (e.g. 'Ayşe Y")


def test_an_export_whose_customer_column_holds_names_reads_with_the_warning() -> None:
    rows: list[list[Any]] = [["Customer", "Date", "Product", "Amount"], ["Ayşe Yılmaz", "2026-01-05", "P1", "10"],
                             ["Mehmet Öz", "2026-01-06", "P1", "5"], ["Ayşe Yılmaz", "2026-01-07", "P2", "7"]]

    cohort = read_cohort(text_file(rows))

    assert cohort.customers["customer_id"].tolist() == ["Ayşe Yılmaz", "Mehmet Öz"]
    assert WARNING in cohort.report.warnings
