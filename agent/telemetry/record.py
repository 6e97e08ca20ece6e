"""What the runtime reports about each invocation, and the interface of whatever receives it.

The runtime builds one `InvocationRecord` per invocation and calls `Recorder.record` once, after the
response is ready. `record` must never raise and never block: a slow or failing metrics backend must not
fail or slow a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

Mode = Literal["customer", "cohort", "region", "prompt", "invalid"]
# model_unavailable: a free question the runtime could not answer without a working model (its 503).
Outcome = Literal["ok", "invalid_input", "malformed_json", "payload_too_large", "model_unavailable", "internal_error"]
ExplanationSource = Literal["model", "template", "none"]


@dataclass(frozen=True, slots=True)
class InvocationRecord:
    """One invocation, without any customer data.

    Attributes:
        mode: which payload kind it was.
        outcome: how it ended; anything but "ok" is an error of that class.
        duration_ms: time from request to response.
        explanation_source: who wrote the explanation.
        segments: dimension (e.g. "churnSegment") → segment code → customers assigned, summed over the
            customers of the invocation (one for a customer, many for a cohort).
    """

    mode: Mode
    outcome: Outcome
    duration_ms: float
    explanation_source: ExplanationSource = "none"
    segments: dict[str, dict[str, int]] = field(default_factory=dict)


class Recorder(Protocol):
    """Receives invocation records."""

    def record(self, record: InvocationRecord) -> None:
        """Take one record; never raises, never blocks."""

    def close(self, timeout: float = 5.0) -> None:
        """Flush what is queued and stop (called at graceful shutdown)."""


class NullRecorder:
    """Drops records: the recorder when metrics are switched off."""

    def record(self, record: InvocationRecord) -> None:
        """Drop the record."""

    def close(self, timeout: float = 5.0) -> None:
        """Nothing to flush."""
