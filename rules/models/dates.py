"""Calendar days parsed from ISO dates or datetimes, the only date forms the JSON contract takes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator


def parse_day(value: Any) -> date:
    """The calendar day of an ISO date or datetime (aware datetimes are taken in UTC).

    Raises:
        ValueError: the value is not an ISO date or datetime.
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
            pass
    raise ValueError("expected an ISO date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM:SS)")


def _day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date() if moment.tzinfo is not None else moment.date()


def today_utc() -> date:
    """Today's calendar day in UTC: the as-of day when a caller gives none."""
    return datetime.now(UTC).date()


Day = Annotated[date, BeforeValidator(parse_day)]
