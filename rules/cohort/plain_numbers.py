"""A compiled parser for the usual shape of an export's numbers (``2``, ``-3``, ``379.90``), read straight from
an Arrow column's bytes.

It either reads every non-null value of a column or gives up (returns None), and then the caller's general
path (Arrow's cast, then the cleaning of thousands separators and currency signs) reads the column instead.
A number it accepts has at most 15 digits, so its digits make an exact integer and a power of ten up to 10**15
is exact too: their quotient, rounded once by the division, is the correctly rounded value of the decimal,
which is what Arrow's parser gives.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rules.cohort import pooled_arrays as pooled
from rules.cohort.columnar_numbers import FloatArray, IntArray
from rules.cohort.columnar_strings import Bytes, buffers, validity
from rules.cohort.compiled import kernel

MAX_DIGITS = 15
_POWERS_OF_TEN = np.array([10.0**power for power in range(MAX_DIGITS + 1)])


def plain_decimals(column: pa.Array) -> FloatArray | None:
    """The numbers of texts written as digits with an optional leading minus and an optional decimal point
    between digits (NaN for nulls); None when some non-null text is written otherwise or has more than 15
    digits."""
    offsets, data = buffers(column)
    values = pooled.empty(len(column))
    return values if _plain_decimals(offsets, data, validity(column), _POWERS_OF_TEN, values) else None


@kernel
def _plain_decimals(offsets: IntArray, data: Bytes, valid: npt.NDArray[np.bool_], powers: FloatArray,
                    values: FloatArray) -> bool:
    for row in range(len(values)):
        if not valid[row]:
            values[row] = np.nan
            continue
        start, end = offsets[row], offsets[row + 1]
        negative = start < end and data[start] == 45
        start += negative
        digits, point, whole = 0, -1, 0
        for at in range(start, end):
            byte = data[at]
            if 48 <= byte <= 57:
                whole = whole * 10 + (byte - 48)
                digits += 1
            elif byte == 46 and point < 0 and at > start and at < end - 1:
                point = at
            else:
                return False
        if digits == 0 or digits > MAX_DIGITS:
            return False
        value = whole / powers[end - point - 1] if point >= 0 else float(whole)
        values[row] = -value if negative else value
    return True
