"""The in-process backend: the agent's own handler, called in this process (the embedded default).

Single payloads go to `agent.handler.handle`, the function the HTTP runtime serves; a whole cohort goes
through the rule engine's columnar path (see `dashboard.client.cohorts`), which answers the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from agent.handler import handle
from dashboard.client.base import AgentError, error_from_body
from dashboard.client.cohorts import CohortSegments, segment_in_process
from dashboard.settings import DEFAULT_CHUNK_MAX_BYTES, BackendKind
from rules.cohort.model import Cohort


class InProcessClient:
    """Calls `agent.handler.handle`, the same function the HTTP runtime serves, so answers are identical."""

    @property
    def kind(self) -> BackendKind:
        return "inprocess"

    @property
    def target(self) -> str:
        return "agent.handler.handle"

    def close(self) -> None:
        """Nothing to release."""

    def segment(
        self, cohort: Cohort, *, as_of: date, session_id: str, chunk_size: int, max_workers: int,
        chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES, on_progress: Callable[[int, int], None] | None = None,
    ) -> CohortSegments:
        """Segment a cohort with the rule engine's columnar path, in this process (see `dashboard.client.cohorts`)."""
        del session_id, chunk_size, max_workers, chunk_max_bytes  # one columnar pass: nothing to send, chunk or spread
        return segment_in_process(cohort, as_of=as_of, on_progress=on_progress)

    def invoke(self, payload: Mapping[str, Any], *, session_id: str) -> dict[str, Any]:
        """Run the handler on the payload; an error status becomes an AgentError with the handler's details."""
        try:
            reply = handle(dict(payload), request_id=str(uuid.uuid4()))
        except Exception as error:
            # The handler answers errors itself; reaching here is a bug in it, shown rather than crashing the page.
            raise AgentError("internal_error", f"The in-process agent failed: {type(error).__name__}: {error}",
                             backend="inprocess") from error
        if reply.status >= 400:
            raise error_from_body(reply.status, reply.body, "inprocess")
        return dict(reply.body)
