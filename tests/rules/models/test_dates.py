"""ISO days: pydantic validation of `Day` gives exactly what `parse_day` gives, and the same error."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter, ValidationError

from rules.errors import InvalidInput
from rules.models.dates import DAY_ERROR, EARLIEST, LATEST, Day, as_of_day, parse_day
from rules.models.request import ProductLine

DAY = TypeAdapter(Day)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-01-20", date(2026, 1, 20)),
        ("2026-01-20T00:00:00", date(2026, 1, 20)),             # the seed's own form
        (" 2026-01-20 ", date(2026, 1, 20)),
        ("2026-01-20T23:30:00", date(2026, 1, 20)),
        ("2026-01-20T23:30:00-03:00", date(2026, 1, 21)),       # 02:30 UTC the next day
        ("2026-01-20T00:00:00+03:00", date(2026, 1, 19)),       # an aware midnight is a UTC day too
        ("2026-01-20T00:00:00Z", date(2026, 1, 20)),
        ("2026-01-20T00:00:00.000", date(2026, 1, 20)),
        (date(2026, 1, 20), date(2026, 1, 20)),
        (datetime(2026, 1, 20, 22, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 1, 21)),
        (datetime(2026, 1, 20, 1, 0, tzinfo=UTC), date(2026, 1, 20)),
    ],
)
def test_day_is_the_calendar_day_parse_day_gives(value: Any, day: date) -> None:
    assert parse_day(value) == day
    assert DAY.validate_python(value) == day


@pytest.mark.parametrize("value", ["20/01/2026", "2026-02-30", "2026-13-01", "0000-01-01", "", "today", 20260120,
                                   1.5, None, ["2026-01-20"]])
def test_anything_else_is_rejected_with_one_clear_message(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        DAY.validate_python(value)

    assert [(e["msg"], e["input"]) for e in caught.value.errors()] == [(DAY_ERROR, value)]
    with pytest.raises(ValueError, match=r"expected an ISO date|is no day"):
        parse_day(value)


@pytest.mark.parametrize(("text", "message"), [
    ("2026-02-30", "2026-02-30 is no day: February 2026 has 28 days"),
    ("2024-04-31T10:00:00", "2024-04-31 is no day: April 2024 has 30 days"),
    ("2026-13-01", "2026-13-01 is no day: there is no month 13"),
    ("2026-02-12T25:00", DAY_ERROR),
    ("0000-01-01", DAY_ERROR),
])
def test_parse_day_says_when_an_iso_shaped_day_is_not_in_the_calendar(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        parse_day(text)

    assert str(caught.value) == message


def test_json_schema_still_says_a_date_string() -> None:
    schema = TypeAdapter(ProductLine).json_schema(by_alias=True)["properties"]["lastPurchase"]

    assert {k: schema[k] for k in ("type", "format")} == {"type": "string", "format": "date"}


@pytest.mark.parametrize(
    "value",
    [date(2026, 2, 12), datetime(2026, 2, 12, 9, 30), datetime(2026, 2, 12, 23, 30, tzinfo=timezone(timedelta(hours=-2))
                                                                ) - timedelta(hours=2),
     pd.Timestamp("2026-02-12 18:00"), np.datetime64("2026-02-12"), np.datetime64("2026-02-12T07:00"), "2026-02-12",
     " 2026-02-12T10:00:00 "],
    ids=["date", "datetime", "aware datetime", "Timestamp", "datetime64 day", "datetime64 minute", "ISO text",
         "ISO datetime text"],
)
def test_an_as_of_day_may_be_any_common_form_of_a_day(value: Any) -> None:
    assert as_of_day(value) == date(2026, 2, 12)


def test_no_as_of_day_is_today_in_utc() -> None:
    assert as_of_day(None) == datetime.now(UTC).date()


@pytest.mark.parametrize("value", ["12.02.2026", "yesterday", 20260212, np.datetime64("NaT"), pd.NaT, [2026, 2, 12]])
def test_anything_else_as_the_as_of_day_is_a_problem_naming_it(value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        as_of_day(value, "asOf")

    [problem] = caught.value.problems
    assert (problem.loc, problem.msg) == ("asOf", DAY_ERROR)
    assert problem.input is value


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00",
                                   datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))])
def test_a_zoned_moment_whose_utc_day_is_outside_the_calendar_is_not_a_day(value: Any) -> None:
    with pytest.raises(ValueError, match=r"^expected an ISO date"):
        parse_day(value)
    with pytest.raises(ValidationError):
        DAY.validate_python(value)


@pytest.mark.parametrize(("value", "message"), [
    ("1899-12-31", "is before 1900-01-01, the earliest day taken"),
    ("1600-01-01T00:00:00", "is before 1900-01-01, the earliest day taken"),
    ("0001-01-01", "is before 1900-01-01, the earliest day taken"),
    ("2101-01-01", "is after 2100-12-31, the latest day taken"),
    (date(9999, 12, 31), "is after 2100-12-31, the latest day taken"),
])
def test_a_day_outside_the_days_a_file_may_hold_is_refused(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DAY.validate_python(value)

    assert [e["msg"] for e in caught.value.errors()] == [message]


def test_the_first_and_last_days_taken_are_days() -> None:
    assert [DAY.validate_python(day) for day in ("1900-01-01", "2100-12-31T00:00:00")] == [EARLIEST, LATEST]
