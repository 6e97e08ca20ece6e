"""Whether the time of day written after a date is a time at all (``2025-03-04 25:61`` is none).

Only the calendar day of a purchase or signup counts, but a time that cannot be one (hour 25, minute 61,
``10:3x``) says that the value is broken: its date is then no more trusted than an impossible date, and the row
is a ``bad_date``. The usual shapes (``[ T]HH:MM[:SS[.fraction]]``, then ``Z`` or an offset ``±HH:MM``) are
checked by a compiled pass over the column's bytes; only values it does not take are checked again against the
general form (`TIME_OF_DAY`: one-digit hours, ``8:26 AM``, ``10.30``), by Arrow's regular expressions.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_numbers import IntArray
from rules.cohort.columnar_strings import Bytes, buffers, validity
from rules.cohort.compiled import inline_kernel, kernel

BoolArray = npt.NDArray[np.bool_]

_HOUR, _MINUTE = r"(?:[01]?\d|2[0-3])", r"[0-5]\d"
# Magento's grids write a 24-hour clock with a redundant AM or PM ("Jan 5, 2026 14:15:33 PM", PHP's
# "H:i:s A"): still a time, since only the day is kept.
_CLOCK = (rf"(?:{_HOUR}[:.]{_MINUTE}(?:[:.]{_MINUTE}(?:[.,]\d{{1,9}})?)?"
          rf"|(?:0?[1-9]|1[0-2])[:.]{_MINUTE}(?:[:.]{_MINUTE})?\s*[AaPp]\.?[Mm]\.?"
          rf"|(?:1[2-9]|2[0-3])[:.]{_MINUTE}(?:[:.]{_MINUTE})?\s*[Pp]\.?[Mm]\.?"
          rf"|00[:.]{_MINUTE}(?:[:.]{_MINUTE})?\s*[Aa]\.?[Mm]\.?)")
TIME_OF_DAY = rf"{_CLOCK}\s*(?:Z|[+-](?:[01]\d|2[0-3]):?{_MINUTE}|UTC|GMT)?"
# The date is what comes before the first space or T (as `rules.cohort.dates` cuts it); after it, a time or nothing.
_DATE_THEN_TIME = rf"^[^ T]*(?:\s*|[ T]\s*{TIME_OF_DAY}\s*)$"


def times_of_day_ok(texts: pa.Array) -> BoolArray:
    """Per value: True when nothing follows its date, or a time of day does; False when what follows is no time.
    Nulls are True (no time to check)."""
    text = texts.cast(pa.large_string()) if not pa.types.is_large_string(texts.type) else texts
    ok = np.empty(len(text), dtype=np.bool_)
    offsets, data = buffers(text)
    _usual_times(offsets, data, validity(text), ok)
    doubtful = np.flatnonzero(~ok)
    if len(doubtful):
        matched = pc.match_substring_regex(text.take(pa.array(doubtful)), _DATE_THEN_TIME)
        ok[doubtful] = matched.to_numpy(zero_copy_only=False)
    return ok


@kernel
def _usual_times(offsets: IntArray, data: Bytes, valid: BoolArray, ok: BoolArray) -> None:
    for row in range(len(ok)):
        if not valid[row]:
            ok[row] = True
            continue
        start, end = offsets[row], offsets[row + 1]
        at = start
        while at < end and data[at] != 32 and data[at] != 84:  # the date runs to the first space or T
            at += 1
        ok[row] = at == end or time_ok(data, at, end)


@inline_kernel  # called on every row of a date column: inlined, it costs a few nanoseconds a row
def time_ok(data: Bytes, at: int, end: int) -> bool:
    """Whether ``data[at:end]`` is ``[ T]HH:MM[:SS[.fraction]]`` then nothing, ``Z`` or ``±HH[:]MM``, a real time."""
    if end - at < 6 or (data[at] != 32 and data[at] != 84) or data[at + 3] != 58:
        return False
    if not (_two_digits(data, at + 1, 23) and _two_digits(data, at + 4, 59)):
        return False
    at += 6
    if at < end and data[at] == 58:  # seconds
        if end - at < 3 or not _two_digits(data, at + 1, 59):
            return False
        at += 3
        if at < end and data[at] == 46:  # a fraction of a second
            digits_end = at + 1
            while digits_end < end and 48 <= data[digits_end] <= 57:
                digits_end += 1
            if not 1 <= digits_end - at - 1 <= 9:
                return False
            at = digits_end
    if at == end:
        return True
    if data[at] == 90:  # Z
        return at + 1 == end
    if data[at] == 43 or data[at] == 45:  # + or -: an offset
        if end - at == 6 and data[at + 3] == 58:
            return _two_digits(data, at + 1, 23) and _two_digits(data, at + 4, 59)
        if end - at == 5:
            return _two_digits(data, at + 1, 23) and _two_digits(data, at + 3, 59)
    return False


@inline_kernel
def _two_digits(data: Bytes, at: int, most: int) -> bool:
    first, second = int(data[at]) - 48, int(data[at + 1]) - 48
    return 0 <= first <= 9 and 0 <= second <= 9 and first * 10 + second <= most
