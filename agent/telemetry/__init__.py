"""Telemetry of the agent runtime: one record per invocation, handed to a recorder; spans for tracing.

The runtime calls `recorder_from_env()` once at start-up, ``recorder.record(InvocationRecord(...))`` once per
invocation (never blocks, never raises) and ``recorder.close()`` at shutdown (publishes what is queued).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from agent.telemetry.cloudwatch import CloudWatchRecorder, PublisherStats
from agent.telemetry.config import MetricsConfig, MetricsConfigError, load_metrics_config
from agent.telemetry.record import InvocationRecord, NullRecorder, Recorder
from agent.telemetry.tracing import (
    StrandsSpanScrubber,
    annotate_current_span,
    annotate_span,
    invocation_span,
    redact_model_content,
    scrub_strands_spans,
)

__all__ = [
    "CloudWatchRecorder",
    "InvocationRecord",
    "MetricsConfig",
    "MetricsConfigError",
    "NullRecorder",
    "PublisherStats",
    "Recorder",
    "StrandsSpanScrubber",
    "annotate_current_span",
    "annotate_span",
    "invocation_span",
    "recorder_from_env",
    "redact_model_content",
    "scrub_strands_spans",
]

logger = logging.getLogger(__name__)


def recorder_from_env(env: Mapping[str, str] | None = None) -> Recorder:
    """The recorder the runtime should use, chosen by ``SEGMENT_METRICS`` (see `agent.telemetry.config`).

    ``SEGMENT_METRICS=cloudwatch`` gives a `CloudWatchRecorder` (boto3's standard region, credentials and
    ``AWS_ENDPOINT_URL_CLOUDWATCH``); unset or ``off`` gives a `NullRecorder`.

    Args:
        env: the environment; ``os.environ`` when omitted.

    Raises:
        MetricsConfigError: a metrics setting is invalid (raised at start-up, never during a request).
    """
    config = load_metrics_config(os.environ if env is None else env)
    if config.backend == "cloudwatch":
        return CloudWatchRecorder(
            config.namespace,
            flush_seconds=config.flush_seconds,
            queue_size=config.queue_size,
        )
    logger.info(
        "metrics: off (set SEGMENT_METRICS=cloudwatch to publish to CloudWatch)", extra={"event": "metrics_off"}
    )
    return NullRecorder()
