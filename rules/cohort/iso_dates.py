"""A compiled parser for the usual shape of an export's dates (``2024-02-11 09:13:56``), read straight from an
Arrow column's bytes.

It either reads every non-null value of a column or gives up (returns None), and then the caller's general
Arrow path reads the column instead; a date it accepts is read exactly as that path reads it, checked against
the calendar. (`rules.cohort.plain_numbers` does the same for numbers.)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rules.cohort import pooled_arrays as pooled
from rules.cohort.columnar_numbers import IntArray
from rules.cohort.columnar_strings import Bytes, buffers, same_bytes, validity
from rules.cohort.compiled import kernel
from rules.cohort.times_of_day import time_ok


def iso_days(column: pa.Array) -> IntArray | None:
    """Days since 1970-01-01 of texts that are a calendar date written YYYY-MM-DD, alone or followed by a time of
    day (`rules.cohort.times_of_day.time_ok`: a real time, whose value is then ignored; 0 for nulls); None when
    some non-null text is not."""
    offsets, data = buffers(column)
    days = pooled.empty(len(column), np.int64)
    return days if _iso_days(offsets, data, validity(column), days) else None


@kernel
def _iso_days(offsets: IntArray, data: Bytes, valid: npt.NDArray[np.bool_], days: IntArray) -> bool:
    # Where the last date read starts, and its day: exports sorted by time repeat a day row after row.
    previous, previous_day = -1, 0
    for row in range(len(days)):
        if not valid[row]:
            days[row] = 0
            continue
        at, end = offsets[row], offsets[row + 1]
        if end - at < 10 or (end - at > 10 and not time_ok(data, at + 10, end)):
            return False
        if previous >= 0 and same_bytes(data, at, data, previous, 10):
            days[row] = previous_day
            continue
        if data[at + 4] != 45 or data[at + 7] != 45:
            return False
        for position in (0, 1, 2, 3, 5, 6, 8, 9):
            if not 48 <= data[at + position] <= 57:
                return False
        year = (data[at] - 48) * 1000 + (data[at + 1] - 48) * 100 + (data[at + 2] - 48) * 10 + data[at + 3] - 48
        month = (data[at + 5] - 48) * 10 + data[at + 6] - 48
        day = (data[at + 8] - 48) * 10 + data[at + 9] - 48
        if year < 1 or month < 1 or month > 12 or day < 1 or day > _month_length(year, month):
            return False
        days[row] = previous_day = _days_from_civil(year, month, day)
        previous = at
    return True


@kernel
def _month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


@kernel
def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return int(era * 146097 + day_of_era - 719468)
