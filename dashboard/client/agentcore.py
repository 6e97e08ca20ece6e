"""The AgentCore backend: boto3 ``bedrock-agentcore`` ``invoke_agent_runtime`` on a deployed runtime ARN.

Throttling is retried by botocore's standard retry mode (exponential backoff with jitter, throttling errors
back off from 1 s); `Settings.max_attempts` is the total number of attempts. Point it at a local stand-in with
the standard ``AWS_ENDPOINT_URL_BEDROCK_AGENTCORE`` variable; nothing else changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ParamValidationError

from dashboard.aws_setup import setup_problem
from dashboard.client.base import AgentError, error_from_body
from dashboard.client.cohorts import RemoteAgentClient
from dashboard.client.encoding import encode_payload
from dashboard.client.sse import decode_events, merge_events
from dashboard.settings import BackendKind, Settings, SettingsError

if TYPE_CHECKING:
    from mypy_boto3_bedrock_agentcore import BedrockAgentCoreClient

MIN_SESSION_ID_LENGTH = 33


def _runtime_client(settings: Settings) -> BedrockAgentCoreClient:
    config = Config(
        retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
        read_timeout=settings.timeout_seconds,
        connect_timeout=5,
        max_pool_connections=max(10, settings.max_concurrency * 2),
    )
    try:
        return boto3.client("bedrock-agentcore", region_name=settings.aws_region, config=config)
    except (BotoCoreError, ValueError) as error:
        problem = setup_problem(
            error, region_variable="SEGMENT_AWS_REGION (or the region in SEGMENT_AGENT_RUNTIME_ARN)",
            endpoint_variable="AWS_ENDPOINT_URL_BEDROCK_AGENTCORE",
        )
        if problem is None:
            raise
        raise SettingsError(f"the AgentCore backend cannot be set up: {problem}") from error


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
        except NoCredentialsError as error:
            raise AgentError("no_credentials", "No AWS credentials found for the AgentCore backend: configure a "
                             "profile, role or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.", backend="arn") from error
        except (BotoCoreError, ParamValidationError) as error:
            raise AgentError("unreachable", f"Cannot invoke AgentCore runtime {self._arn}: {error}",
                             backend="arn") from error
        body = response["response"]
        status = response.get("statusCode", 200)
        if response.get("contentType", "").startswith("text/event-stream"):
            answer = merge_events(decode_events(body.iter_lines()))
        else:
            raw = body.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                raise AgentError("unexpected_answer", f"AgentCore runtime {self._arn} answered with something other "
                                 f"than JSON: {raw[:300]!r}", status=status, backend="arn") from None
        if status >= 400 or not isinstance(answer, dict) or "error" in answer:
            raise error_from_body(status, answer, "arn")
        return answer
