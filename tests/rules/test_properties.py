"""Property-based tests: any valid payload is analysed, and the invariants hold."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import analyze_customer, default_rulebook
from tests.rules.payloads import AS_OF

CATEGORIES = ["SKINCARE", "MAKEUP", "FRAGRANCE", "HAIRCARE"]


@st.composite
def product_lines(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=12))
    lines = []
    for i in range(count):
        last = draw(st.integers(min_value=0, max_value=2000))
        first = last + draw(st.integers(min_value=0, max_value=400))
        orders = draw(st.integers(min_value=1, max_value=40))
        lines.append({
            "productId": draw(st.sampled_from([f"P-{i}", f"P-{i % 3}", "P-2001"])),
            "category": draw(st.sampled_from(CATEGORIES)),
            "totalQuantity": draw(st.integers(min_value=0, max_value=100)),
            "totalSpent": draw(st.floats(min_value=0, max_value=1e6, allow_nan=False)),
            "orderCount": orders,
            "firstPurchase": (AS_OF - timedelta(days=first)).isoformat(),
            "lastPurchase": (AS_OF - timedelta(days=last)).isoformat() + draw(st.sampled_from(["", "T10:15:00"])),
            "avgDaysBetween": draw(st.none() | st.floats(min_value=0, max_value=400, allow_nan=False)),
        })
    return lines


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    registered = AS_OF - timedelta(days=draw(st.integers(min_value=0, max_value=4000)))
    inner = {
        "customerId": draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        "city": draw(st.sampled_from(["Istanbul", "İzmir", "Sanliurfa", "Van", "Atlantis"])),
        "age": draw(st.none() | st.integers(min_value=0, max_value=120)),
        "gender": draw(st.sampled_from(["F", "M", None])),
        "registeredAt": draw(st.sampled_from([registered.isoformat(), None])),
        "productHistory": draw(product_lines()),
    }
    region = draw(st.sampled_from([
        None, {"name": "Marmara"},
        {"name": "Akdeniz", "medianBasket": draw(st.floats(min_value=0.01, max_value=1e4))},
    ]))
    return {"customer": inner, "region": region}


@settings(max_examples=300, deadline=None)
@given(payloads(), st.dates(min_value=date(2026, 2, 12), max_value=date(2030, 1, 1)))
def test_valid_payloads_are_analysed_and_invariants_hold(payload: dict[str, Any], as_of: date) -> None:
    analysis = analyze_customer(payload, as_of)
    lines = payload["customer"]["productHistory"]

    assert analysis.order_count == sum(line["orderCount"] for line in lines)
    assert abs(analysis.total_spent - sum(line["totalSpent"] for line in lines)) <= 0.005 + 1e-9 * max(
        1.0, analysis.total_spent)
    codes = {dimension: {s.code for s in segments} for dimension, segments in
             default_rulebook().dimensions.items()}
    dumped = analysis.model_dump(by_alias=True)
    for dimension, known in codes.items():
        assert dumped[dimension] is None or dumped[dimension] in known, dimension
        reason = analysis.reasons[dimension]
        assert reason.code == dumped[dimension]
    assert analysis.mode == ("regular" if lines else "new_customer")
    assert analysis == analyze_customer(payload, as_of)  # same input, same day, same answer
