"""The in-process backend: the agent's own handler, called in this process (the embedded default)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from agent.handler import handle
from dashboard.client.base import AgentError, error_from_body
from dashboard.settings import BackendKind


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
