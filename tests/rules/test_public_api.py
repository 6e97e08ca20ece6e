"""The package's public API: `from rules import ...` as the README documents it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd

import rules
from rules import read_cohort, segment_cohort
from tests.conftest import SEED


def test_cohort_api_reads_and_segments_the_seed_customers() -> None:
    cohort = read_cohort(SEED / "mock-data" / "customers.json")
    frame = segment_cohort(cohort, as_of=date(2026, 2, 12))

    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == cohort.report.customers == 8
    first = rules.analyze_customer(cohort.customer_data(str(frame.loc[0, "customerId"])), date(2026, 2, 12))
    assert frame.loc[0, "churnSegment"] == first.churn_segment


def test_single_customer_api_does_not_import_pandas() -> None:
    code = "import sys, rules; rules.analyze_customer; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])

    assert result.stdout.strip() == "False"


def test_unknown_names_are_attribute_errors() -> None:
    assert not hasattr(rules, "no_such_function")
