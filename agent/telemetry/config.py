"""Metrics configuration from the environment.

Metrics are switched on explicitly, never guessed from the presence of credentials or endpoints:

| variable | meaning | default |
| --- | --- | --- |
| SEGMENT_METRICS | ``cloudwatch`` publishes to CloudWatch; ``off`` (or unset) records nothing | ``off`` |
| SEGMENT_METRICS_NAMESPACE | CloudWatch namespace of the runtime's metrics | ``CustomerSegmentAgent`` |
| SEGMENT_METRICS_FLUSH_SECONDS | how often queued records are published | ``10`` |
| SEGMENT_METRICS_QUEUE_SIZE | records held while waiting to be published; more are dropped and counted | ``10000`` |

Where CloudWatch is, and with which credentials, is boto3's standard configuration: ``AWS_REGION`` /
``AWS_DEFAULT_REGION``, the credential chain, and ``AWS_ENDPOINT_URL_CLOUDWATCH`` for a local endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, TypeVar

from agent.telemetry.schema import DEFAULT_NAMESPACE

Backend = Literal["off", "cloudwatch"]

_NAMESPACE = re.compile(r"^[A-Za-z0-9._\-/#: ]{1,255}$")
N = TypeVar("N", int, float)

_BACKENDS: Final[dict[str, Backend]] = {"": "off", "off": "off", "cloudwatch": "cloudwatch"}


class MetricsConfigError(ValueError):
    """A metrics setting is invalid; the message names the variable and the value."""


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    """Validated metrics settings."""

    backend: Backend = "off"
    namespace: str = DEFAULT_NAMESPACE
    flush_seconds: float = 10.0
    queue_size: int = 10_000


def load_metrics_config(env: Mapping[str, str]) -> MetricsConfig:
    """Read the metrics settings.

    Args:
        env: the environment, e.g. ``os.environ``.

    Raises:
        MetricsConfigError: a value is invalid.
    """
    raw_backend = env.get("SEGMENT_METRICS", "").strip()
    backend = _BACKENDS.get(raw_backend.lower())
    if backend is None:
        raise MetricsConfigError(f"SEGMENT_METRICS must be 'cloudwatch' or 'off', got {raw_backend!r}")
    namespace = env.get("SEGMENT_METRICS_NAMESPACE", "").strip() or DEFAULT_NAMESPACE
    if not _NAMESPACE.match(namespace) or namespace.startswith("AWS/"):
        raise MetricsConfigError(
            "SEGMENT_METRICS_NAMESPACE must be 1-255 letters, digits or . - _ / # : and space, not starting "
            f"with 'AWS/', got {namespace!r}"
        )
    return MetricsConfig(
        backend=backend,
        namespace=namespace,
        flush_seconds=_positive(env, "SEGMENT_METRICS_FLUSH_SECONDS", 10.0, float),
        queue_size=_positive(env, "SEGMENT_METRICS_QUEUE_SIZE", 10_000, int),
    )


def _positive(env: Mapping[str, str], name: str, default: N, kind: Callable[[str], N]) -> N:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not value > 0 or value == float("inf"):
        raise MetricsConfigError(f"{name} must be a positive number, got {raw!r}")
    return value


def namespace_from_env(env: Mapping[str, str]) -> str:
    """Just the namespace (``SEGMENT_METRICS_NAMESPACE``), for readers of the metrics such as the dashboard.

    Raises:
        MetricsConfigError: the namespace is invalid.
    """
    return load_metrics_config({k: v for k, v in env.items() if k == "SEGMENT_METRICS_NAMESPACE"}).namespace
