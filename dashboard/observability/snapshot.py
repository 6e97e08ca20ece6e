"""One read of everything the page shows: the runtime's metrics and, with a runtime ARN, AgentCore's."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.observability import frames
from dashboard.observability.config import ObservabilityConfig
from dashboard.observability.queries import agentcore_queries, own_queries
from dashboard.observability.reader import MetricsReader
from dashboard.observability.window import TimeWindow
from rules.rulebook import Rulebook


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    """The long frames of one window.

    Attributes:
        window: the window read.
        own: the runtime's metrics (`frames.results_frame`).
        agentcore: AgentCore's runtime metrics, or None without a runtime ARN.
    """

    window: TimeWindow
    own: pd.DataFrame
    agentcore: pd.DataFrame | None


def segment_codes(rulebook: Rulebook) -> dict[str, list[str]]:
    """Segment dimension → its codes, in rulebook order."""
    return {dimension: [s.code for s in segments] for dimension, segments in rulebook.dimensions.items()}


def read_snapshot(
    reader: MetricsReader, config: ObservabilityConfig, window: TimeWindow, rulebook: Rulebook
) -> MetricsSnapshot:
    """Read the window's metrics in one pass over GetMetricData.

    Raises:
        MetricsUnavailableError: CloudWatch could not be read.
    """
    own = own_queries(config.namespace, segment_codes(rulebook))
    agentcore = []
    if config.runtime_arn is not None and config.runtime_name is not None:
        agentcore = agentcore_queries(config.runtime_arn, config.runtime_name, config.qualifier)
    results = reader.read([*own, *agentcore], window)
    return MetricsSnapshot(
        window=window,
        own=frames.results_frame(results[: len(own)]),
        agentcore=frames.agentcore_metrics(frames.results_frame(results[len(own) :])) if agentcore else None,
    )
