"""Cohorts that break the request model's rules are refused with every problem located; text is trimmed alike."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from rules import analyze_customer
from rules.cohort.model import Cohort
from rules.cohort.segment import segment_cohort
from rules.errors import InvalidInput, Problem
from rules.models.dates import today_utc
from tests.rules.cohort.test_segment_support import ALL_COLUMNS, expected_json, make_cohort, row_json

AS_OF = date(2026, 2, 12)
T = pd.Timestamp


def _line(customer_id: str = "C-1", **changes: Any) -> dict[str, Any]:
    line = {"customer_id": customer_id, "product_id": "P-1", "category": "MAKEUP", "total_quantity": 1,
            "total_spent": 10.0, "order_count": 1, "first_purchase": T("2026-01-01"), "last_purchase": T("2026-02-01")}
    return line | changes


def _problems(cohort: Cohort) -> list[Problem]:
    with pytest.raises(InvalidInput) as raised:
        segment_cohort(cohort, AS_OF)
    return list(raised.value.problems)


def test_customer_fields_out_of_range_are_located() -> None:
    cohort = make_cohort(
        [{"customer_id": "C-1", "age": 150}, {"customer_id": "C-2", "registered_at": T("2026-03-01")},
         {"customer_id": "C-3", "city": ""}, {"customer_id": "C-4", "total_orders": -1}],
        [])

    assert _problems(cohort) == [
        Problem("as_of", "is before the signup dates of 1 customer in the cohort; the latest, 2026-03-01, is the "
                         "signup date of customer C-2: segment as of 2026-03-01 or later", "2026-02-12"),
        Problem("customers[2].city", "must not be empty", ""),
        Problem("customers[0].age", "must be between 0 and 120", 150),
        Problem("customers[3].total_orders", "must not be negative", -1),
    ]


def test_whole_numbers_are_shown_as_written_in_the_message() -> None:
    cohort = make_cohort([{"customer_id": "C-1", "age": 150}, {"customer_id": "C-2", "total_orders": -1}], [])

    with pytest.raises(InvalidInput) as raised:
        segment_cohort(cohort, AS_OF)

    assert str(raised.value).splitlines()[1:] == ["- customers[0].age: must be between 0 and 120 (got 150)",
                                                  "- customers[1].total_orders: must not be negative (got -1)"]


def test_history_rows_breaking_the_rules_are_located() -> None:
    cohort = make_cohort(
        [{"customer_id": "C-1"}],
        [_line(total_spent=-5.0), _line(order_count=0), _line(last_purchase=T("2026-02-13")),
         _line(first_purchase=T("2026-02-05")), _line(avg_days_between=float("inf")), _line("C-9")])

    assert _problems(cohort) == [
        Problem("as_of", "is before the purchases of 1 customer in the cohort; the latest, 2026-02-13, is a purchase "
                         "of customer C-1: segment as of 2026-02-13 or later", "2026-02-12"),
        Problem("history[5].customer_id", "is not in the customers table", "C-9"),
        Problem("history[0].total_spent", "must be a finite amount, not negative", -5.0),
        Problem("history[1].order_count", "must be at least 1", 0),
        Problem("history[3].last_purchase", "is before first_purchase", "2026-02-01T00:00:00"),
        Problem("history[4].avg_days_between", "must be a finite number of days, not negative", float("inf")),
    ]


def test_an_as_of_day_before_the_data_is_named_first_with_the_latest_date() -> None:
    customers = [{"customer_id": f"C-{i}", "registered_at": T("2026-01-01")} for i in range(60)]
    lines = [_line(f"C-{i}", last_purchase=T("2026-02-20")) for i in range(59)]
    lines.append(_line("C-59", first_purchase=T("2026-01-01"), last_purchase=T("2026-02-25")))
    late_signup = [*customers, {"customer_id": "NEW", "registered_at": T("2026-03-02")}]

    with pytest.raises(InvalidInput) as raised:
        segment_cohort(make_cohort(customers, lines), date(2026, 2, 1))
    problems = raised.value.problems
    assert problems[0] == Problem("as_of", "is before the purchases of 60 customers in the cohort; the latest, "
                                           "2026-02-25, is a purchase of customer C-59: segment as of 2026-02-25 or "
                                           "later", "2026-02-01")
    # The lead explains every late row at once: 60 rows "after the as-of day" would bury it.
    assert len(problems) == 1
    assert str(raised.value).splitlines()[1:] == [f"- as_of: {problems[0].msg} (got '2026-02-01')"]

    with pytest.raises(InvalidInput) as raised:
        segment_cohort(make_cohort(late_signup, lines), date(2026, 2, 1))
    assert raised.value.problems[0].msg == (
        "is before the purchases of 60 customers and the signup dates of 1 customer in the cohort; the latest, "
        "2026-03-02, is the signup date of customer NEW: segment as of 2026-03-02 or later")
    assert len(segment_cohort(make_cohort(late_signup, lines), date(2026, 3, 2))) == 61


def test_repeated_customers_and_inconsistent_order_counts_are_refused() -> None:
    repeated = make_cohort([{"customer_id": "B"}, {"customer_id": "A"}, {"customer_id": "B"}], [])
    inconsistent = make_cohort([{"customer_id": "C-1", "total_orders": 5}],
                               [_line(order_count=2), _line(product_id="P-2", order_count=2)])

    assert _problems(repeated) == [Problem("customers[2].customer_id", "appears more than once", "B")]
    assert _problems(inconsistent) == [Problem(
        "customers[0].total_orders",
        "must lie between the largest history order_count of the customer and their sum", 5)]


def test_a_missing_contract_column_is_named() -> None:
    cohort = make_cohort([{"customer_id": "C-1"}], [])
    broken = Cohort(cohort.customers.drop(columns=["age"]), cohort.history, cohort.report)

    problems = _problems(broken)

    assert [(p.loc, p.msg) for p in problems] == [("customers.age", "column missing")]


def test_text_is_trimmed_as_the_request_model_trims_it() -> None:
    cohort = make_cohort(
        [{"customer_id": " C-1\u00a0", "city": "\tİzmir ", "gender": " F"}],
        [_line(" C-1\u00a0", product_id=" P-1 ", category="MAKEUP\u3000")])

    frame = segment_cohort(cohort, AS_OF)

    assert frame.loc[0, "customerId"] == "C-1"
    assert frame.loc[0, "city"] == "İzmir"
    assert frame.loc[0, "region"] == "Ege"
    assert frame.loc[0, "affinityCategory"] == "MAKEUP"
    assert row_json(frame, 0) == expected_json(cohort, " C-1\u00a0", AS_OF, {})


def test_an_empty_cohort_gives_an_empty_frame_with_every_column() -> None:
    frame = segment_cohort(make_cohort([], []), AS_OF)

    assert list(frame.columns) == list(ALL_COLUMNS)
    assert len(frame) == 0


def test_the_as_of_day_defaults_to_today_in_utc() -> None:
    frame = segment_cohort(make_cohort([{"customer_id": "C-1"}], []))

    assert frame.loc[0, "asOf"] == today_utc().isoformat()


@pytest.mark.parametrize("as_of", [datetime(2026, 2, 12, 18, 30), pd.Timestamp("2026-02-12"), "2026-02-12",
                                   np.datetime64("2026-02-12")], ids=["datetime", "Timestamp", "text", "datetime64"])
def test_an_as_of_datetime_timestamp_or_text_is_its_day(as_of: Any) -> None:
    cohort = make_cohort([{"customer_id": "C-1", "age": 30}],
                         [{"customer_id": "C-1", "product_id": "P-1", "total_quantity": 1, "total_spent": 10.0,
                           "order_count": 1, "last_purchase": pd.Timestamp("2026-01-12")}])
    payload = {"customerId": "C-1", "customer": {"customerId": "C-1", "age": 30, "productHistory": [
        {"productId": "P-1", "totalQuantity": 1, "totalSpent": 10.0, "orderCount": 1, "lastPurchase": "2026-01-12"}]}}

    frame = segment_cohort(cohort, as_of)

    pd.testing.assert_frame_equal(frame, segment_cohort(cohort, AS_OF))
    assert frame.loc[0, "lastPurchaseDaysAgo"] == 31
    assert analyze_customer(payload, as_of) == analyze_customer(payload, AS_OF)


def test_what_is_not_a_cohort_or_a_day_is_refused_by_name() -> None:
    cohort = make_cohort([{"customer_id": "C-1"}], [])

    with pytest.raises(InvalidInput) as not_a_cohort:
        segment_cohort(pd.DataFrame({"customer_id": ["C-1"]}), AS_OF)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as not_a_day:
        segment_cohort(cohort, "12.02.2026")

    assert list(not_a_cohort.value.problems) == [Problem("cohort", "expected a Cohort, as read_cohort returns",
                                                         "DataFrame")]
    assert [(p.loc, p.input) for p in not_a_day.value.problems] == [("as_of", "12.02.2026")]


def test_counts_and_totals_the_single_engine_refuses_are_refused_in_the_batch_too() -> None:
    too_many_orders = make_cohort([{"customer_id": "C-1", "total_orders": 2**53}], [_line()])
    too_large = make_cohort([{"customer_id": "C-1"}],
                            [_line(total_quantity=2**53), _line(order_count=2**53, product_id="P-2")])
    overflowing = make_cohort([{"customer_id": "C-1"}, {"customer_id": "C-2"}],
                              [_line(), _line("C-2", total_spent=1.7e308),
                               _line("C-2", total_spent=1.7e308, product_id="P-2")])

    assert _problems(too_many_orders) == [Problem("customers[0].total_orders", f"must be less than {2**53}", 2**53)]
    by_hand = make_cohort([{"customer_id": "C-1"}], [_line()])  # floats beyond int64 must not wrap to negatives
    by_hand.history["total_quantity"] = by_hand.history["total_quantity"].astype("float64") * 1e19
    assert _problems(by_hand) == [Problem("history[0].total_quantity", f"must be less than {2**53}", 1e19)]
    by_hand.history["total_quantity"] = [float("nan")]  # missing is no count of 0
    assert [p.loc for p in _problems(by_hand)] == ["history[0].total_quantity"]
    by_hand.history["total_quantity"] = [2.5]
    assert _problems(by_hand) == [Problem("history[0].total_quantity", "must be a whole number", 2.5)]
    assert _problems(too_large) == [Problem("history[0].total_quantity", f"must be less than {2**53}", 2**53),
                                    Problem("history[1].order_count", f"must be less than {2**53}", 2**53)]
    assert _problems(overflowing) == [Problem(
        "customers[1].customer_id", "has history rows whose total_spent add up to more than a float holds", "C-2")]
    single = overflowing.customer_data("C-2")
    with pytest.raises(InvalidInput) as raised:
        analyze_customer(single, AS_OF)
    assert [(p.loc, p.msg) for p in raised.value.problems] == [
        ("customer", "the productHistory's totalSpent add up to more than a float holds")]


def test_a_spend_whose_estimated_budget_overflows_is_refused_by_both_engines() -> None:
    # 1.7e308 is a float, but 1.2 × it (the estimated budget of one order) is not: it came out as null or inf.
    cohort = make_cohort([{"customer_id": "C-1"}, {"customer_id": "C-2"}],
                         [_line(), _line("C-2", total_spent=1.7e308, order_count=1)])
    budget = "the estimatedBudget, a multiple of the average basket, would be beyond a float's range"

    assert _problems(cohort) == [Problem(
        "customers[1].customer_id", f"has history rows whose total_spent add up to {budget}", "C-2")]
    with pytest.raises(InvalidInput) as raised:
        analyze_customer(cohort.customer_data("C-2"), AS_OF)
    assert [(p.loc, p.msg) for p in raised.value.problems] == [
        ("customer", f"the productHistory's totalSpent add up to 1.7e+308: {budget}")]


def test_a_region_with_spaces_outside_the_reference_gets_the_cohorts_median_in_both_engines() -> None:
    cohort = make_cohort([{"customer_id": "C-1", "region": "Mars"}, {"customer_id": "C-2", "region": " Mars "}],
                         [_line(total_spent=10.0), _line("C-2", total_spent=30.0)])

    frame = segment_cohort(cohort, AS_OF)

    assert frame["medianBasketSource"].tolist() == ["cohort", "cohort"]
    assert [row_json(frame, i) for i in range(2)] == [expected_json(cohort, c, AS_OF) for c in ("C-1", "C-2")]
