"""End to end on realistic data: generated order lines, read by `read_cohort`, segmented; every row equals the
single-customer analysis of the same customer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from rules.cohort.generate import generate, write
from rules.cohort.read import read_cohort
from rules.cohort.segment import cohort_region_medians, segment_cohort
from tests.rules.cohort.test_segment_support import expected_json, row_json

AS_OF = date(2026, 2, 12)


def test_generated_order_lines_segment_like_the_scalar_engine(tmp_path: Path) -> None:
    order_lines, customers = write(generate(400, seed=11), tmp_path)
    cohort = read_cohort(order_lines, customers=customers)

    frame = segment_cohort(cohort, AS_OF)
    medians = cohort_region_medians(cohort, AS_OF)

    assert len(frame) == len(cohort.customers) == 400
    assert set(frame["mode"]) == {"regular", "new_customer"}
    assert frame["missingRegulars"].map(lambda found: 0 if found is None or found is pd.NA else len(found)).sum() > 0
    assert "Kıbrıs" in medians  # the generator's region outside the reference table
    for position, customer_id in enumerate(frame["customerId"]):
        assert row_json(frame, position) == expected_json(cohort, customer_id, AS_OF, medians)


def test_the_seed_mock_customers_segment_like_the_scalar_engine(seed_dir: Path) -> None:
    cohort = read_cohort(seed_dir / "mock-data" / "customers.json")

    frame = segment_cohort(cohort, AS_OF)
    medians = cohort_region_medians(cohort, AS_OF)

    assert frame["customerId"].tolist() == [f"C-{1001 + i}" for i in range(8)]
    for position, customer_id in enumerate(frame["customerId"]):
        assert row_json(frame, position) == expected_json(cohort, customer_id, AS_OF, medians)
