"""The runtime-URL backend: HTTP to `segment serve` or any AgentCore-compatible endpoint (POST /invocations)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx

from dashboard.client.base import AgentError, error_from_body
from dashboard.client.cohorts import RemoteAgentClient
from dashboard.client.encoding import encode_payload
from dashboard.client.sse import decode_events, merge_events
from dashboard.settings import BackendKind, Settings

logger = logging.getLogger(__name__)

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
# Busy or restarting runtimes answer these; anything else is final.
_RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
# A 503 that says so is the runtime's lasting state, not a busy moment: a free question without a working model
# (agent.handler) gets the same answer however often it is asked.
_FINAL_ERROR_CODES = frozenset({"model_unavailable"})
_BACKOFF_BASE_SECONDS = 0.25
_BACKOFF_MAX_SECONDS = 8.0


def _worth_retrying(response: httpx.Response) -> bool:
    """Whether the runtime was busy or restarting, unless its body names an error asking again cannot change."""
    if response.status_code not in _RETRYABLE_STATUS:
        return False
    if "json" not in response.headers.get("content-type", ""):
        return True
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):  # not JSON, or not an object
        return True
    return not (isinstance(error, dict) and error.get("code") in _FINAL_ERROR_CODES)


class RuntimeUrlClient(RemoteAgentClient):
    """Invokes an agent runtime over HTTP; one connection pool shared by the threads of a chunked cohort."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        if settings.runtime_url is None:
            raise ValueError("the url backend needs settings.runtime_url")
        self._url = settings.runtime_url
        self._attempts = settings.max_attempts
        self._http = httpx.Client(
            base_url=settings.runtime_url,
            timeout=httpx.Timeout(settings.timeout_seconds, connect=5.0),
            limits=httpx.Limits(max_connections=max(4, settings.max_concurrency * 2)),
            transport=transport,
        )

    @property
    def kind(self) -> BackendKind:
        return "url"

    @property
    def target(self) -> str:
        return self._url

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def invoke(self, payload: Mapping[str, Any], *, session_id: str) -> dict[str, Any]:
        """POST the payload to /invocations, retrying with backoff while the runtime is throttling or busy."""
        body = encode_payload(payload)
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            SESSION_HEADER: session_id,
        }
        for attempt in range(1, self._attempts + 1):
            response = self._post(body, headers)
            if not _worth_retrying(response) or attempt == self._attempts:
                return self._answer(response)
            delay = min(_BACKOFF_MAX_SECONDS, _BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
            logger.warning("agent runtime answered %s, retrying in %.2f s (attempt %s of %s)",
                           response.status_code, delay, attempt, self._attempts)
            time.sleep(delay)
        raise AssertionError("the loop returns on its last attempt")

    def _post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        try:
            return self._http.post("/invocations", content=body, headers=headers)
        except httpx.TimeoutException as error:
            raise AgentError("timeout", f"The agent runtime at {self._url} did not answer in time ({error}).",
                             backend="url") from error
        except httpx.TransportError as error:
            raise AgentError(
                "unreachable",
                f"Cannot reach the agent runtime at {self._url}: {error}. Is `segment serve` running there?",
                backend="url",
            ) from error

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("text/event-stream"):
            answer = merge_events(decode_events(response.iter_lines()))
            if response.is_success and "error" not in answer:
                return answer
            raise error_from_body(response.status_code, answer, "url")
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.is_success and isinstance(data, dict):
            return data
        if response.is_success:
            raise AgentError("unexpected_answer", f"The agent runtime at {self._url} answered with something other "
                             f"than a JSON object ({content_type or 'no content type'}).", backend="url")
        if data is None:
            raise AgentError("http_error", f"The agent runtime at {self._url} answered HTTP {response.status_code}: "
                             f"{response.text[:300]}", status=response.status_code, backend="url")
        raise error_from_body(response.status_code, data, "url")

