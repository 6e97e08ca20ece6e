"""Dates written YYYY-MM-DD, read from the bytes: the same days as Arrow's own cast, or left to it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.iso_dates import iso_days

DAY = st.dates(date(1, 1, 1), date(9999, 12, 31))
REAL_TIME = st.sampled_from(["", " 09:13:56", "T23:59", " 00:00:00.000", "T10:30:00.123456789Z", " 09:00+03:00",
                             "T09:00:00-0530"])
TIME = st.one_of(REAL_TIME, st.sampled_from([" anything after the tenth character", " 25:61", "T23:60", " 10:3x",
                                              "T24:00", " 09:00+24:00", "x", " 09:00:00.", " 09:00:00.1234567890"]))
# The times the compiled pass reads (anything else is left to the general path): `time_ok`'s shapes.
USUAL_TIME = re.compile(r"^[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$")
# Near misses: each digit or dash of a valid date replaced by something else.
TEXT = st.one_of(
    st.none(),
    st.tuples(DAY, TIME).map(lambda parts: parts[0].isoformat() + parts[1]),
    st.text("0123456789-/ .Tx", min_size=0, max_size=14),
    st.tuples(st.integers(0, 9999), st.integers(0, 19), st.integers(0, 39))
    .map(lambda parts: f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"),
)


def _arrow_days(texts: list[str | None]) -> list[int] | None:
    try:
        as_date = pc.cast(pc.utf8_slice_codeunits(pa.array(texts, pa.string()), 0, 10), pa.date32())
    except pa.ArrowInvalid:
        return None
    return [0 if day is None else day for day in pc.cast(as_date, pa.int32()).to_pylist()]


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXT, max_size=8))
def test_days_equal_arrows_cast_or_are_left_to_it(texts: list[str | None]) -> None:
    days = iso_days(pa.array(texts, pa.string()))

    expected = _arrow_days(texts)
    usual = [text is None or len(text) == 10 or bool(USUAL_TIME.match(text[10:])) for text in texts]
    if days is not None:
        assert days.tolist() == expected
        assert all(usual)  # no date is read whose time is none, or with other text after it
    elif expected is not None:  # Arrow reads the days: year 0, or what follows some date is no usual time
        assert not all(usual) or any(text is not None and text.startswith("0000") for text in texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(DAY, REAL_TIME), min_size=1, max_size=8))
def test_every_calendar_day_is_read(values: list[tuple[date, str]]) -> None:
    days = iso_days(pa.array([day.isoformat() + time for day, time in values], pa.string()))

    assert days is not None
    assert [date(1970, 1, 1) + timedelta(days=int(day)) for day in days] == [day for day, _ in values]


@pytest.mark.parametrize("text", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-1-05", "2024/01/05",
                                  "", "2024-01-0", "２０２４-01-05"])
def test_not_a_date_is_left_to_the_general_path(text: str) -> None:
    assert iso_days(pa.array(["2024-02-29", text], pa.string())) is None


def test_nulls_read_as_day_zero_and_a_slice_reads_its_own_rows() -> None:
    days = iso_days(pa.array(["not a date", None, "1970-01-02"], pa.string()).slice(1))

    assert days is not None
    assert days.tolist() == [0, 1]
    assert np.issubdtype(days.dtype, np.int64)


def test_a_day_repeated_row_after_row_is_read_once_and_alike() -> None:
    texts = ["2024-02-11 09:00", "2024-02-11 10:30", None, "2024-02-11T23:59", "2024-02-12", "2024-02-11"]

    days = iso_days(pa.array(texts, pa.string()))

    assert days is not None
    assert days.tolist() == [19764, 19764, 0, 19764, 19765, 19764]
    assert iso_days(pa.array(["2024-02-11 09:00", "2024-02-11 10:30", "2024-02-1x"], pa.string())) is None


@pytest.mark.parametrize("time", [" 25:61", " 24:00", " 09:60", " 10:3x", "T23", " 09:00:61", " 09:00 junk", "x"])
def test_a_date_whose_time_is_no_time_is_left_to_the_general_path(time: str) -> None:
    # A repeated day is no excuse: its time is checked on every row.
    assert iso_days(pa.array(["2025-03-04 10:00", "2025-03-04" + time], pa.string())) is None
