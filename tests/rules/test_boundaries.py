"""Every rule boundary of the rulebook, on both sides."""

from __future__ import annotations

import pytest

from rules import analyze_customer
from tests.rules.payloads import AS_OF, customer, line


@pytest.mark.parametrize(
    ("age", "segment"),
    [(0, "GenZ"), (25, "GenZ"), (26, "GençYetişkin"), (35, "GençYetişkin"), (36, "Yetişkin"),
     (50, "Yetişkin"), (51, "Olgun"), (120, "Olgun")],
)
def test_age_bands(age: int, segment: str) -> None:
    assert analyze_customer(customer(age=age), AS_OF).age_segment == segment


@pytest.mark.parametrize(
    ("days", "segment"), [(0, "Aktif"), (29, "Aktif"), (30, "Ilık"), (60, "Ilık"), (61, "Riskli")]
)
def test_churn_bands(days: int, segment: str) -> None:
    analysis = analyze_customer(customer([line(days_ago=days)]), AS_OF)

    assert (analysis.last_purchase_days_ago, analysis.churn_segment) == (days, segment)


@pytest.mark.parametrize(
    ("spent", "segment"), [(100.0, "Standard"), (100.01, "HighValue"), (99.99, "Standard")]
)
def test_value_compares_avg_basket_with_region_median(spent: float, segment: str) -> None:
    assert analyze_customer(customer([line(spent=spent)], median=100.0), AS_OF).value_segment == segment


@pytest.mark.parametrize(
    ("member_days", "orders", "tier"),
    [
        (360, 24, "Platin"),   # 12 months × 2 a month exactly
        (360, 23, "Altın"),    # 1.92 a month
        (359, 24, "Altın"),    # 11.97 months
        (180, 6, "Altın"),     # 6 months × 1 a month exactly
        (180, 5, "Gümüş"),     # 0.83 a month, but 5 orders
        (179, 6, "Gümüş"),     # 5.97 months
        (30, 3, "Gümüş"),      # 3 orders
        (30, 2, "Bronz"),
    ],
)
def test_loyalty_tiers(member_days: int, orders: int, tier: str) -> None:
    lines = [line(f"P-{i}", orders=1, days_ago=1) for i in range(orders)]

    assert analyze_customer(customer(lines, member_days=member_days), AS_OF).loyalty_tier == tier


def test_new_member_rates_use_at_least_one_month() -> None:
    analysis = analyze_customer(customer([line(spent=90.0, days_ago=0)], member_days=3), AS_OF)

    assert analysis.avg_monthly_spend == 90.0  # not 90 / (3/30) = 900


@pytest.mark.parametrize(("top_orders", "kind"), [(3, "Keşifçi"), (4, "Odaklı")])
def test_affinity_share_boundary(top_orders: int, kind: str) -> None:
    # SKINCARE has the most spend; its share of 5 (or 6) orders is 0.6 (or 0.67).
    lines = [line("P-1", category="SKINCARE", spent=300.0, orders=top_orders),
             line("P-2", category="MAKEUP", spent=50.0, orders=2)]
    analysis = analyze_customer(customer(lines), AS_OF)

    assert (analysis.affinity_category, analysis.affinity_type) == ("SKINCARE", kind)


def test_affinity_category_is_top_spend_not_top_orders() -> None:
    lines = [line("P-1", category="MAKEUP", spent=10.0, orders=5),
             line("P-2", category="FRAGRANCE", spent=500.0, orders=1)]

    assert analyze_customer(customer(lines), AS_OF).affinity_category == "FRAGRANCE"


@pytest.mark.parametrize(
    ("distinct", "orders", "profile"),
    [(2, 5, "Sadık"), (2, 4, "Dengeli"), (7, 10, "Dengeli"), (3, 4, "Kaşif")],
)
def test_diversity_boundaries(distinct: int, orders: int, profile: str) -> None:
    counts = [orders - distinct + 1] + [1] * (distinct - 1)
    lines = [line(f"P-{i}", orders=n) for i, n in enumerate(counts)]

    assert analyze_customer(customer(lines), AS_OF).diversity_profile == profile


@pytest.mark.parametrize(
    ("avg_days", "days_ago", "missing"),
    [
        (60, 72, False),   # 72 = 1.2 × 60, not more
        (60, 73, True),
        (61, 200, False),  # bought less often than every 60 days: not a regular
        (30, 36, False),
        (30, 37, True),
    ],
)
def test_missing_regulars(avg_days: float, days_ago: int, missing: bool) -> None:
    analysis = analyze_customer(customer([line("P-2001", orders=4, days_ago=days_ago, avg_days=avg_days)]),
                                AS_OF)

    assert analysis.missing_regulars is not None
    assert [m["productId"] for m in analysis.missing_regulars] == (["P-2001"] if missing else [])
    if missing:
        regular = analysis.missing_regulars[0]
        assert regular["daysOverdue"] == days_ago - avg_days
        assert regular["daysSinceLastPurchase"] == days_ago
        assert regular["productName"] == "Dr. C. Tuna Tea Tree Face Wash"  # from the bundled catalog


def test_top_products_are_five_by_spend() -> None:
    lines = [line(f"P-{i}", spent=float(10 * i)) for i in range(1, 8)]
    analysis = analyze_customer(customer(lines), AS_OF)

    assert analysis.top_products is not None
    assert [p["productId"] for p in analysis.top_products] == ["P-7", "P-6", "P-5", "P-4", "P-3"]


def test_estimated_budget_is_1_2_times_avg_basket() -> None:
    analysis = analyze_customer(customer([line(spent=100.0, orders=3)]), AS_OF)

    assert analysis.avg_basket == 33.33
    assert analysis.estimated_budget == 40.0


def test_total_orders_overrides_line_order_sum() -> None:
    # Two products bought together in the same 2 orders: 2 real orders, not 4 lines.
    lines = [line("P-1", spent=60.0, orders=2), line("P-2", spent=40.0, orders=2)]
    analysis = analyze_customer(customer(lines, totalOrders=2), AS_OF)

    assert (analysis.order_count, analysis.avg_basket) == (2, 50.0)
