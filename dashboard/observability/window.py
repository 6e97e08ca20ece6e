"""The time window of the charts: a range ending now, cut into periods aligned to the period's boundaries.

CloudWatch (and moto) start their buckets at StartTime, so StartTime is aligned to a multiple of the period;
otherwise one minute of data would straddle two buckets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

RANGES: Final[dict[str, timedelta]] = {
    "15 minutes": timedelta(minutes=15),
    "1 hour": timedelta(hours=1),
    "3 hours": timedelta(hours=3),
    "12 hours": timedelta(hours=12),
    "1 day": timedelta(days=1),
    "1 week": timedelta(weeks=1),
}

PERIODS: Final[dict[str, int]] = {
    "1 minute": 60,
    "5 minutes": 300,
    "15 minutes": 900,
    "1 hour": 3600,
    "1 day": 86_400,
}

# GetMetricData returns at most 100,800 data points per call; with some 60 series a window stays below that
# at 1,440 points per series, and a chart with more points than pixels shows nothing more anyway.
MAX_POINTS_PER_SERIES: Final = 1440


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A GetMetricData window: [start, end) in UTC, in buckets of `period_seconds`."""

    start: datetime
    end: datetime
    period_seconds: int

    @property
    def points(self) -> int:
        """Buckets in the window."""
        return math.ceil((self.end - self.start).total_seconds() / self.period_seconds)


def coarsest_needed_period(span: timedelta, period_seconds: int) -> int:
    """`period_seconds`, or the smallest listed period that keeps the window under the point limit."""
    for period in sorted({period_seconds, *PERIODS.values()}):
        if period >= period_seconds and span.total_seconds() / period <= MAX_POINTS_PER_SERIES:
            return period
    return max(PERIODS.values())


def time_window(now: datetime, span: timedelta, period_seconds: int) -> TimeWindow:
    """The window of `span` that ends with the period containing `now`.

    Args:
        now: the current time (timezone-aware).
        span: how far back to look.
        period_seconds: the bucket size; raised to keep the window under `MAX_POINTS_PER_SERIES`.

    Raises:
        ValueError: `now` is naive, or the span or period is not positive.
    """
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
    if span <= timedelta(0) or period_seconds <= 0:
        raise ValueError(f"span and period must be positive, got {span} and {period_seconds} s")
    period = coarsest_needed_period(span, period_seconds)
    epoch = now.astimezone(UTC).timestamp()
    end = (math.floor(epoch / period) + 1) * period
    start = end - math.ceil(span.total_seconds() / period) * period
    return TimeWindow(
        start=datetime.fromtimestamp(start, tz=UTC),
        end=datetime.fromtimestamp(end, tz=UTC),
        period_seconds=period,
    )
