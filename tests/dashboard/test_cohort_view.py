"""Filters, KPIs, distributions, the heat map's table, opportunities and regions: pure functions on tables."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.cohort_view import (
    UNKNOWN,
    Kpis,
    cohort_facts,
    crosstab,
    distribution,
    filter_customers,
    filter_label,
    kpis,
    missing_regular_opportunities,
    region_baskets,
    region_mix,
    segment_label,
    segment_labels,
    segment_values,
)
from tests.dashboard.data import hand_frame, seed_frame


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return seed_frame()


def test_kpis_of_the_seed_cohort(seed: pd.DataFrame) -> None:
    assert kpis(seed) == Kpis(customers=8, revenue=5028.9, orders=52, avg_basket=96.71, at_risk=4, share_at_risk=0.5)


def test_kpis_of_no_customers_are_zero(seed: pd.DataFrame) -> None:
    assert kpis(seed.iloc[0:0]) == Kpis(customers=0, revenue=0.0, orders=0, avg_basket=0.0, at_risk=0,
                                        share_at_risk=0.0)


def test_distribution_lists_every_rulebook_code_in_order_with_english_names(seed: pd.DataFrame) -> None:
    expected = pd.DataFrame({
        "code": ["Platin", "Altın", "Gümüş", "Bronz"],
        "label": ["Platin — platinum", "Altın — gold", "Gümüş — silver", "Bronz — bronze"],
        "customers": pd.array([0, 0, 7, 1], dtype="int64"),
        "share": [0.0, 0.0, 0.875, 0.125],
    })

    pd.testing.assert_frame_equal(distribution(seed, "loyaltyTier"), expected)


def test_distribution_counts_undecided_customers_as_unknown() -> None:
    expected = pd.DataFrame({
        "code": ["GenZ", "GençYetişkin", "Yetişkin", "Olgun", UNKNOWN],
        "label": ["GenZ — Gen Z", "GençYetişkin — Young adult", "Yetişkin — Adult", "Olgun — Mature",
                  "Unknown — data missing"],
        "customers": pd.array([2, 0, 0, 1, 1], dtype="int64"),
        "share": [0.5, 0.0, 0.0, 0.25, 0.25],
    })

    pd.testing.assert_frame_equal(distribution(hand_frame(), "ageSegment"), expected)


def test_categories_are_ordered_by_customers(seed: pd.DataFrame) -> None:
    dist = distribution(seed, "affinityCategory")

    assert dist[["code", "customers"]].to_dict("list") == {"code": ["SKINCARE", "FRAGRANCE", "MAKEUP"],
                                                           "customers": [4, 2, 2]}


def test_segment_values_and_labels() -> None:
    frame = hand_frame()

    assert segment_values(frame, "valueSegment") == ["HighValue", "Standard", UNKNOWN]
    assert segment_values(frame, "region") == ["Ege", "Kıbrıs", UNKNOWN]
    assert segment_label("Riskli") == "Riskli — at risk"
    assert segment_label(UNKNOWN) == "Unknown — data missing"
    assert segment_label("SKINCARE") == "SKINCARE"


def test_every_filter_names_a_missing_value_in_the_charts_words() -> None:
    frame = hand_frame()

    assert {column: [filter_label(column, v) for v in segment_values(frame, column)]
            for column in ("region", "valueSegment")} == {
        "region": ["Ege", "Kıbrıs", "Unknown — data missing"],
        "valueSegment": ["HighValue — high value", "Standard — standard", "Unknown — data missing"],
    }
    assert filter_label("region", "Aktif") == "Aktif"  # a region is the file's name, even one like a segment code


def test_a_column_of_codes_reads_as_the_charts_undecided_ones_as_unknown() -> None:
    frame = hand_frame()

    assert segment_labels(frame["ageSegment"]).tolist() == ["Unknown — data missing", "GenZ — Gen Z",
                                                            "Olgun — Mature", "GenZ — Gen Z"]
    assert segment_labels(frame["affinityCategory"]).tolist() == ["SKINCARE", "MAKEUP", "Unknown — data missing",
                                                                  "SKINCARE"]
    assert segment_labels(frame["ageSegment"]).index.equals(frame.index)


def test_filters_combine_across_columns_and_select_unknowns() -> None:
    frame = hand_frame()

    assert filter_customers(frame, {"churnSegment": ["Riskli"]})["customerId"].tolist() == ["A", "C"]
    assert filter_customers(frame, {"churnSegment": ["Riskli"], "valueSegment": [UNKNOWN]})["customerId"].tolist() \
        == ["C"]
    assert filter_customers(frame, {"ageSegment": [UNKNOWN, "Olgun"]})["customerId"].tolist() == ["A", "C"]
    assert filter_customers(frame, {"region": [UNKNOWN]})["customerId"].tolist() == ["D"]


def test_an_empty_selection_does_not_filter() -> None:
    frame = hand_frame()

    pd.testing.assert_frame_equal(filter_customers(frame, {"churnSegment": [], "region": []}), frame)


def test_loyalty_by_churn_table_has_every_pair(seed: pd.DataFrame) -> None:
    table = crosstab(seed, "loyaltyTier", "churnSegment")

    expected = pd.DataFrame(
        [[0, 0, 0], [0, 0, 0], [3, 1, 3], [0, 0, 1]],
        index=pd.Index(["Platin — platinum", "Altın — gold", "Gümüş — silver", "Bronz — bronze"], name="loyaltyTier"),
        columns=pd.Index(["Aktif — active", "Ilık — cooling", "Riskli — at risk"], name="churnSegment"),
        dtype="int64",
    )
    pd.testing.assert_frame_equal(table, expected)


def test_missing_regular_opportunities_count_customers_per_overdue_product() -> None:
    expected = pd.DataFrame({
        "productId": ["P-2001", "P-1002"],
        "productName": ["Serum", None],
        "category": ["SKINCARE", "MAKEUP"],
        "customers": pd.array([2, 1], dtype="int64"),
        "medianDaysOverdue": [25.0, 15.0],
        "medianUsualGapDays": [25.0, 45.0],
    })

    pd.testing.assert_frame_equal(missing_regular_opportunities(hand_frame()), expected)


def test_no_opportunities_is_an_empty_table_with_the_columns(seed: pd.DataFrame) -> None:
    found = missing_regular_opportunities(seed)

    assert found.empty
    assert list(found.columns) == ["productId", "productName", "category", "customers", "medianDaysOverdue",
                                   "medianUsualGapDays"]


def test_region_baskets_put_the_cohort_beside_the_reference() -> None:
    expected = pd.DataFrame({
        "region": ["Ege", "Marmara", "Kıbrıs"],
        "customers": pd.array([2, 0, 1], dtype="int64"),
        "actualMedianBasket": [70.0, float("nan"), float("nan")],
        "referenceMedianBasket": [65.0, 85.0, float("nan")],
        "difference": [5.0, float("nan"), float("nan")],
    })

    pd.testing.assert_frame_equal(region_baskets(hand_frame(), {"Ege": 65.0, "Marmara": 85.0}), expected)


def test_region_mix_shares_add_up_per_region() -> None:
    expected = pd.DataFrame({
        "region": ["Ege", "Ege", "Kıbrıs"],
        "code": ["HighValue", "Standard", UNKNOWN],
        "label": ["HighValue — high value", "Standard — standard", "Unknown — data missing"],
        "customers": pd.array([1, 1, 1], dtype="int64"),
        "share": [0.5, 0.5, 1.0],
    })

    pd.testing.assert_frame_equal(region_mix(hand_frame(), "valueSegment"), expected)


def test_cohort_facts_hold_numbers_only() -> None:
    assert cohort_facts(hand_frame()) == {
        "customers": 4, "revenue": 1520.0, "currency": "TRY", "averageBasket": 63.33, "shareAtRisk": 0.5,
        "newCustomers": 1,
        "segments": {
            "ageSegment": {"GenZ — Gen Z": 2, "Olgun — Mature": 1, "Unknown — data missing": 1},
            "churnSegment": {"Aktif — active": 1, "Ilık — cooling": 1, "Riskli — at risk": 2},
            "valueSegment": {"HighValue — high value": 1, "Standard — standard": 2, "Unknown — data missing": 1},
            "loyaltyTier": {"Platin — platinum": 1, "Gümüş — silver": 2, "Bronz — bronze": 1},
            "affinityType": {"Odaklı — focused": 2, "Keşifçi — explorer": 2},
            "diversityProfile": {"Kaşif — variety seeker": 2, "Dengeli — balanced": 1, "Sadık — loyal to a few": 1},
        },
        "topCategories": {"SKINCARE": 2, "MAKEUP": 1},
        "overdueRegulars": [{"product": "Serum", "customers": 2}, {"product": "P-1002", "customers": 1}],
    }
