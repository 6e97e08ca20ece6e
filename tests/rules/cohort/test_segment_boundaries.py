"""Rulebook edges, one customer each: the batch lands on the same side of every threshold as the scalar engine."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from rules.cohort.segment import segment_cohort
from tests.rules.cohort.test_segment_support import expected_json, make_cohort, row_json

AS_OF = date(2026, 2, 12)


def _day(days_ago: int) -> pd.Timestamp:
    return pd.Timestamp(AS_OF - timedelta(days=days_ago))


def _lines(customer_id: str, spends: list[tuple[str, str, float, int]], days_ago: int = 5) -> list[dict[str, Any]]:
    return [{"customer_id": customer_id, "product_id": product, "category": category, "total_quantity": orders,
             "total_spent": spent, "order_count": orders, "first_purchase": _day(days_ago + 100),
             "last_purchase": _day(days_ago)} for product, category, spent, orders in spends]


CASES = {
    # name: (customer attributes, lines, column, expected code)
    "age 25 is GenZ": ({"age": 25}, [("P-1", "A", 10.0, 1)], "ageSegment", "GenZ"),
    "age 26 is GençYetişkin": ({"age": 26}, [("P-1", "A", 10.0, 1)], "ageSegment", "GençYetişkin"),
    "29 days is Aktif": ({}, [("P-1", "A", 10.0, 1)], "churnSegment", "Aktif"),
    "30 days is Ilık": ({}, [("P-1", "A", 10.0, 1)], "churnSegment", "Ilık"),
    "60 days is Ilık": ({}, [("P-1", "A", 10.0, 1)], "churnSegment", "Ilık"),
    "61 days is Riskli": ({}, [("P-1", "A", 10.0, 1)], "churnSegment", "Riskli"),
    "share 0.6 is not above 0.6": ({}, [("P-1", "A", 30.0, 3), ("P-2", "B", 20.0, 2)], "affinityType", "Keşifçi"),
    "share above 0.6 is Odaklı": ({}, [("P-1", "A", 40.0, 4), ("P-2", "B", 20.0, 2)], "affinityType", "Odaklı"),
    "diversity 0.4 is Sadık": ({}, [("P-1", "A", 30.0, 3), ("P-2", "A", 20.0, 2)], "diversityProfile", "Sadık"),
    "diversity 0.7 is Dengeli": ({"total_orders": 10},
                                 [(f"P-{i}", "A", 10.0, 1 if i else 4) for i in range(7)], "diversityProfile",
                                 "Dengeli"),
    "basket equal to the median is Standard": ({}, [("P-1", "A", 85.0, 1)], "valueSegment", "Standard"),
    "basket a cent above the median is HighValue": ({}, [("P-1", "A", 85.01, 1)], "valueSegment", "HighValue"),
}
DAYS = {"29 days is Aktif": 29, "30 days is Ilık": 30, "60 days is Ilık": 60, "61 days is Riskli": 61}


@pytest.mark.parametrize("case", list(CASES))
def test_each_edge_matches_the_scalar_engine(case: str) -> None:
    attributes, spends, column, code = CASES[case]
    customer = {"customer_id": "C-1", "city": "Istanbul", "registered_at": _day(400), "age": 40} | attributes
    cohort = make_cohort([customer], _lines("C-1", spends, DAYS.get(case, 5)))

    frame = segment_cohort(cohort, AS_OF)

    assert frame.loc[0, column] == code
    assert row_json(frame, 0) == expected_json(cohort, "C-1", AS_OF, {})
