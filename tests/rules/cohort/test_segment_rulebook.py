"""Thresholds come from the rulebook only: another rulebook moves the batch exactly as it moves the scalar engine."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from rules import default_rulebook
from rules.cohort.segment import segment_cohort
from rules.rulebook import Rulebook
from tests.rules.cohort.test_segment_support import expected_json, make_cohort, row_json

AS_OF = date(2026, 2, 12)


def _strict_rulebook() -> Rulebook:
    data: dict[str, Any] = default_rulebook().model_dump()
    data["version"] = "test.strict"
    data["churn"]["bands"][0]["max"] = 7
    data["value"]["bands"] = [
        {"code": "HighValue", "name": "high value", "above": 1.5, "color": "#0ea5e9"},
        {"code": "Standard", "name": "standard", "above": 0.5, "color": "#94a3b8"},
        {"code": "Low", "name": "low", "color": "#123456"},
    ]
    data["loyalty"]["tiers"][0]["min_months"] = 3.0
    data["loyalty"]["tiers"][0]["min_orders_per_month"] = 0.5
    data["missing_regulars"]["overdue_factor"] = 1.0
    data["top_products"] = 2
    data["budget_factor"] = 1.5
    return Rulebook.model_validate(data)


def test_another_rulebook_moves_batch_and_single_alike() -> None:
    rules = _strict_rulebook()
    day = pd.Timestamp(AS_OF - timedelta(days=10))
    customers = [{"customer_id": f"C-{i}", "city": "Ankara", "age": 30, "registered_at": pd.Timestamp("2025-06-01")}
                 for i in range(3)]
    history = [
        {"customer_id": f"C-{i}", "product_id": f"P-{j}", "category": "SKINCARE", "total_quantity": 1,
         "total_spent": spent, "order_count": 2, "first_purchase": pd.Timestamp("2025-07-01"),
         "last_purchase": day, "avg_days_between": 9.0}
        for i, spent in enumerate([40.0, 120.0, 240.0]) for j in range(3)
    ]
    cohort = make_cohort(customers, history)

    frame = segment_cohort(cohort, AS_OF, rulebook=rules)

    assert list(frame["valueSegment"]) == ["Low", "Standard", "HighValue"]  # median basket 55 in İç Anadolu
    assert set(frame["churnSegment"]) == {"Ilık"}  # 10 days: beyond the stricter 7
    assert set(frame["loyaltyTier"]) == {"Platin"}
    assert frame["topProducts"].map(len).tolist() == [2, 2, 2]
    assert frame["missingRegulars"].map(len).tolist() == [3, 3, 3]  # 10 days since, every 9 days
    assert set(frame["rulebookVersion"]) == {"test.strict"}
    for position, customer_id in enumerate(frame["customerId"]):
        assert row_json(frame, position) == expected_json(cohort, customer_id, AS_OF, {}, rules)
