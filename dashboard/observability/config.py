"""Where the Observability page reads metrics from, and what is missing when it cannot.

| variable | meaning | default |
| --- | --- | --- |
| SEGMENT_METRICS_NAMESPACE | the runtime's CloudWatch namespace (the runtime reads it too) | ``CustomerSegmentAgent`` |
| SEGMENT_AGENT_RUNTIME_ARN | a deployed AgentCore runtime: also chart its built-in metrics | |
| SEGMENT_AGENT_QUALIFIER | that runtime's endpoint | ``DEFAULT`` |
| AWS_REGION / AWS_DEFAULT_REGION | CloudWatch's region | the region in the runtime ARN |
| AWS_ENDPOINT_URL_CLOUDWATCH | a local CloudWatch endpoint (``make run`` starts one) | real CloudWatch |

Credentials come from boto3's standard chain (environment, profile, container or instance role).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from agent.telemetry.config import MetricsConfigError, namespace_from_env

_ARN_PREFIX: Final = "arn:aws:bedrock-agentcore:"

OFFLINE_HINT: Final = (
    "Offline: `make run` starts a local CloudWatch endpoint (moto) and sets AWS_ENDPOINT_URL_CLOUDWATCH, "
    "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION for the runtime and the dashboard. "
    "Against AWS: set AWS_REGION and credentials (AWS_PROFILE, or the role of the host), and optionally "
    "SEGMENT_AGENT_RUNTIME_ARN for AgentCore's own runtime metrics."
)


class ObservabilityConfigError(ValueError):
    """A setting of the Observability page is invalid; the message names the variable and the value."""


@dataclass(frozen=True, slots=True)
class ObservabilityConfig:
    """Where the metrics are.

    Attributes:
        namespace: the runtime's CloudWatch namespace.
        region: CloudWatch's region, if known.
        endpoint_url: a local CloudWatch endpoint, if one is configured (shown on the page).
        runtime_arn: a deployed AgentCore runtime whose built-in metrics are charted too.
        qualifier: that runtime's endpoint name.
    """

    namespace: str
    region: str | None = None
    endpoint_url: str | None = None
    runtime_arn: str | None = None
    qualifier: str = "DEFAULT"

    @property
    def runtime_name(self) -> str | None:
        """The runtime's name: its id without the suffix AgentCore appends (names cannot contain "-")."""
        if self.runtime_arn is None:
            return None
        runtime_id = self.runtime_arn.rsplit("runtime/", 1)[-1]
        return runtime_id.rsplit("-", 1)[0]


def load_observability_config(env: Mapping[str, str], default_region: str | None = None) -> ObservabilityConfig:
    """Read the page's settings.

    Args:
        env: the environment, e.g. ``os.environ``.
        default_region: the region boto3 would use (from a profile), when the environment names none.

    Raises:
        ObservabilityConfigError: a value is invalid.
    """

    def get(name: str) -> str | None:
        return env.get(name, "").strip() or None

    try:
        namespace = namespace_from_env(env)
    except MetricsConfigError as exc:
        raise ObservabilityConfigError(str(exc)) from None
    arn = get("SEGMENT_AGENT_RUNTIME_ARN")
    if arn is not None and (not arn.startswith(_ARN_PREFIX) or ":runtime/" not in arn or arn.count(":") < 5):
        raise ObservabilityConfigError(
            f"SEGMENT_AGENT_RUNTIME_ARN must look like {_ARN_PREFIX}<region>:<account>:runtime/<id>, got {arn!r}"
        )
    arn_region = arn.split(":")[3] if arn else None
    region = get("AWS_REGION") or get("AWS_DEFAULT_REGION") or default_region or arn_region or None
    return ObservabilityConfig(
        namespace=namespace,
        region=region,
        endpoint_url=get("AWS_ENDPOINT_URL_CLOUDWATCH") or get("AWS_ENDPOINT_URL"),
        runtime_arn=arn,
        qualifier=get("SEGMENT_AGENT_QUALIFIER") or "DEFAULT",
    )


def missing_settings(config: ObservabilityConfig, has_credentials: bool) -> list[str]:
    """What stops the page from reading CloudWatch, one sentence per missing piece (empty when nothing)."""
    missing = []
    if config.region is None:
        missing.append("No AWS region: set AWS_REGION (or AWS_DEFAULT_REGION).")
    if not has_credentials:
        missing.append(
            "No AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(dummy values such as `testing` for a local endpoint)."
        )
    return missing
