"""Calendar days parsed from ISO dates or datetimes, the only date forms the JSON contract takes."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

import numpy as np
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from rules.errors import InvalidInput, Problem

DAY_ERROR = "expected an ISO date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM:SS)"

# The days a customer's dates may fall on, in a request as in a file: the cohort path holds days as datetime64[ns],
# which wraps before 1677-09-22, and no shop's customer signed up or bought before 1900.
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)

# The seed writes days as "2026-01-20" or as naive midnight datetimes "2026-01-20T00:00:00". For exactly these
# forms pydantic-core's own date parser gives the same day as `parse_day`, without a call into Python.
_PLAIN_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T00:00:00)?$"
_ISO_SHAPED = re.compile(r"(?P<date>(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2}))(?:$|[T ])")


def parse_day(value: Any) -> date:
    """The calendar day of an ISO date or datetime (aware datetimes are taken in UTC).

    Raises:
        ValueError: the value is not an ISO date or datetime; for one shaped like it whose day is not in the
            calendar (2026-02-30), the message says so.
    """
    if isinstance(value, datetime):
        return _day_of(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else _day_of(datetime.fromisoformat(text))
        except ValueError:
            raise ValueError(_no_such_day(text) or DAY_ERROR) from None
    raise ValueError(DAY_ERROR)


def _no_such_day(text: str) -> str:
    """Why an ISO-shaped day such as 2026-02-30 is none ("" when the text is not ISO-shaped or the day exists)."""
    shaped = _ISO_SHAPED.match(text)
    if shaped is None or int(shaped["year"]) < 1:
        return ""
    year, month, day = int(shaped["year"]), int(shaped["month"]), int(shaped["day"])
    if not 1 <= month <= 12:
        return f"{shaped['date']} is no day: there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{shaped['date']} is no day: {calendar.month_name[month]} {year} has {days} days"
    return ""


def _day_of(moment: datetime) -> date:
    try:
        return moment.astimezone(UTC).date() if moment.tzinfo is not None else moment.date()
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is a day before year 1 in UTC
        raise ValueError(DAY_ERROR + ", whose day in UTC is within years 1 to 9999") from None


AsOf = date | str | np.datetime64 | None
"""What an API caller may give as the as-of day (`as_of_day`); a datetime or pandas Timestamp is a date."""


def as_of_day(value: object, field: str = "as_of") -> date:
    """The as-of day an API caller gives: None (today in UTC), a date, a datetime or pandas Timestamp (its day;
    aware ones in UTC, as for the JSON contract), a numpy datetime64, or an ISO date text.

    Raises:
        InvalidInput: the value is none of these; the problem names ``field`` and the value.
    """
    if type(value) is date:  # the common case first: analyze_customer runs once per customer
        return value
    if value is None:
        return today_utc()
    if isinstance(value, np.datetime64) and not np.isnat(value):
        value = value.astype("datetime64[D]").item()
    try:
        day = parse_day(value)
    except (ValueError, OverflowError):
        day = None
    if day is None or day != day:  # pandas' NaT is a datetime too, and not equal to itself
        raise InvalidInput([Problem(field, DAY_ERROR, value)])
    return day


def today_utc() -> date:
    """Today's calendar day in UTC: the as-of day when a caller gives none."""
    return datetime.now(UTC).date()


def response_timestamp() -> str:
    """A response's ``timestamp`` as the seed writes it: now in UTC, without an offset, to the microsecond
    (``2026-02-12T11:17:58.004912``); callers of the seed parse that form."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


class _IsoDay:
    """Pydantic validation of a `Day`: the same answers and error as `parse_day`, faster for the seed's forms,
    and a day from `EARLIEST` to `LATEST`.

    Plain days and naive midnights go through pydantic-core's date parser (no Python call per value); every
    other input (other times, time zones, date objects, spaces) goes through `parse_day`. Aware midnights take
    the slow path on purpose: `parse_day` moves them to their UTC day, pydantic-core would not.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        plain_day = core_schema.chain_schema(
            [core_schema.str_schema(strict=True, pattern=_PLAIN_DAY), core_schema.date_schema()]
        )
        any_day = core_schema.no_info_plain_validator_function(parse_day)
        iso_day = core_schema.union_schema(
            [plain_day, any_day], mode="left_to_right", custom_error_type="iso_day",
            custom_error_message=DAY_ERROR,
        )
        # Checked by pydantic-core (no Python call), each side with its own message.
        not_before = core_schema.custom_error_schema(
            core_schema.date_schema(ge=EARLIEST), "day_too_early",
            custom_error_message=f"is before {EARLIEST.isoformat()}, the earliest day taken")
        not_after = core_schema.custom_error_schema(
            core_schema.date_schema(le=LATEST), "day_too_late",
            custom_error_message=f"is after {LATEST.isoformat()}, the latest day taken")
        return core_schema.chain_schema([iso_day, not_before, not_after])

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(core_schema.date_schema())


Day = Annotated[date, _IsoDay]
