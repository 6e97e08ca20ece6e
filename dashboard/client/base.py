"""The one interface every agent backend implements, and the one error they all raise."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from dashboard.settings import DEFAULT_CHUNK_MAX_BYTES, BackendKind

if TYPE_CHECKING:
    from dashboard.client.cohorts import CohortSegments
    from rules.cohort.model import Cohort


class AgentError(Exception):
    """The agent could not answer: unreachable, throttled, rejected the input, or failed.

    Attributes:
        code: a short machine-readable class, e.g. ``invalid_input``, ``unreachable``, ``ThrottlingException``.
        message: what went wrong, in words, naming the endpoint where that helps.
        details: located problems ``{"loc", "msg", "input"}`` when the agent listed them.
        status: the HTTP status when there was one.
        request_id: the agent's request id, to find its logs.
        backend: which backend raised it (``inprocess``, ``url``, ``arn``).
        payload_index: for a batch of invocations, which payload failed.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: tuple[Mapping[str, Any], ...] = (),
        status: int | None = None,
        request_id: str | None = None,
        backend: BackendKind | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.status = status
        self.request_id = request_id
        self.backend = backend
        self.payload_index: int | None = None


class AgentClient(Protocol):
    """Sends one payload to the agent and returns its JSON answer.

    Payloads are the agent's documented kinds (``customerData``, ``cohort``, ``region``, ``prompt``); every
    backend returns the same answer for the same payload.
    """

    @property
    def kind(self) -> BackendKind:
        """Which backend this is."""

    @property
    def target(self) -> str:
        """What it talks to, for people: the handler, the URL or the ARN."""

    def invoke(self, payload: Mapping[str, Any], *, session_id: str) -> dict[str, Any]:
        """Send one payload.

        Args:
            payload: the JSON payload.
            session_id: the dashboard session's id (at least 33 characters), so the agent's sessions and
                logs follow the user's session.

        Raises:
            AgentError: the agent did not answer with a result.
        """

    def segment(
        self, cohort: Cohort, *, as_of: date, session_id: str, chunk_size: int, max_workers: int,
        chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES, on_progress: Callable[[int, int], None] | None = None,
    ) -> CohortSegments:
        """Segment a whole cohort (see `dashboard.client.cohorts`), reporting (done, total) as it goes; a remote
        backend sends payloads of at most `chunk_size` customers and `chunk_max_bytes` bytes.

        Raises:
            AgentError: the agent could not segment the cohort.
        """


def error_from_body(status: int | None, body: Any, backend: BackendKind) -> AgentError:
    """The AgentError for an error answer, in either shape the runtime uses.

    The agent's own errors are ``{"error": {"code", "message", "details"}, "requestId"}``; the AgentCore SDK
    answers framework errors (malformed JSON, a crash it caught) as ``{"error": "text", "details": "text"}``.
    """
    request_id = body.get("requestId") if isinstance(body, dict) else None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        details = error.get("details")
        return AgentError(
            str(error.get("code") or "error"),
            str(error.get("message") or f"the agent answered HTTP {status}"),
            details=tuple(d for d in details if isinstance(d, dict)) if isinstance(details, list) else (),
            status=status,
            request_id=str(request_id) if request_id else None,
            backend=backend,
        )
    if isinstance(error, str):
        extra = body.get("details") if isinstance(body, dict) else None
        message = f"{error}: {extra}" if isinstance(extra, str) and extra else error
        return AgentError("runtime_error", message, status=status, backend=backend)
    return AgentError(
        "unexpected_answer", f"the agent answered HTTP {status} without an error object: {str(body)[:300]}",
        status=status, backend=backend,
    )
