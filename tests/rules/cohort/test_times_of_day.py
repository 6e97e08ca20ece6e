"""A time of day after a date is checked: a time that is no time (25:61) is told, in the compiled pass or after."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.times_of_day import TIME_OF_DAY, times_of_day_ok


def test_each_value_is_a_date_alone_or_with_a_real_time() -> None:
    texts = ["2025-03-04", "2025-03-04 10:30", "2025-03-04T10:30:00.123Z", "04.03.2025 10:30:00+03:00", None,
             "3/4/2025 8:26 AM", "04.03.2025 10.30", "2025-03-04 9:05", "2025-03-04 ",
             "2025-03-04 25:61", "2025-03-04 10:3x", "3/4/2025 13:05 AM", "2025-03-04 (Salı)", "2025-03-04T24:00",
             "2025-03-04 10:30 junk"]

    assert times_of_day_ok(pa.array(texts)).tolist() == [True] * 9 + [False] * 6


def test_a_24_hour_clock_with_a_redundant_am_or_pm_is_a_time_as_magento_writes_it() -> None:
    # Magento's grid export formats dates as PHP's "M j, Y H:i:s A": a 24-hour clock, then AM or PM.
    texts = ["2026-01-05 14:15:33 PM", "2026-01-05 12:00:00 PM", "2026-01-05 00:05:00 AM", "2026-01-05 23:59 pm",
             "2026-01-05 13:05 AM", "2026-01-05 00:05 PM", "2026-01-05 24:00 PM"]

    assert times_of_day_ok(pa.array(texts)).tolist() == [True, True, True, True, False, False, False]


TIME_TEXT = st.text("0123456789:.+-TZ APM", max_size=16)


@settings(max_examples=400, deadline=None)
@given(st.lists(TIME_TEXT, min_size=1, max_size=6))
def test_the_compiled_pass_agrees_with_the_general_form(times: list[str]) -> None:
    texts = ["2025-03-04" + (" " + time if time else "") for time in times]
    general = re.compile(rf"^[^ T]*(?:\s*|[ T]\s*{TIME_OF_DAY}\s*)$")

    assert times_of_day_ok(pa.array(texts)).tolist() == [bool(general.match(text)) for text in texts]


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_a_slice_of_either_text_type_checks_its_own_rows(kind: pa.DataType) -> None:
    texts = pa.array(["2025-03-04 99:99", "2025-03-04 10:00", None, "2025-03-04 10:61"], kind).slice(1)

    assert times_of_day_ok(texts).tolist() == [True, True, False]
