"""The GetMetricData queries of the page: the runtime's own metrics and AgentCore's built-in ones.

The runtime's metrics always carry dimensions (see `agent.telemetry.schema`), so every series is queried by
its exact dimensions: the modes, error classes and explanation sources the runtime can record, and the
segment codes of the rulebook. Totals are added up in `frames`. Metric math and percentiles are not used:
the same queries then work against CloudWatch and against a local endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from agent.telemetry import schema

AGENTCORE_NAMESPACE: Final = "AWS/Bedrock-AgentCore"
AGENTCORE_OPERATION: Final = "InvokeAgentRuntime"
AGENTCORE_COUNTS: Final = ("Invocations", "SessionCount", "SystemErrors", "UserErrors", "Throttles")
AGENTCORE_LATENCY: Final = "Latency"


@dataclass(frozen=True, slots=True)
class MetricQuery:
    """One series and statistic to fetch."""

    namespace: str
    metric: str
    dimensions: schema.Dimensions
    stat: str


def own_queries(namespace: str, segment_codes: Mapping[str, Sequence[str]]) -> list[MetricQuery]:
    """The queries of the runtime's namespace.

    Args:
        namespace: the runtime's namespace.
        segment_codes: segment dimension (e.g. ``churnSegment``) → its codes, in display order.
    """
    queries: list[MetricQuery] = []
    for mode in schema.MODES:
        dims = schema.mode_dimensions(mode)
        queries.append(MetricQuery(namespace, schema.INVOCATIONS, dims, "Sum"))
        # Sum and SampleCount give an average over all modes; an average of averages would not.
        queries += [MetricQuery(namespace, schema.LATENCY, dims, stat) for stat in ("Sum", "SampleCount", "Maximum")]
    queries += [
        MetricQuery(namespace, schema.ERRORS, schema.error_dimensions(error), "Sum") for error in schema.ERROR_CLASSES
    ]
    queries += [
        MetricQuery(namespace, schema.EXPLANATIONS, schema.source_dimensions(source), "Sum")
        for source in schema.EXPLANATION_SOURCES
    ]
    queries += [
        MetricQuery(namespace, schema.SEGMENTS_ASSIGNED, schema.segment_dimensions(dimension, code), "Sum")
        for dimension, codes in segment_codes.items()
        for code in codes
    ]
    queries += [
        MetricQuery(namespace, schema.RECORDS_DROPPED, schema.drop_dimensions(reason), "Sum")
        for reason in schema.DROP_REASONS
    ]
    return queries


def agentcore_dimensions(runtime_arn: str, runtime_name: str, qualifier: str) -> schema.Dimensions:
    """The dimensions AgentCore gives a runtime endpoint's metrics."""
    return (("Operation", AGENTCORE_OPERATION), ("Name", f"{runtime_name}::{qualifier}"), ("Resource", runtime_arn))


def agentcore_queries(runtime_arn: str, runtime_name: str, qualifier: str) -> list[MetricQuery]:
    """The queries of AgentCore's built-in metrics of one runtime endpoint."""
    dims = agentcore_dimensions(runtime_arn, runtime_name, qualifier)
    queries = [MetricQuery(AGENTCORE_NAMESPACE, metric, dims, "Sum") for metric in AGENTCORE_COUNTS]
    queries += [MetricQuery(AGENTCORE_NAMESPACE, AGENTCORE_LATENCY, dims, stat) for stat in ("Average", "Maximum")]
    return queries
