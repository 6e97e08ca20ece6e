"""Days to the cohort tables' datetimes: a day outside the range the readers take is refused, never wrapped."""

from __future__ import annotations

import numpy as np
import pytest

from rules.cohort.dates import days_to_datetimes


def test_days_become_midnights_and_days_not_ok_become_nat() -> None:
    days = np.array([0, 20_496, -25_567], dtype=np.int64)  # 1970-01-01, 2026-02-12, 1900-01-01

    values = days_to_datetimes(days, np.array([True, True, False]))

    assert values.tolist() == np.array(["1970-01-01", "2026-02-12", "NaT"], dtype="datetime64[ns]").tolist()


@pytest.mark.parametrize("day", [-25_568, -135_140, 47_847])  # 1899-12-31, 1600-01-01, 2101-01-01
def test_a_day_outside_1900_to_2100_is_refused_not_wrapped(day: int) -> None:
    with pytest.raises(ValueError, match=r"outside 1900-01-01\.\.2100-12-31"):
        days_to_datetimes(np.array([0, day], dtype=np.int64), np.array([True, True]))


def test_a_day_not_ok_may_hold_anything() -> None:
    values = days_to_datetimes(np.array([-135_140], dtype=np.int64), np.array([False]))

    assert np.isnat(values).tolist() == [True]
