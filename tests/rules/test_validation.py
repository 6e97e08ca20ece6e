"""One test per validation rule: the location, the message and the offending value."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from rules import InvalidInput, analyze_customer, analyze_request
from tests.rules.payloads import AS_OF, customer, line


def problems(payload: Any) -> dict[str, tuple[str, Any]]:
    with pytest.raises(InvalidInput) as caught:
        analyze_customer(payload, AS_OF)
    return {p.loc: (p.msg, p.input) for p in caught.value.problems}


def test_age_above_120() -> None:
    assert problems(customer(age=121)) == {
        "customer.age": ("Input should be less than or equal to 120", 121)
    }


def test_age_below_zero() -> None:
    assert problems(customer(age=-1))["customer.age"][1] == -1


def test_negative_money() -> None:
    payload = customer([line(), line(), line("P-3", spent=-5.0)])

    msg, value = problems(payload)["customer.productHistory[2].totalSpent"]
    assert (msg, value) == ("Input should be greater than or equal to 0", -5.0)


def test_negative_quantity_and_zero_orders() -> None:
    bad = line()
    bad["totalQuantity"], bad["orderCount"] = -1, 0

    found = problems(customer([bad]))
    assert found["customer.productHistory[0].totalQuantity"][1] == -1
    assert found["customer.productHistory[0].orderCount"] == ("Input should be greater than or equal to 1", 0)


def test_unparseable_date() -> None:
    bad = {**line(), "lastPurchase": "20/01/2026"}

    msg, value = problems(customer([bad]))["customer.productHistory[0].lastPurchase"]
    assert value == "20/01/2026"
    assert "ISO date" in msg


def test_datetime_and_aware_datetime_are_accepted() -> None:
    lines = [{**line("P-1"), "lastPurchase": "2026-02-01T23:30:00"},
             {**line("P-2"), "lastPurchase": "2026-02-01T23:30:00-03:00"}]  # 02:30 UTC on Feb 2

    analysis = analyze_customer(customer(lines), AS_OF)
    assert analysis.last_purchase_days_ago == 10


def test_last_purchase_before_first_purchase() -> None:
    bad = {**line(), "firstPurchase": "2026-02-05", "lastPurchase": "2026-02-01"}

    msg, value = problems(customer([bad]))["customer.productHistory[0].lastPurchase"]
    assert msg == "is before firstPurchase 2026-02-05"
    assert value == "2026-02-01"


def test_registered_after_as_of() -> None:
    payload = customer()
    payload["customer"]["registeredAt"] = "2026-03-01"

    assert problems(payload) == {"customer.registeredAt": ("is after the as-of day 2026-02-12", "2026-03-01")}


def test_last_purchase_after_as_of() -> None:
    bad = {**line(), "lastPurchase": "2026-02-13"}

    assert problems(customer([bad]))["customer.productHistory[0].lastPurchase"][0] == (
        "is after the as-of day 2026-02-12"
    )


def test_string_too_long() -> None:
    payload = customer()
    payload["customer"]["customerId"] = "x" * 129
    payload["customerId"] = "x" * 129

    msg, _ = problems(payload)["customer.customerId"]
    assert msg == "String should have at most 128 characters"


def test_too_many_product_lines() -> None:
    found = problems(customer([line(f"P-{i}") for i in range(10_001)]))

    assert found["customer.productHistory"][0] == "List should have at most 10000 items after validation, not 10001"


def test_total_orders_outside_line_counts() -> None:
    payload = customer([line("P-1", orders=2), line("P-2", orders=3)], totalOrders=6)

    msg, _ = problems(payload)["customer"]
    assert msg == "totalOrders 6 must lie between the largest product orderCount (3) and their sum (5)"


def test_wrong_types_and_every_problem_listed_at_once() -> None:
    payload = customer([line(), {**line(), "totalSpent": "lots"}])
    payload["customer"]["age"] = "old"
    payload["region"]["medianBasket"] = -3

    found = problems(payload)
    assert set(found) == {"customer.age", "customer.productHistory[1].totalSpent", "region.medianBasket"}
    assert found["customer.productHistory[1].totalSpent"][1] == "lots"


def test_purchase_days_out_of_order_are_listed_with_the_other_problems_of_the_history() -> None:
    # The days of a history are checked together, after its lines validate; a bad line must not hide them.
    lines = [{**line("P-1"), "totalSpent": -2},
             {**line("P-2"), "firstPurchase": "2026-02-05", "lastPurchase": "2026-02-01T10:00:00"},
             {**line("P-3"), "lastPurchase": "2026-03-01"}]

    assert problems(customer(lines, age=300)) == {
        "customer.age": ("Input should be less than or equal to 120", 300),
        "customer.productHistory[0].totalSpent": ("Input should be greater than or equal to 0", -2),
        "customer.productHistory[1].lastPurchase": ("is before firstPurchase 2026-02-05", "2026-02-01T10:00:00"),
        "customer.productHistory[2].lastPurchase": ("is after the as-of day 2026-02-12", "2026-03-01"),
    }


def test_a_line_with_a_bad_field_still_has_its_days_checked() -> None:
    bad = {**line(), "orderCount": 0, "firstPurchase": "2026-02-05", "lastPurchase": "2026-02-01"}

    assert problems(customer([line("P-0"), bad])) == {
        "customer.productHistory[1].orderCount": ("Input should be greater than or equal to 1", 0),
        "customer.productHistory[1].lastPurchase": ("is before firstPurchase 2026-02-05", "2026-02-01"),
    }


def test_purchase_days_out_of_order_in_an_otherwise_valid_history() -> None:
    lines = [line("P-1"), {**line("P-2"), "firstPurchase": "2026-02-05", "lastPurchase": "2026-02-01"}, line("P-3")]

    assert problems(customer(lines)) == {
        "customer.productHistory[1].lastPurchase": ("is before firstPurchase 2026-02-05", "2026-02-01")}


def test_mismatched_customer_ids() -> None:
    payload = customer()
    payload["customerId"] = "C-2"

    assert problems(payload)[""][0] == "customerId 'C-2' differs from customer.customerId 'C-1'"


def test_unknown_fields_are_ignored() -> None:
    payload = customer([{**line(), "colour": "red"}], loyaltyCard="yes")

    assert analyze_customer(payload, AS_OF).customer_id == "C-1"


def test_region_mode_needs_a_resolvable_region() -> None:
    assert problems({"city": "Atlantis"})["region"][1] == "Atlantis"


SEVEN = "Marmara, Ege, Akdeniz, İç Anadolu, Karadeniz, Doğu Anadolu, Güneydoğu Anadolu"


def test_a_region_profile_of_a_region_outside_the_reference_needs_its_own_median() -> None:
    other = {"name": "Kıbrıs", "medianBasket": 70.0}

    assert problems({"region": {"name": "Akdniz"}, "city": "Antalya"}) == {"region": (
        f"not one of the seven regions ({SEVEN}); a region profile of another region needs a region object with its "
        "own medianBasket", "Akdniz")}
    assert problems({"region": {"name": "Atlantis", "climateType": "Wet", "trend": "HAIR"}})["region"][1] == "Atlantis"
    profile = analyze_customer({"region": other}, AS_OF)
    assert (profile.region, profile.median_basket, profile.avg_monthly_spend) == ("Kıbrıs", 70.0, 140.0)


def test_request_envelope_errors_are_prefixed_and_combined() -> None:
    with pytest.raises(InvalidInput) as caught:
        analyze_request({"asOf": "someday"})

    assert {p.loc for p in caught.value.problems} == {"customerData", "asOf"}
    with pytest.raises(InvalidInput) as caught:
        analyze_request({"customerData": customer(age=200)}, AS_OF)
    assert [p.loc for p in caught.value.problems] == ["customerData.customer.age"]
    with pytest.raises(InvalidInput) as caught:
        analyze_request({"customerData": customer()}, "12.02.2026")  # the argument, not the payload
    assert [p.loc for p in caught.value.problems] == ["as_of"]
    assert analyze_request({"customerData": customer()}, "2026-02-12") == analyze_request(
        {"customerData": customer()}, AS_OF)


def test_error_message_lists_every_problem() -> None:
    with pytest.raises(InvalidInput) as caught:
        analyze_customer(customer(age=130, member_days=-5), AS_OF)

    text = str(caught.value)
    assert text.startswith("2 problems in the input:")
    assert "- customer.age: Input should be less than or equal to 120 (got 130)" in text


def test_counts_beyond_what_a_float_holds_exactly_are_refused() -> None:
    bad = line()
    bad["totalQuantity"], bad["orderCount"] = 2**53, 10**30

    found = problems(customer([bad], totalOrders=2**70))

    assert found["customer.productHistory[0].totalQuantity"] == ("Input should be less than 9007199254740992", 2**53)
    assert found["customer.productHistory[0].orderCount"] == ("Input should be less than 9007199254740992", 10**30)
    assert found["customer.totalOrders"] == ("Input should be less than 9007199254740992", 2**70)


def test_booleans_are_no_numbers() -> None:
    bad = {**line(), "totalQuantity": True, "totalSpent": True, "orderCount": True, "avgDaysBetween": False}
    payload = customer([bad], age=True, totalOrders=True)
    payload["region"]["medianBasket"] = True
    boolean = "Input should be a number, not a boolean"

    assert problems(payload) == {
        "customer.age": (boolean, True),
        "customer.totalOrders": (boolean, True),
        "customer.productHistory[0].totalQuantity": (boolean, True),
        "customer.productHistory[0].totalSpent": (boolean, True),
        "customer.productHistory[0].orderCount": (boolean, True),
        "customer.productHistory[0].avgDaysBetween": (boolean, False),
        "region.medianBasket": (boolean, True),
    }


def test_whole_floats_and_numeric_text_still_count_as_whole_numbers() -> None:
    payload = customer([{**line(), "totalQuantity": 2.0, "orderCount": "1"}])
    payload["customer"]["age"] = 32.0

    analysis = analyze_customer(payload, AS_OF)

    assert (analysis.age, analysis.age_segment, analysis.order_count) == (32, "GençYetişkin", 1)


def test_a_day_before_1900_is_refused_with_its_location_and_value() -> None:
    payload = customer([{**line(), "firstPurchase": "0001-01-01"}], registeredAt="1600-01-01")

    assert problems(payload) == {
        "customer.registeredAt": ("is before 1900-01-01, the earliest day taken", "1600-01-01"),
        "customer.productHistory[0].firstPurchase": ("is before 1900-01-01, the earliest day taken", "0001-01-01"),
    }


def test_an_aware_time_whose_utc_day_is_out_of_range_is_echoed_as_written_with_that_day_named() -> None:
    payload = customer([{**line(), "firstPurchase": "1900-01-01T00:30:00+01:00"}],
                       registeredAt="2100-12-31T23:00:00-05:00")

    assert problems(payload) == {
        "customer.registeredAt": ("is after 2100-12-31, the latest day taken (its day in UTC is 2101-01-01)",
                                  "2100-12-31T23:00:00-05:00"),
        "customer.productHistory[0].firstPurchase": (
            "is before 1900-01-01, the earliest day taken (its day in UTC is 1899-12-31)", "1900-01-01T00:30:00+01:00"),
    }


def test_ids_that_differ_only_in_their_unicode_form_are_one_id() -> None:
    payload = customer()
    payload["customerId"], payload["customer"]["customerId"] = "MÜ-1", unicodedata.normalize("NFD", "MÜ-1")

    analysis = analyze_customer(payload, AS_OF)

    assert unicodedata.normalize("NFC", analysis.customer_id or "") == "MÜ-1"


def test_a_whole_float_too_large_for_64_bits_is_out_of_the_fields_range_and_echoed_as_written() -> None:
    bad = line()
    bad["orderCount"], bad["totalQuantity"] = 1e30, -1e100

    assert problems(customer([bad], age=1e20, totalOrders=1e100)) == {  # type: ignore[arg-type]
        "customer.age": ("Input should be less than or equal to 120", 1e20),
        "customer.totalOrders": ("Input should be less than 9007199254740992", 1e100),
        "customer.productHistory[0].orderCount": ("Input should be less than 9007199254740992", 1e30),
        "customer.productHistory[0].totalQuantity": ("Input should be greater than or equal to 0", -1e100),
    }
    # 1e20 == 10**20 in Python: the echoes must be the floats given, not integers (nor "<integer of 333 bits>")
    assert {type(value) for _, value in problems(customer([bad], age=1e20)).values()} == {float}  # type: ignore[arg-type]
