"""Ids that are a number after a short prefix (``12345``, ``C0000042``, ``SO-106150``, ``RET-7``), split in one pass
over an Arrow column's bytes.

Order and customer ids in real exports are nearly always of this shape. Splitting each into its prefix and its
number lets `rules.cohort.values.encode_text` number the ids without hashing every row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rules.cohort import pooled_arrays as pooled
from rules.cohort.columnar_numbers import IntArray
from rules.cohort.columnar_strings import Bytes, buffers, validity
from rules.cohort.compiled import kernel

MAX_DIGITS = 18  # the most that always fit an int64
MAX_PREFIXES = 64


@dataclass(frozen=True)
class NumberedIds:
    """Each id as a prefix and a number.

    Attributes:
        prefixes: the distinct prefixes (the text before the first digit), in order of first appearance.
        prefix: each row's prefix, as a position in ``prefixes`` (-1 for null rows).
        number: each row's number (0 for null rows).
        shortest, longest: the fewest and the most digits a number is written with.
        zero_led: some number of two or more digits is written with a leading zero.
        low, high: the smallest and the largest number (when some row is not null).
    """

    prefixes: list[str]
    prefix: IntArray
    number: IntArray
    shortest: int
    longest: int
    zero_led: bool
    low: int
    high: int


def split_numbered(column: pa.Array) -> NumberedIds | None:
    """Every non-null text as its prefix and its number; None when some text is not a prefix followed by 1 to
    18 ASCII digits, when a prefix has white space in it, or when there are more than 64 prefixes."""
    offsets, data = buffers(column)
    prefix, number = pooled.empty(len(column), np.int64), pooled.empty(len(column), np.int64)
    first_rows = np.empty(MAX_PREFIXES, dtype=np.int64)
    found, shortest, longest, zero_led, low, high = _split(offsets, data, validity(column), prefix, number, first_rows)
    if found < 0:
        return None
    prefixes = [_prefix_text(offsets, data, int(row)) for row in first_rows[:found]]
    if any(character.isspace() for text in prefixes for character in text):
        return None  # padded ids are trimmed by the general path
    return NumberedIds(prefixes, prefix, number, int(shortest), int(longest), bool(zero_led), int(low), int(high))


def numbered_codes(ids: NumberedIds, span: int, count: int) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Each id's code, its prefix's position × ``span`` + its number − the smallest number (-1 for null rows),
    and, for each of ``count`` codes (0: not wanted), whether some row has it."""
    codes = pooled.empty(len(ids.prefix), np.int64)
    used = np.zeros(count, dtype=np.bool_)
    _codes(ids.prefix, ids.number, span, ids.low, codes, used)
    return codes, used


@kernel
def _codes(prefix: IntArray, number: IntArray, span: int, low: int, codes: IntArray,
           used: npt.NDArray[np.bool_]) -> None:
    for row in range(len(prefix)):
        code = prefix[row] * span + number[row] - low if prefix[row] >= 0 else -1
        codes[row] = code
        if len(used) and code >= 0:
            used[code] = True


def _prefix_text(offsets: IntArray, data: Bytes, row: int) -> str:
    start = digit = int(offsets[row])
    while not 48 <= data[digit] <= 57:
        digit += 1
    return bytes(data[start:digit]).decode("utf-8")


@kernel
def _split(offsets: IntArray, data: Bytes, valid: npt.NDArray[np.bool_], prefix: IntArray, number: IntArray,
           first_rows: IntArray) -> tuple[int, int, int, bool, int, int]:
    found, shortest, longest, zero_led = 0, MAX_DIGITS + 1, 0, False
    low, high = np.iinfo(np.int64).max, -1
    last = -1  # the previous row's prefix: ids of one kind usually follow each other
    for row in range(len(prefix)):
        if not valid[row]:
            prefix[row], number[row] = -1, 0
            continue
        start, end = offsets[row], offsets[row + 1]
        digit = start
        while digit < end and not 48 <= data[digit] <= 57:
            digit += 1
        digits = end - digit
        if digits == 0 or digits > MAX_DIGITS:
            return -1, 0, 0, False, 0, 0
        value = 0
        for at in range(digit, end):
            byte = data[at]
            if not 48 <= byte <= 57:
                return -1, 0, 0, False, 0, 0
            value = value * 10 + (byte - 48)
        zero_led = zero_led or (digits > 1 and data[digit] == 48)
        low, high = min(low, value), max(high, value)
        shortest, longest = min(shortest, digits), max(longest, digits)
        kind = -1
        if last >= 0 and _same_prefix(offsets, data, first_rows[last], start, digit - start):
            kind = last
        else:
            for known in range(found):
                if _same_prefix(offsets, data, first_rows[known], start, digit - start):
                    kind = known
                    break
        if kind < 0:
            if found == len(first_rows):
                return -1, 0, 0, False, 0, 0
            kind = found
            first_rows[found] = row
            found += 1
        prefix[row], number[row], last = kind, value, kind
    return found, shortest, longest, zero_led, low, high


@kernel
def _same_prefix(offsets: IntArray, data: Bytes, row: int, start: int, length: int) -> bool:
    """Whether ``row``'s text starts with ``length`` non-digit bytes equal to those at ``start``, then a digit."""
    other = offsets[row]
    if offsets[row + 1] - other <= length or not 48 <= data[other + length] <= 57:
        return False
    for at in range(length):  # noqa: SIM110 (numba compiles no generator expressions)
        if data[other + at] != data[start + at]:
            return False
    return True
