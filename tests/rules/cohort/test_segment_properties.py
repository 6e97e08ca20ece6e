"""Batch equals single: every row of `segment_cohort` is what `analyze_customer` says about that customer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.cohort.model import Cohort
from rules.cohort.segment import cohort_region_medians, segment_cohort
from tests.rules.cohort.test_segment_support import expected_json, make_cohort, row_json

AS_OF = date(2026, 2, 12)
CATEGORIES = ["SKINCARE", "MAKEUP", "FRAGRANCE", "Bakım"]
PRODUCTS = ["P-1001", "P-2001", "P-1", "P-2", "007"]
# Day counts on and around the rulebook's edges (churn 29/30, 60/61; loyalty 6 and 12 months).
EDGE_DAYS = [0, 1, 29, 30, 31, 59, 60, 61, 179, 180, 181, 359, 360, 361, 3000]
AMOUNTS = [0.0, 0.1, 0.2, 0.3, 0.5, 1.005, 2.675, 10.0, 49.9, 59.9, 85.0, 99.995, 100.0, 1234.5]


def _day(days_ago: int) -> pd.Timestamp:
    return pd.Timestamp(AS_OF - timedelta(days=days_ago))


@st.composite
def lines(draw: st.DrawFn, customer_id: str) -> list[dict[str, Any]]:
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        last = draw(st.sampled_from(EDGE_DAYS) | st.integers(min_value=0, max_value=2000))
        first = draw(st.none() | st.integers(min_value=0, max_value=400))
        found.append({
            "customer_id": customer_id,
            "product_id": draw(st.none() | st.sampled_from(PRODUCTS)),
            "product_name": draw(st.sampled_from([None, "Gül Suyu", "Krem"])),
            "category": draw(st.none() | st.sampled_from(CATEGORIES)),
            "total_quantity": draw(st.integers(min_value=0, max_value=50)),
            "total_spent": draw(st.sampled_from(AMOUNTS) | st.floats(min_value=0, max_value=1e5)),
            "order_count": draw(st.integers(min_value=1, max_value=12)),
            "first_purchase": None if first is None else _day(last + first),
            "last_purchase": _day(last),
            "avg_days_between": draw(st.none() | st.sampled_from([0.0, 25.0, 50.0, 60.0, 60.5])
                                     | st.floats(min_value=0, max_value=400)),
        })
    return found


@st.composite
def cohorts(draw: st.DrawFn) -> Cohort:
    count = draw(st.integers(min_value=1, max_value=8))
    ids = draw(st.lists(st.sampled_from(["C-1", "C-2", "007", "0070", "b", "A", "Ç-9", "C-10"]),
                        min_size=count, max_size=count, unique=True))
    customers, history = [], []
    for customer_id in ids:
        own = draw(lines(customer_id))
        line_orders = [line["order_count"] for line in own]
        total_orders = None
        if bool(own) and draw(st.booleans()):
            total_orders = draw(st.integers(min_value=max(line_orders), max_value=sum(line_orders)))
        elif not own:
            total_orders = draw(st.none() | st.integers(min_value=0, max_value=3))
        registered = draw(st.none() | st.sampled_from(EDGE_DAYS) | st.integers(min_value=0, max_value=4000))
        customers.append({
            "customer_id": customer_id,
            "city": draw(st.sampled_from([None, "Istanbul", "İzmir", "Sanliurfa", "Van", "Atlantis"])),
            "region": draw(st.sampled_from([None, None, "Marmara", "ic anadolu", "Mars", "MARS", "mars",
                                            "Atlantis Bölgesi", "Aegean", "Ege Bölgesi", "Güney Doğu Anadolu"])),
            "age": draw(st.none() | st.sampled_from([0, 25, 26, 35, 36, 50, 51, 120])
                        | st.integers(min_value=0, max_value=120)),
            "gender": draw(st.sampled_from([None, "F", "M", ""])),
            "registered_at": None if registered is None else _day(registered),
            "total_orders": total_orders,
        })
        history += own
    layout = draw(st.sampled_from(["by customer", "shuffled", "by customer and product"]))
    if layout == "shuffled":
        history = draw(st.permutations(history))
    elif layout == "by customer and product":
        history.sort(key=lambda line: (ids.index(line["customer_id"]), line["product_id"] or ""))
    return make_cohort(customers, history)


def _assert_rows_equal_single_analyses(cohort: Cohort, as_of: date) -> None:
    frame = segment_cohort(cohort, as_of)
    medians = cohort_region_medians(cohort, as_of)

    assert list(frame["customerId"]) == list(cohort.customers["customer_id"])
    for position, customer_id in enumerate(cohort.customers["customer_id"]):
        assert row_json(frame, position) == expected_json(cohort, customer_id, as_of, medians)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.sampled_from([AS_OF, date(2026, 3, 1), date(2027, 2, 12)]))
def test_every_row_equals_the_single_customer_analysis(cohort: Cohort, as_of: date) -> None:
    _assert_rows_equal_single_analyses(cohort, as_of)
