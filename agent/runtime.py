"""What one runtime process holds: its explainer, its assistant and its telemetry recorder.

Everything in it is built once, at start-up, and never changes afterwards; requests share nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent.assistant import Assistant
from agent.configure import assistant_from_env, explainer_from_env
from agent.explain.base import Explainer
from agent.explain.template import TemplateExplainer
from agent.handler import Reply, malformed_json, payload_too_large, respond
from agent.telemetry import NullRecorder, Recorder, recorder_from_env


@dataclass(frozen=True)
class Runtime:
    """The runtime's collaborators.

    Attributes:
        explainer: writes explanations (model with template fallback, or template only).
        assistant: answers free questions; None when no model is configured (they get a 503).
        recorder: receives one telemetry record per invocation.
    """

    explainer: Explainer
    assistant: Assistant | None
    recorder: Recorder

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, recorder: Recorder | None = None) -> Runtime:
        """The runtime the environment configures (model settings and telemetry).

        Raises:
            ModelConfigError: the model configuration is invalid (the process should not start).
        """
        return cls(explainer_from_env(env), assistant_from_env(env), recorder or recorder_from_env())

    @classmethod
    def offline(cls, recorder: Recorder | None = None) -> Runtime:
        """Template explanations, no assistant: no model and no network."""
        return cls(TemplateExplainer(), None, recorder or NullRecorder())

    def handle(self, payload: Any, request_id: str | None = None) -> Reply:
        """Answer one decoded payload (see `agent.handler.handle`); a new request id when None."""
        return respond(payload, request_id=request_id or str(uuid.uuid4()), explainer=self.explainer,
                       assistant=self.assistant, recorder=self.recorder)

    def reject_malformed(self, error: ValueError, request_id: str, started: float) -> Reply:
        """Answer a body that is not JSON; `started` is `time.perf_counter()` at its arrival."""
        return malformed_json(error, request_id=request_id, started=started, recorder=self.recorder)

    def reject_too_large(self, limit: int, request_id: str, started: float) -> Reply:
        """Answer a body larger than `limit` bytes; `started` is `time.perf_counter()` at its arrival."""
        return payload_too_large(limit, request_id=request_id, started=started, recorder=self.recorder)

    def close(self, timeout: float = 5.0) -> None:
        """Flush and stop the telemetry recorder (graceful shutdown)."""
        self.recorder.close(timeout)
