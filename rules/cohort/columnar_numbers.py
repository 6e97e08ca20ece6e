"""Money rounded a whole column at a time, exactly as Python's ``round(x, 2)`` and ``f"{x:.2f}"`` round it.

Both round the *exact* binary value, half to even. ``np.round`` does not (it rounds ``x * 100`` after that
product was itself rounded), so the rare values whose product lies within rounding error of a half cent are
decided by an error-free product instead (Veltkamp's split), and agree with Python digit for digit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rules.cohort.compiled import kernel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's constant, splits a double into two 26-bit halves
EXACT_LIMIT = 2.0**38  # below this, x * 100 stays under 2**45: its rounding error is under 0.0035 cents


def exact_scaled(values: FloatArray, scale: int) -> FloatArray:
    """``values * scale`` rounded half to even on the exact binary value (what Python's round and format do).

    `scale` is a power of ten below 2**26. Only meaningful while ``|values * scale|`` stays below 2**50;
    `money`, `num_text` and `fixed_text` let Python handle larger values.
    """
    scaled = np.empty(len(values))  # allocated by numpy: see `rules.cohort.compiled`
    _fill_scaled(np.ascontiguousarray(values, dtype=np.float64), float(scale), scaled)
    return scaled


def exact_cents(values: FloatArray) -> FloatArray:
    """``values * 100`` rounded as Python rounds to two decimals."""
    cents = np.empty(len(values))
    _fill_cents(np.ascontiguousarray(values, dtype=np.float64), cents)
    return cents


@kernel
def _exact_scaled_one(value: float, factor: float) -> float:
    """`exact_scaled` for one value."""
    product = value * factor
    split = _SPLIT * value
    high = split - (split - value)
    low = value - high
    error = (high * factor - product) + low * factor  # exact: value * factor == product + error
    floor = np.floor(product)
    middle = floor + 0.5
    tie_up = product == middle and (error > 0 or (error == 0 and np.fmod(floor, 2.0) != 0))
    return float(floor + 1.0 if product > middle or tie_up else floor)


@kernel
def _cents_of(value: float) -> float:
    """`exact_cents` for one value: ``rint(value * 100)`` is right unless the product lies within its rounding
    error of a half cent (under 0.0035 cents below EXACT_LIMIT); only those few take the exact test."""
    product = value * 100.0
    rounded = np.rint(product)
    if abs(product - rounded) >= 0.4965:
        return _exact_scaled_one(value, 100.0)
    return float(rounded)


@kernel
def _fill_scaled(values: FloatArray, factor: float, scaled: FloatArray) -> None:
    for index in range(len(values)):
        scaled[index] = _exact_scaled_one(values[index], factor)


@kernel
def _fill_cents(values: FloatArray, cents: FloatArray) -> None:
    for index in range(len(values)):
        cents[index] = _cents_of(values[index])


def huge(values: FloatArray, scale: int = 100) -> IntArray:
    """Positions of values too large for the exact test (absurd amounts; a loop over them stays short)."""
    return np.flatnonzero(~(np.abs(values) * scale < EXACT_LIMIT * 100))


def money(values: FloatArray) -> FloatArray:
    """Python's ``round(x, 2)`` for every value: the double nearest to the correctly rounded cents."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    rounded, oversized = np.empty(len(values)), np.empty(len(values), dtype=np.int64)
    for position in oversized[:_fill_money(values, rounded, oversized)]:
        rounded[position] = round(float(values[position]), 2)
    return rounded


@kernel
def _fill_money(values: FloatArray, rounded: FloatArray, oversized: IntArray) -> int:
    """Rounds to cents where the exact test applies; lists the other positions (NaN, infinite, huge)."""
    found = 0
    for index in range(len(values)):
        value = values[index]
        if not abs(value) * 100.0 < EXACT_LIMIT * 100.0:
            oversized[found] = index
            found += 1
            continue
        rounded[index] = _cents_of(value) / 100.0
    return found
