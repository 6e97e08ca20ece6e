"""Classifiers: every form a reason takes (code, text, conditions), and reasons shared per rulebook."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import Reason, analyze_customer
from rules.rulebook import LowerBand, LowerBands, Rulebook, UpperBand, UpperBands, default_rulebook
from rules.segments import by_lower_bands, by_loyalty_tiers, by_upper_bands, classifiers, num
from tests.rules.payloads import AS_OF, customer, line


def described(reason: Reason) -> tuple[str | None, str, str, list[tuple[Any, ...]]]:
    return reason.code, reason.basis, reason.text, [(c["metric"], c["value"], c["op"], c["threshold"])
                                                        for c in reason.conditions]


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (20, ("GenZ", "rule", "GenZ: age 20 ≤ 25", [("age", 20, "<=", 25)])),
        (30, ("GençYetişkin", "rule", "GençYetişkin: age 30 in 26–35", [("age", 30, ">", 25), ("age", 30, "<=", 35)])),
        (60, ("Olgun", "rule", "Olgun: age 60 > 50", [("age", 60, ">", 50)])),
    ],
)
def test_upper_bands_first_middle_and_open_last(age: int, expected: tuple[Any, ...]) -> None:
    assert described(by_upper_bands(default_rulebook().age, age)) == expected


RATIO = "distinctProducts / orderCount"


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.8, ("Kaşif", "rule", f"Kaşif: {RATIO} 0.80 > 0.70", [(RATIO, 0.8, ">", 0.7)])),
        (0.5, ("Dengeli", "rule", f"Dengeli: {RATIO} 0.50 > 0.40 and {RATIO} 0.50 ≤ 0.70",
               [(RATIO, 0.5, ">", 0.4), (RATIO, 0.5, "<=", 0.7)])),
        (0.2, ("Sadık", "rule", f"Sadık: {RATIO} 0.20 ≤ 0.40", [(RATIO, 0.2, "<=", 0.4)])),
    ],
)
def test_lower_bands_first_middle_and_open_last(ratio: float, expected: tuple[Any, ...]) -> None:
    assert described(by_lower_bands(default_rulebook().diversity, ratio)) == expected


def test_lower_band_detail_is_appended_in_parentheses() -> None:
    reason = by_lower_bands(default_rulebook().value, 1.25, detail="avgBasket 93.75 vs median basket 75")

    assert described(reason) == (
        "HighValue", "rule", "HighValue: avgBasket / medianBasket 1.25 > 1 (avgBasket 93.75 vs median basket 75)",
        [("avgBasket / medianBasket", 1.25, ">", 1.0)],
    )


@pytest.mark.parametrize(
    ("months", "per_month", "orders", "expected"),
    [
        (24.0, 2.5, 60, ("Platin", "rule", "Platin: membershipMonths 24 ≥ 12 and ordersPerMonth 2.50 ≥ 2",
                         [("membershipMonths", 24.0, ">=", 12.0), ("ordersPerMonth", 2.5, ">=", 2.0)])),
        (8.0, 1.25, 10, ("Altın", "rule",
                         "Altın: membershipMonths 8 ≥ 6 and ordersPerMonth 1.25 ≥ 1; "
                         "not Platin: membershipMonths 8 < 12",
                         [("membershipMonths", 8.0, ">=", 6.0), ("ordersPerMonth", 1.25, ">=", 1.0)])),
        (2.0, 1.0, 2, ("Bronz", "rule", "Bronz: no better tier applies; not Platin: membershipMonths 2 < 12; "
                                        "not Altın: membershipMonths 2 < 6; not Gümüş: orderCount 2 < 3", [])),
    ],
)
def test_loyalty_tiers_say_what_was_met_and_what_was_missed(
    months: float, per_month: float, orders: int, expected: tuple[Any, ...]
) -> None:
    assert described(by_loyalty_tiers(default_rulebook().loyalty.tiers, months, per_month, orders)) == expected


def test_loyalty_miss_hidden_by_rounding_is_shown_with_four_decimals() -> None:
    # 43 orders over 1291 days: 0.9992 orders a month, which two decimals would show as 1 (not below 1).
    reason = by_loyalty_tiers(default_rulebook().loyalty.tiers, 1291 / 30, 43 / (1291 / 30), 43)

    assert described(reason) == (
        "Gümüş", "rule",
        "Gümüş: orderCount 43 ≥ 3; not Platin: ordersPerMonth 1 < 2; not Altın: ordersPerMonth 0.9992 < 1",
        [("orderCount", 43, ">=", 3)],
    )


def test_customer_whose_rate_rounds_up_to_a_threshold_is_analysed() -> None:
    lines = [line("P-1", orders=27, spent=0.0, days_ago=0), line("P-2", orders=16, spent=0.0, days_ago=0)]
    analysis = analyze_customer(customer(lines, member_days=1291), AS_OF)

    assert analysis.loyalty_tier == "Gümüş"
    assert analysis.reasons["loyaltyTier"].text.endswith("not Altın: ordersPerMonth 0.9992 < 1")


def test_reasons_of_whole_numbers_are_shared_within_a_rulebook() -> None:
    prepared = classifiers(default_rulebook())

    assert classifiers(default_rulebook()) is prepared
    assert prepared.age(30) is prepared.age(30)
    assert prepared.churn(11) is prepared.churn(11)
    assert described(prepared.churn(11)) == (
        "Aktif", "rule", "Aktif: lastPurchaseDaysAgo 11 ≤ 29", [("lastPurchaseDaysAgo", 11, "<=", 29)])


def with_age_bands(maxima: tuple[int, int, int]) -> Rulebook:
    base = default_rulebook()
    bands = [UpperBand(code=b.code, name=b.name, color=b.color, max=m)
             for b, m in zip(base.age.bands, (*maxima, None), strict=True)]
    return base.model_copy(update={"age": UpperBands(metric="age", bands=bands)})


def test_each_rulebook_classifies_with_its_own_thresholds() -> None:
    strict = with_age_bands((18, 30, 45))

    assert classifiers(strict).age(20).text == "GençYetişkin: age 20 in 19–30"
    assert classifiers(default_rulebook()).age(20).text == "GenZ: age 20 ≤ 25"
    analysis = analyze_customer(customer(age=20), AS_OF, rulebook=strict)
    assert (analysis.age_segment, analysis.reasons["ageSegment"].text) == ("GençYetişkin",
                                                                          "GençYetişkin: age 20 in 19–30")


def test_value_reason_reflects_the_rulebook_threshold() -> None:
    base = default_rulebook()
    high, standard = base.value.bands
    demanding = base.model_copy(update={"value": LowerBands(metric=base.value.metric, bands=[
        LowerBand(code=high.code, name=high.name, color=high.color, above=1.5),
        LowerBand(code=standard.code, name=standard.name, color=standard.color),
    ])})
    analysis = analyze_customer(customer([line(spent=120.0)], median=100.0), AS_OF, rulebook=demanding)

    assert analysis.value_segment == "Standard"
    assert analysis.reasons["valueSegment"].text == (
        "Standard: avgBasket / medianBasket 1.20 ≤ 1.50 (avgBasket 120 vs median basket 100 of Marmara, "
        "from the request)"
    )


@given(st.integers(min_value=0, max_value=10**9) | st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_numbers_in_texts_are_whole_when_whole_and_two_decimals_otherwise(value: float) -> None:
    shown = num(value)

    if float(value).is_integer():
        assert shown == str(int(value))
    else:
        assert shown == f"{value:.2f}"
