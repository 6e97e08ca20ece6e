"""Analyses are built without a second validation: what they hold must be exactly what validation would give.

For every mode and every shape of history, re-validating an analysis' own dump must give back the same values
with the same Python types (an int where pydantic would make a float would still serialise as a float, so the
JSON alone would not show it), the same JSON, and no serializer warnings.
"""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from rules import analyze_customer
from rules.models.analysis import Analysis, Condition, Reason
from rules.models.trusted import trusted
from tests.rules.payloads import AS_OF, customer, line
from tests.rules.test_properties import payloads


def assert_same_values_and_types(built: Any, validated: Any, where: str = "analysis") -> None:
    assert type(built) is type(validated), f"{where}: {type(built).__name__} vs {type(validated).__name__}"
    if isinstance(built, BaseModel):
        assert list(built.__dict__) == list(type(built).model_fields), f"{where}: fields out of order"
        for name in type(built).model_fields:
            assert_same_values_and_types(getattr(built, name), getattr(validated, name), f"{where}.{name}")
    elif isinstance(built, tuple | list):
        assert len(built) == len(validated), where
        for index, (b, v) in enumerate(zip(built, validated, strict=True)):
            assert_same_values_and_types(b, v, f"{where}[{index}]")
    elif isinstance(built, dict):
        assert list(built) == list(validated), where
        for key in built:
            assert_same_values_and_types(built[key], validated[key], f"{where}[{key!r}]")
    else:
        assert built == validated, where


def assert_as_validated(analysis: Analysis) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a serializer warning means a value of the wrong type
        dumped = analysis.model_dump(by_alias=True)
        json_text = analysis.model_dump_json(by_alias=True)
    # The region mode's dump leaves customerId and age out; validation fills them with their None defaults.
    validated = Analysis.model_validate(dumped)
    assert_same_values_and_types(analysis, validated)
    assert validated.model_dump_json(by_alias=True) == json_text
    assert validated == analysis


MODES = {
    "regular": customer([line("P-1", spent=120, orders=3, avg_days=20, days_ago=90),
                         line("P-2", category="MAKEUP", spent=80.5, orders=2, days_ago=5)]),
    "regular, whole-number money": customer([line("P-1", spent=100, orders=2)], median=50),
    "order-level lines only": {"customer": {"customerId": "C-9", "productHistory": [
        {"totalQuantity": 0, "totalSpent": 40, "orderCount": 2, "lastPurchase": "2026-01-01"}]}},
    "no age, no signup date, unknown region": {"customer": {"customerId": "C-8", "city": "Atlantis",
                                                            "productHistory": [line()]}},
    "region not in the reference, cohort median": {"customer": {"customerId": "C-7", "productHistory": [line()]},
                                                   "region": {"name": "Ege Adaları", "medianBasket": 70,
                                                              "medianBasketSource": "cohort"}},
    "new customer": customer([]),
    "new customer, no signup date": {"customer": {"customerId": "C-6", "city": "Van"}},
    "region": {"city": "Izmir", "region": {"name": "Ege"}},
    "region outside the reference": {"region": {"name": "Ege Adaları", "medianBasket": 70}},
}


@pytest.mark.parametrize("payload", MODES.values(), ids=MODES.keys())
def test_every_mode_is_built_as_validation_would_build_it(payload: dict[str, Any]) -> None:
    assert_as_validated(analyze_customer(payload, AS_OF))


@settings(max_examples=200, deadline=None)
@given(payloads(), st.dates(min_value=date(2026, 2, 12), max_value=date(2030, 1, 1)))
def test_any_valid_payload_is_built_as_validation_would_build_it(payload: dict[str, Any], as_of: date) -> None:
    assert_as_validated(analyze_customer(payload, as_of))


def test_trusted_takes_the_values_as_they_are() -> None:
    condition: Condition = {"metric": "age", "value": 30, "op": "<=", "threshold": 35}
    reason = trusted(Reason, {"code": "GençYetişkin", "basis": "rule", "text": "t", "conditions": (condition,)})

    assert reason == Reason.model_validate({"code": "GençYetişkin", "basis": "rule", "text": "t",
                                            "conditions": [{"metric": "age", "value": 30, "op": "<=",
                                                            "threshold": 35}]})
    assert reason.model_fields_set == {"code", "basis", "text", "conditions"}
    with pytest.raises(Exception, match="frozen"):
        reason.text = "changed"  # type: ignore[misc]


def test_a_value_of_the_wrong_type_is_caught_by_the_check() -> None:
    # The check above must be able to fail: an int where validation gives a float.
    analysis = analyze_customer(MODES["regular"], AS_OF)
    assert analysis.top_products
    values = dict(analysis.__dict__)
    values["top_products"] = ({**analysis.top_products[0], "totalSpent": 5},)
    broken = trusted(Analysis, values)

    validated = Analysis.model_validate(broken.model_dump(by_alias=True))
    with pytest.raises(AssertionError, match=r"top_products\[0\]\['totalSpent'\]: int vs float"):
        assert_same_values_and_types(broken, validated)
