"""Plain numbers read from the bytes: the same values as Arrow's own cast, or left to the general path."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.plain_numbers import plain_decimals

# Decimals of up to 15 digits, and near misses: signs, points and letters in odd places, too many digits.
DECIMAL = st.tuples(st.booleans(), st.integers(0, 10**9), st.integers(0, 6), st.integers(0, 10**6)).map(
    lambda parts: f"{'-' if parts[0] else ''}{parts[1]}" + (f".{parts[3]:0{parts[2]}d}" if parts[2] else ""))
TEXT = st.one_of(st.none(), DECIMAL, st.text("0123456789-+.,e x", min_size=0, max_size=18))


def _arrow_values(texts: list[str | None]) -> list[float] | None:
    try:
        cast = pc.cast(pa.array(texts, pa.string()), pa.float64())
    except pa.ArrowInvalid:
        return None
    return [math.nan if value is None else value for value in cast.to_pylist()]


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXT, max_size=8))
def test_values_equal_arrows_cast_or_are_left_to_it(texts: list[str | None]) -> None:
    values = plain_decimals(pa.array(texts, pa.string()))

    if values is not None:
        expected = _arrow_values(texts)
        assert expected is not None
        np.testing.assert_array_equal(values, expected)  # bit for bit: NaN where null, -0.0 stays
        assert [math.copysign(1, v) for v in values.tolist()] == [math.copysign(1, v) for v in expected]


@pytest.mark.parametrize("text", ["1e5", " 12", "12 ", "+5", "1.", ".5", "1.2.3", "1,5", "-", "", "1234567890123456",
                                  "0x10", "nan", "inf", "١٢"])
def test_anything_but_plain_digits_goes_to_the_general_path(text: str) -> None:
    assert plain_decimals(pa.array(["12.50", text], pa.string())) is None


def test_plain_numbers_and_nulls() -> None:
    values = plain_decimals(pa.array(["2", "-3", "379.90", None, "0.1", "-0", "123456789012.345"], pa.string()))

    assert values is not None
    assert values[:3].tolist() == [2.0, -3.0, 379.9]
    assert math.isnan(values[3])
    assert values[4] == 0.1
    assert math.copysign(1, values[5]) == -1
    assert values[6] == 123456789012.345
