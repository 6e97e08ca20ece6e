"""A read cohort segmented by the agent: seed customers out of the cohort, analyses back as a table.

This is what the Cohort page does after reading a file, without Streamlit, so the benchmark times exactly
the page's path.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import pandas as pd

from agent.cohort import MAX_COHORT_CUSTOMERS
from dashboard.client import AgentClient
from dashboard.client.batch import Progress
from dashboard.settings import Settings
from rules.cohort.model import Cohort


@dataclass(frozen=True)
class SegmentedCohort:
    """A cohort's segments as the agent answered them.

    Attributes:
        frame: the results table (`dashboard.results`), one row per customer in the cohort's order.
        as_of: the day the segments are for.
        backend: which backend answered.
        invocations: how many agent invocations it took (0: the in-process columnar engine).
        seconds: how long the agent took, end to end.
    """

    frame: pd.DataFrame
    as_of: date
    backend: str
    invocations: int
    seconds: float


def chunk_size(settings: Settings) -> int:
    """Customers per cohort invocation: the configured size, capped by the agent's documented maximum."""
    return min(settings.chunk_size or MAX_COHORT_CUSTOMERS, MAX_COHORT_CUSTOMERS)


def segment_with_agent(
    cohort: Cohort, client: AgentClient, settings: Settings, *, as_of: date, session_id: str,
    on_progress: Progress | None = None,
) -> SegmentedCohort:
    """Segment every customer of the cohort with the configured backend (see `dashboard.client.cohorts`).

    Raises:
        AgentError: a customer is too large for one invocation (``payload_too_large``, before anything is sent),
            or the agent could not segment a chunk (the error names the customer when it can).
    """
    started = time.perf_counter()
    segments = client.segment(cohort, as_of=as_of, session_id=session_id, chunk_size=chunk_size(settings),
                              max_workers=settings.max_concurrency, chunk_max_bytes=settings.chunk_max_bytes,
                              on_progress=on_progress)
    return SegmentedCohort(segments.frame, as_of, client.kind, segments.invocations, time.perf_counter() - started)
