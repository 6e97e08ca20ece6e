"""The two validation passes of `rules.models.request` agree: the strict one is only a faster way to the lax one's
answer."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rules.models.request import CUSTOMER, CUSTOMER_DATA
from tests.rules.payloads import AS_OF
from tests.rules.test_properties import payloads

CONTEXT = {"as_of": AS_OF}
LINE_NUMBERS = ("totalQuantity", "totalSpent", "orderCount", "avgDaysBetween")


def _forms(value: Any) -> st.SearchStrategy[Any]:
    """The number as given and the ways a caller might write it instead, right or wrong."""
    forms: list[Any] = [value, True, False, -1, 1e20, "abc", str(value), 2.5]
    if isinstance(value, int) and not isinstance(value, bool):
        forms += [float(value), f" {value} "]
    return st.sampled_from(forms)


@st.composite
def written_variously(draw: st.DrawFn) -> dict[str, Any]:
    """A valid payload whose numbers are sometimes written in another form (text, whole floats, booleans, ...)."""
    payload = copy.deepcopy(draw(payloads()))
    customer = payload["customer"]
    places: list[tuple[dict[str, Any], str]] = [(customer, "age")]
    if draw(st.booleans()) and customer["productHistory"]:
        customer["totalOrders"] = sum(line["orderCount"] for line in customer["productHistory"])
        places.append((customer, "totalOrders"))
    places += [(line, key) for line in customer["productHistory"] for key in LINE_NUMBERS]
    if payload["region"] and "medianBasket" in payload["region"]:
        places.append((payload["region"], "medianBasket"))
    for owner, key in places:
        if owner.get(key) is not None and draw(st.integers(0, 3)) == 0:
            owner[key] = draw(_forms(owner[key]))
    return payload


def _outcome(validate: Any, value: Any) -> Any:
    try:
        return validate(value, context=CONTEXT)
    except ValidationError as error:
        return [(e["loc"], e["msg"], e["input"]) for e in error.errors()]


@settings(max_examples=400, deadline=None)
@given(written_variously())
def test_the_strict_pass_accepts_only_what_the_lax_pass_accepts_and_as_the_lax_pass_does(
    payload: dict[str, Any],
) -> None:
    lax = _outcome(CUSTOMER_DATA.lax.validate_python, payload)

    strict = _outcome(CUSTOMER_DATA.strict.validate_python, payload)

    if not isinstance(strict, list):  # the strict pass may refuse anything; what it accepts, the lax pass must too
        assert strict == lax
    assert _outcome(CUSTOMER_DATA.validate_python, payload) == lax


@settings(max_examples=200, deadline=None)
@given(written_variously())
def test_a_boolean_for_a_number_is_always_refused_where_it_is(payload: dict[str, Any]) -> None:
    customer = payload["customer"]
    booleans: set[tuple[str | int, ...]] = {
        ("customer", key) for key in ("age", "totalOrders") if isinstance(customer.get(key), bool)
    }
    booleans |= {("customer", "productHistory", i, key) for i, line in enumerate(customer["productHistory"])
                 for key in LINE_NUMBERS if isinstance(line.get(key), bool)}
    if isinstance((payload["region"] or {}).get("medianBasket"), bool):
        booleans.add(("region", "medianBasket"))

    outcome = _outcome(CUSTOMER_DATA.validate_python, payload)

    refused = {loc for loc, message, _ in outcome if message == "Input should be a number, not a boolean"} \
        if isinstance(outcome, list) else set()
    assert refused == booleans


@pytest.mark.parametrize(
    ("written", "read"),
    [({"age": "32", "totalOrders": 3.0}, {"age": 32, "totalOrders": 3}), ({"age": 32.0}, {"age": 32})],
)
def test_numbers_as_text_and_whole_floats_are_read_by_the_second_pass(
    written: dict[str, Any], read: dict[str, Any]
) -> None:
    line = {"productId": "P-1", "totalQuantity": "2", "totalSpent": "10.5", "orderCount": 3.0,
            "lastPurchase": "2026-01-20"}
    customer = {"customerId": "C-1", **written, "productHistory": [line]}

    with pytest.raises(ValidationError):
        CUSTOMER.strict.validate_python(customer, context=CONTEXT)
    validated = CUSTOMER.validate_python(customer, context=CONTEXT)

    assert {key: validated[key] for key in read} == read  # type: ignore[literal-required]
    assert validated["productHistory"][0] == {"productId": "P-1", "totalQuantity": 2, "totalSpent": 10.5,
                                               "orderCount": 3, "lastPurchase": AS_OF.replace(day=20, month=1)}
