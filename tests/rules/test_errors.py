"""How errors echo an offending input: whole when short, cut when long, summarised when a container."""

from __future__ import annotations

from datetime import date

import pytest

from rules import InvalidInput, analyze_customer
from rules.errors import describe_input
from tests.rules.payloads import AS_OF, customer


@pytest.mark.parametrize(("value", "echoed"), [
    ("Zyxcity", "Zyxcity"),
    ("x" * 80, "x" * 80),
    ("x" * 81, "x" * 80 + "… (81 characters)"),
    ("ü" * 5_000_000, "ü" * 80 + "… (5000000 characters)"),
    (10**79, 10**79),
    (10**80, "<integer of 266 bits>"),
    (-(10**200), "<integer of 665 bits>"),
    (True, True),
    (-5.0, -5.0),
    (None, None),
    ([1, 2, 3], "<list of 3>"),
    ({"b": 1, "k" * 100: 2}, {"<object with keys>": ["b", "k" * 80 + "… (100 characters)"]}),
    (date(1600, 1, 1), "1600-01-01"),
])
def test_an_input_is_echoed_whole_only_when_short(value: object, echoed: object) -> None:
    assert describe_input(value) == echoed


def test_an_integer_too_long_to_print_is_summarised() -> None:
    assert describe_input(10**5000) == "<integer of 16610 bits>"


def test_an_over_long_city_is_not_echoed_whole() -> None:
    with pytest.raises(InvalidInput) as caught:
        analyze_customer(customer(city="İ" * 1_000_000), AS_OF)

    [problem] = caught.value.problems
    assert (problem.loc, problem.msg, problem.input) == (
        "customer.city", "String should have at most 200 characters", "İ" * 80 + "… (1000000 characters)")
