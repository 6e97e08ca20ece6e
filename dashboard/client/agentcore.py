"""The AgentCore backend: boto3 ``bedrock-agentcore`` ``invoke_agent_runtime`` on a deployed runtime ARN.

Throttling is retried by botocore's standard retry mode (exponential backoff with jitter, throttling errors
back off from 1 s); `Settings.max_attempts` is the total number of attempts. A read timeout is final, as in the
URL backend: the runtime is still working on the invocation, so sending it again would run it twice. Point it at
a local stand-in with the standard ``AWS_ENDPOINT_URL_BEDROCK_AGENTCORE`` variable; nothing else changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ParamValidationError, ReadTimeoutError

from dashboard.aws_setup import setup_problem
from dashboard.client.base import AgentError, error_from_body
from dashboard.client.cohorts import RemoteAgentClient
from dashboard.client.encoding import encode_payload
from dashboard.client.sse import decode_events, merge_events
from dashboard.settings import BackendKind, Settings, SettingsError

if TYPE_CHECKING:
    from mypy_boto3_bedrock_agentcore import BedrockAgentCoreClient

MIN_SESSION_ID_LENGTH = 33
_INVOKE_NEEDS_RETRY = "needs-retry.bedrock-agentcore.InvokeAgentRuntime"


def _read_timeout_is_final(caught_exception: Exception | None = None, **_: Any) -> None:
    """Stop botocore's standard mode from retrying a read timeout of an invocation.

    Standard mode retries it like a dropped connection, but the runtime is still working on the first request:
    each retry would run the chunk again in the same session (or bill a model's question again), and the user
    would wait `max_attempts` timeouts. botocore asks this more specific event's handlers before its own retry
    handler, and raising here ends the call with the timeout.
    """
    if isinstance(caught_exception, ReadTimeoutError):
        raise caught_exception


def _runtime_client(settings: Settings) -> BedrockAgentCoreClient:
    config = Config(
        retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
        read_timeout=settings.timeout_seconds,
        connect_timeout=5,
        max_pool_connections=max(10, settings.max_concurrency * 2),
    )
    try:
        client = boto3.client("bedrock-agentcore", region_name=settings.aws_region, config=config)
    except (BotoCoreError, ValueError) as error:
        problem = setup_problem(
            error, region_variable="SEGMENT_AWS_REGION (or the region in SEGMENT_AGENT_RUNTIME_ARN)",
            endpoint_variable="AWS_ENDPOINT_URL_BEDROCK_AGENTCORE",
        )
        if problem is None:
            raise
        raise SettingsError(f"the AgentCore backend cannot be set up: {problem}") from error
    client.meta.events.register(_INVOKE_NEEDS_RETRY, _read_timeout_is_final)
    return client


class AgentCoreClient(RemoteAgentClient):
    """Invokes a deployed AgentCore runtime. boto3 clients are thread-safe, so one serves every chunk."""

    def __init__(self, settings: Settings) -> None:
        """Build the boto3 client.

        Raises:
            SettingsError: the AWS configuration cannot make a client (a missing profile, a malformed or no region,
                an endpoint URL without its scheme); the message says what to set.
        """
        if settings.agent_runtime_arn is None:
            raise ValueError("the arn backend needs settings.agent_runtime_arn")
        self._arn = settings.agent_runtime_arn
        self._qualifier = settings.qualifier
        self._timeout_seconds = settings.timeout_seconds
        self._client = _runtime_client(settings)

    @property
    def kind(self) -> BackendKind:
        return "arn"

    @property
    def target(self) -> str:
        return self._arn

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def invoke(self, payload: Mapping[str, Any], *, session_id: str) -> dict[str, Any]:
        """Invoke the runtime with one JSON payload; reads JSON and event-stream answers alike."""
        if len(session_id) < MIN_SESSION_ID_LENGTH:
            raise ValueError(f"runtimeSessionId must have at least {MIN_SESSION_ID_LENGTH} characters")
        try:
            response = self._client.invoke_agent_runtime(
                agentRuntimeArn=self._arn,
                qualifier=self._qualifier,
                runtimeSessionId=session_id,
                payload=encode_payload(payload),
                contentType="application/json",
                accept="application/json, text/event-stream",
            )
            status = response.get("statusCode", 200)
            answer = self._read_answer(response, status)
        except ClientError as error:
            info = error.response.get("Error", {})
            meta = error.response.get("ResponseMetadata", {})
            attempts = meta.get("RetryAttempts", 0)
            retried = f" (after {attempts + 1} attempts)" if attempts else ""
            raise AgentError(
                info.get("Code", "ClientError"),
                f"AgentCore runtime {self._arn} refused the invocation{retried}: {info.get('Message', error)}",
                status=meta.get("HTTPStatusCode"), request_id=meta.get("RequestId"), backend="arn",
            ) from error
        except ReadTimeoutError as error:  # before the answer began, or while it was read
            raise AgentError("timeout", f"AgentCore runtime {self._arn} did not answer within "
                             f"{self._timeout_seconds:g} s (SEGMENT_TIMEOUT_SECONDS); it was not sent again.",
                             backend="arn") from error
        except NoCredentialsError as error:
            raise AgentError("no_credentials", "No AWS credentials found for the AgentCore backend: configure a "
                             "profile, role or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.", backend="arn") from error
        except (BotoCoreError, ParamValidationError) as error:
            raise AgentError("unreachable", f"Cannot invoke AgentCore runtime {self._arn}: {error}",
                             backend="arn") from error
        if status >= 400 or not isinstance(answer, dict) or "error" in answer:
            raise error_from_body(status, answer, "arn")
        return answer

    def _read_answer(self, response: Mapping[str, Any], status: int) -> Any:
        """The decoded answer: the streamed body is read only after the call returned, so reading can fail too.

        Raises:
            ReadTimeoutError: the body stopped arriving for longer than the read timeout.
            AgentError: the connection broke before the whole body arrived, or the body is not JSON.
        """
        body = response["response"]
        try:
            if response.get("contentType", "").startswith("text/event-stream"):
                return merge_events(decode_events(body.iter_lines()))
            raw = body.read()
        except ReadTimeoutError:
            raise
        except BotoCoreError as error:  # ResponseStreamingError, IncompleteReadError
            raise AgentError("unreachable", f"The answer of AgentCore runtime {self._arn} broke off: {error}",
                             status=status, backend="arn") from error
        try:
            return json.loads(raw)
        except ValueError:
            raise AgentError("unexpected_answer", f"AgentCore runtime {self._arn} answered with something other "
                             f"than JSON: {raw[:300]!r}", status=status, backend="arn") from None

