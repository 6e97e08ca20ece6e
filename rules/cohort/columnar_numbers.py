"""Money rounded a whole column at a time, exactly as Python's ``round(x, 2)`` and ``f"{x:.2f}"`` round it.

Both round the *exact* binary value, half to even. ``np.round`` does not (it rounds ``x * 100`` after that
product was itself rounded), so the rare values whose product lies within rounding error of a half cent are
decided by an error-free product instead (Veltkamp's split), and agree with Python digit for digit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

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
    factor = float(scale)
    product = values * factor
    split = _SPLIT * values
    high = split - (split - values)
    low = values - high
    error = (high * factor - product) + low * factor  # exact: values * scale == product + error
    floor = np.floor(product)
    middle = floor + 0.5
    tie_up = (product == middle) & ((error > 0) | ((error == 0) & (np.fmod(floor, 2.0) != 0)))
    scaled: FloatArray = floor + ((product > middle) | tie_up)
    return scaled


def exact_cents(values: FloatArray) -> FloatArray:
    """``values * 100`` rounded as Python rounds to two decimals.

    ``np.rint(values * 100)`` is right unless the product lies within rounding error of a half cent; only
    those few values go through the exact test.
    """
    product = values * 100.0
    cents: FloatArray = np.rint(product)
    # |product - cents| is at most 0.5; within the product's rounding error of 0.5 (under 0.0035 below
    # EXACT_LIMIT; larger values go to Python) the exact test decides.
    np.subtract(product, cents, out=product)
    np.abs(product, out=product)
    doubtful = np.flatnonzero(product >= 0.4965)
    if len(doubtful):
        cents[doubtful] = exact_scaled(values[doubtful], 100)
    return cents


def huge(values: FloatArray, scale: int = 100) -> IntArray:
    """Positions of values too large for the exact test (absurd amounts; a loop over them stays short)."""
    return np.flatnonzero(~(np.abs(values) * scale < EXACT_LIMIT * 100))


def money(values: FloatArray) -> FloatArray:
    """Python's ``round(x, 2)`` for every value: the double nearest to the correctly rounded cents."""
    rounded: FloatArray = exact_cents(values) / 100.0
    for position in huge(values):
        rounded[position] = round(float(values[position]), 2)
    return rounded
