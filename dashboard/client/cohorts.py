"""A whole cohort segmented by a backend, each the best way it can, with the same answers.

- In process, the rule engine's columnar `segment_cohort` runs on the cohort's tables directly: no JSON, no
  per-customer loop. Its rows are, by the engine's own property test, what `analyze_customer` (which the
  agent's handler runs) answers for each customer.
- Remote backends get cohort payloads of at most the agent's batch size and the configured bytes (below the
  runtime's body limit), several in flight; a customer whose region is outside the reference table goes as a
  customerData payload carrying the cohort's median basket for that region, the same median the columnar
  engine uses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from dashboard.client.base import AgentClient, AgentError
from dashboard.client.batch import Progress
from dashboard.client.calls import segment_customer_data
from dashboard.results import from_columnar, results_frame
from dashboard.settings import DEFAULT_CHUNK_MAX_BYTES, BackendKind
from rules import InvalidInput
from rules.cohort.model import Cohort
from rules.cohort.segment import cohort_region_medians, segment_cohort


@dataclass(frozen=True)
class CohortSegments:
    """A cohort's results table (`dashboard.results`) and how many agent invocations it took (0 in process)."""

    frame: pd.DataFrame
    invocations: int


def segment_in_process(cohort: Cohort, *, as_of: date, on_progress: Progress | None = None) -> CohortSegments:
    """The columnar rule engine on the cohort's tables.

    Raises:
        AgentError: the cohort breaks a rule of the request model (``invalid_input``, every problem located).
    """
    if on_progress is not None:
        on_progress(0, 1)
    try:
        frame = from_columnar(segment_cohort(cohort, as_of))
    except InvalidInput as error:
        raise _located(error, "inprocess") from error
    if on_progress is not None:
        on_progress(1, 1)
    return CohortSegments(frame, 0)


def _located(error: InvalidInput, backend: BackendKind) -> AgentError:
    """The agent's ``invalid_input`` answer for a cohort the rule engine refused, every problem located."""
    return AgentError("invalid_input", f"the cohort has {len(error.problems)} problem(s); see details",
                      details=tuple(p.as_dict() for p in error.problems), backend=backend)


def segment_remotely(
    client: AgentClient, cohort: Cohort, *, as_of: date, session_id: str, chunk_size: int, max_workers: int,
    chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES, on_progress: Progress | None = None,
) -> CohortSegments:
    """Chunked invocations of a remote agent: at most `chunk_size` customers and `chunk_max_bytes` bytes each.

    Raises:
        AgentError: before anything is sent, the cohort breaks a rule of the request model (``invalid_input``,
            every problem located, as in process) or a customer is larger than `chunk_max_bytes` alone
            (``payload_too_large``, naming it); or an invocation failed (its problems name the customer).
    """
    try:
        medians = cohort_region_medians(cohort, as_of)
    except InvalidInput as error:
        raise _located(error, client.kind) from error
    answer = segment_customer_data(client, list(cohort.iter_customer_data(medians)), as_of=as_of,
                                   session_id=session_id, chunk_size=chunk_size, max_workers=max_workers,
                                   chunk_max_bytes=chunk_max_bytes, on_progress=on_progress)
    return CohortSegments(results_frame(answer.analyses), answer.invocations)


class RemoteAgentClient(ABC):
    """A backend that reaches the agent over the network: a cohort goes as chunked invocations."""

    @property
    @abstractmethod
    def kind(self) -> BackendKind:
        """Which backend this is."""

    @property
    @abstractmethod
    def target(self) -> str:
        """What it talks to, for people."""

    @abstractmethod
    def invoke(self, payload: Mapping[str, Any], *, session_id: str) -> dict[str, Any]:
        """Send one payload (see `AgentClient.invoke`)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    def segment(
        self, cohort: Cohort, *, as_of: date, session_id: str, chunk_size: int, max_workers: int,
        chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES, on_progress: Progress | None = None,
    ) -> CohortSegments:
        """Segment a cohort in chunked invocations (see `segment_remotely`)."""
        return segment_remotely(self, cohort, as_of=as_of, session_id=session_id, chunk_size=chunk_size,
                                max_workers=max_workers, chunk_max_bytes=chunk_max_bytes, on_progress=on_progress)
