"""A warning logged at most once per interval, counting what happened in between."""

from __future__ import annotations

import logging

import pytest

from agent.telemetry.throttled_log import ThrottledWarning


def test_occurrences_between_lines_are_counted_into_the_next_line(caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    log = logging.getLogger("tests.throttled")
    warning = ThrottledWarning(
        log, "dropped %d (%s)", interval_seconds=60, event="metrics_dropped", clock=lambda: now[0]
    )
    caplog.set_level(logging.WARNING, logger="tests.throttled")

    logged = [warning.note(1, "queue_full")]
    for _ in range(4):
        now[0] += 10
        logged.append(warning.note(2, "queue_full"))
    now[0] += 30  # 70 s after the first line
    logged.append(warning.note(1, "closed"))

    assert logged == [True, False, False, False, False, True]
    assert [r.getMessage() for r in caplog.records] == ["dropped 1 (queue_full)", "dropped 9 (closed)"]
    assert {getattr(r, "event", None) for r in caplog.records} == {"metrics_dropped"}
