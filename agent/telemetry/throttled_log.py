"""A warning that is logged at most once per interval, with a count of what happened in between.

A metrics backend that is down fails on every flush and drops records on every request; logging each one
would flood the logs that are needed to diagnose it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class ThrottledWarning:
    """Logs a warning at most once per `interval_seconds`; the occurrences in between are counted.

    Args:
        logger: where to log.
        message: a %-style format with one ``%d`` placeholder for the number of occurrences, followed by
            the placeholders of the arguments given to `note`.
        interval_seconds: the minimum time between two log lines.
        event: the ``event`` field of the structured log line.
        clock: monotonic seconds (replaceable in tests).
    """

    def __init__(
        self,
        logger: logging.Logger,
        message: str,
        interval_seconds: float = 60.0,
        event: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._extra = {"event": event} if event else None
        self._logger = logger
        self._message = message
        self._interval = interval_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._pending = 0
        self._last_logged: float | None = None

    def note(self, count: int = 1, *args: object) -> bool:
        """Count `count` occurrences; log them if the interval since the last line has passed.

        Returns:
            Whether a line was logged.
        """
        with self._lock:
            self._pending += count
            now = self._clock()
            if self._last_logged is not None and now - self._last_logged < self._interval:
                return False
            pending, self._pending, self._last_logged = self._pending, 0, now
        self._logger.warning(self._message, pending, *args, extra=self._extra)
        return True
