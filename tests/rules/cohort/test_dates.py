"""Days to the cohort tables' datetimes: a day outside the range the readers take is refused, never wrapped."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from rules.cohort.dates import days_to_datetimes, to_days


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


@pytest.mark.parametrize(("column", "example"), [
    (pa.array(["2026-02-12", "1850-01-01", "2026-02-30", None, "1850-01-01 10:00"]), "1850-01-01"),  # compiled ISO
    (pa.array(["12.02.2026", "01.01.1850", "30.02.2026", None, "01.01.1850"]), "01.01.1850"),  # per distinct text
    (pa.array([20260212, 18500101, 20260230, None, 18500101]), "18500101"),  # YYYYMMDD in number cells
])
def test_a_date_outside_the_days_taken_is_told_apart_from_no_date(column: pa.Array, example: str) -> None:
    read = to_days(column, "registered_at ('Kayıt')", unreadable="left unknown")

    assert read.ok.tolist() == [True, False, False, False, False]
    assert read.outside is not None
    assert read.outside.tolist() == [False, True, False, False, True]
    assert read.no_date.tolist() == [False, False, True, False, False]
    assert read.warnings[-1:] == [f"registered_at ('Kayıt'): 2 value(s) are dates before 1900-01-01 or after "
                                  f"2100-12-31, the days taken (e.g. {example!r}), and are left unknown"]


def test_typed_dates_outside_the_days_taken_are_warned_about() -> None:
    read = to_days(pa.array([date(2026, 2, 12), date(2150, 1, 1)]), "order_date ('Tarih')")

    assert read.ok.tolist() == [True, False]
    assert read.warnings == ["order_date ('Tarih'): 1 value(s) are dates before 1900-01-01 or after 2100-12-31, the "
                             "days taken (e.g. '2150-01-01'), and are rejected as bad_date"]


def test_the_compiled_iso_pass_tells_dates_outside_the_days_taken_too() -> None:
    read = to_days(pa.array(["2026-02-12 09:13:56", "1850-01-01 10:00:00", None, "2101-01-01 00:00:00"]),
                   "order_date ('Tarih')")

    assert read.ok.tolist() == [True, False, False, False]
    assert read.no_date.tolist() == [False, False, False, False]
    assert read.warnings == ["order_date ('Tarih'): 2 value(s) are dates before 1900-01-01 or after 2100-12-31, the "
                             "days taken (e.g. '1850-01-01 10:00:00'), and are rejected as bad_date"]


@pytest.mark.parametrize(("texts", "example"), [
    (["2025-03-04 10:00:00", "2025-03-05 25:61:00", "2025-03-06 09:00:00"], "2025-03-05 25:61:00"),  # compiled ISO
    (["2025-03-04 10:00 +03:00", "2025-03-05 25:61", "2025-03-06 9:00"], "2025-03-05 25:61"),  # ISO, Arrow's cast
    (["04.03.2025 10:00", "05.03.2025 25:61", "06.03.2025 09:00"], "05.03.2025 25:61"),  # each distinct day
    (["13/03/2025 8:26 AM", "14/03/2025 10:3x", "15/03/2025 9:00 PM"], "14/03/2025 10:3x"),
])
def test_a_date_whose_time_of_day_is_no_time_is_a_bad_date(texts: list[str], example: str) -> None:
    read = to_days(pa.array(texts), "order_date ('Tarih')")

    assert read.ok.tolist() == [True, False, True]
    assert read.no_date.tolist() == [False, False, False]
    assert read.warnings[-1] == (f"order_date ('Tarih'): 1 value(s) have a time of day that is no time (e.g. "
                                 f"{example!r}), and are rejected as bad_date")
