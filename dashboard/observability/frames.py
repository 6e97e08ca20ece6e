"""Pure functions from GetMetricData results to tidy DataFrames, one per chart.

`results_frame` flattens the results into one long frame (a row per data point, a column per dimension);
the other functions select from it and add series up: totals over modes, error classes and sources are sums
of the per-dimension series, and the average latency is Σ Sum / Σ SampleCount over the modes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from agent.telemetry import schema
from dashboard.observability.queries import AGENTCORE_NAMESPACE
from dashboard.observability.reader import SeriesResult

DIMENSION_COLUMNS: Final[dict[str, str]] = {
    schema.MODE: "mode",
    schema.ERROR_CLASS: "error_class",
    schema.SOURCE: "source",
    schema.SEGMENT_DIMENSION: "segment_dimension",
    schema.SEGMENT: "segment",
    schema.DROP_REASON: "reason",
}
COLUMNS: Final = ("timestamp", "namespace", "metric", "stat", *DIMENSION_COLUMNS.values(), "value")


def results_frame(results: Sequence[SeriesResult]) -> pd.DataFrame:
    """One row per data point: timestamp (UTC), namespace, metric, stat, the dimension columns, value.

    The dimension columns hold the labels as the runtime recorded them (``Altın``), not as CloudWatch stores them.

    Dimensions other than those of `DIMENSION_COLUMNS` (AgentCore's) are left out: a query of those names
    a single series per metric.
    """
    rows = []
    for result in results:
        dims = dict(result.query.dimensions)
        labels = {
            column: None if name not in dims else schema.dimension_text(dims[name])
            for name, column in DIMENSION_COLUMNS.items()
        }
        for timestamp, value in zip(result.timestamps, result.values, strict=True):
            rows.append(
                {
                    "timestamp": timestamp,
                    "namespace": result.query.namespace,
                    "metric": result.query.metric,
                    "stat": result.query.stat,
                    **labels,
                    "value": float(value),
                }
            )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame["value"] = frame["value"].astype("float64")
    return frame.sort_values(["timestamp", "metric", "stat"], kind="stable").reset_index(drop=True)


def _select(frame: pd.DataFrame, metric: str, stat: str) -> pd.DataFrame:
    """The runtime's own data points of one metric and statistic (AgentCore's share some metric names)."""
    mask = (frame["metric"] == metric) & (frame["stat"] == stat) & (frame["namespace"] != AGENTCORE_NAMESPACE)
    return frame.loc[mask]


def _sum_by(selected: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """`value` summed per combination of `keys`, named `name`, ordered by the keys."""
    return selected.groupby(keys)["value"].sum().rename(name).reset_index()


def _per_timestamp(frame: pd.DataFrame, metric: str, stat: str, how: str = "sum") -> pd.Series:
    return _select(frame, metric, stat).groupby("timestamp")["value"].agg(how)


def traffic(frame: pd.DataFrame) -> pd.DataFrame:
    """Invocations per period and mode: columns timestamp, mode, invocations."""
    return _sum_by(_select(frame, schema.INVOCATIONS, "Sum"), ["timestamp", "mode"], "invocations")


def latency(frame: pd.DataFrame) -> pd.DataFrame:
    """Latency over all modes per period: columns timestamp, average_ms, maximum_ms."""
    total = _per_timestamp(frame, schema.LATENCY, "Sum")
    count = _per_timestamp(frame, schema.LATENCY, "SampleCount")
    maximum = _per_timestamp(frame, schema.LATENCY, "Maximum", "max")
    out = pd.DataFrame({"average_ms": total / count.where(count > 0), "maximum_ms": maximum})
    out.index.name = "timestamp"
    return out.reset_index()


def error_rate(frame: pd.DataFrame) -> pd.DataFrame:
    """Errors per period over all classes: columns timestamp, invocations, errors, error_rate (0-1)."""
    invocations = _per_timestamp(frame, schema.INVOCATIONS, "Sum")
    errors = _per_timestamp(frame, schema.ERRORS, "Sum")
    out = pd.DataFrame({"invocations": invocations, "errors": errors}).fillna(0.0)
    out["error_rate"] = out["errors"] / out["invocations"].where(out["invocations"] > 0)
    out.index.name = "timestamp"
    return out.reset_index()


def errors_by_class(frame: pd.DataFrame) -> pd.DataFrame:
    """Errors per period and class: columns timestamp, error_class, errors."""
    return _sum_by(_select(frame, schema.ERRORS, "Sum"), ["timestamp", "error_class"], "errors")


def explanation_mix(frame: pd.DataFrame) -> pd.DataFrame:
    """Invocations per period by who wrote the explanation: columns timestamp, source, invocations, share."""
    out = _sum_by(_select(frame, schema.EXPLANATIONS, "Sum"), ["timestamp", "source"], "invocations")
    out["share"] = out["invocations"] / out.groupby("timestamp")["invocations"].transform("sum")
    return out


def segment_distribution(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Customers assigned per period to each segment of one dimension: columns timestamp, segment, customers, share.

    Args:
        frame: the long frame.
        dimension: a segment dimension, e.g. ``churnSegment``.
    """
    selected = _select(frame, schema.SEGMENTS_ASSIGNED, "Sum")
    selected = selected.loc[selected["segment_dimension"] == dimension]
    out = _sum_by(selected, ["timestamp", "segment"], "customers")
    out["share"] = out["customers"] / out.groupby("timestamp")["customers"].transform("sum")
    return out


def dimensions_with_segments(frame: pd.DataFrame) -> set[str]:
    """The segment dimensions that had customers assigned in the window."""
    return set(_select(frame, schema.SEGMENTS_ASSIGNED, "Sum")["segment_dimension"].dropna())


def agentcore_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """AgentCore's built-in runtime metrics: columns timestamp, metric, stat, value."""
    selected = frame.loc[frame["namespace"] == AGENTCORE_NAMESPACE, ["timestamp", "metric", "stat", "value"]]
    return selected.reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class Summary:
    """The window in a few numbers.

    Attributes:
        invocations: invocations in the window.
        errors: invocations whose outcome was not ``ok``.
        error_rate: errors / invocations (None without invocations).
        average_ms: mean latency (None without invocations).
        maximum_ms: highest latency (None without invocations).
        dropped: records the runtime dropped instead of publishing.
    """

    invocations: int
    errors: int
    error_rate: float | None
    average_ms: float | None
    maximum_ms: float | None
    dropped: int


def summary(frame: pd.DataFrame) -> Summary:
    """Totals of the runtime's metrics over the whole window."""
    invocations = int(_select(frame, schema.INVOCATIONS, "Sum")["value"].sum())
    errors = int(_select(frame, schema.ERRORS, "Sum")["value"].sum())
    latency_sum = float(_select(frame, schema.LATENCY, "Sum")["value"].sum())
    latency_count = float(_select(frame, schema.LATENCY, "SampleCount")["value"].sum())
    maximum = _select(frame, schema.LATENCY, "Maximum")["value"]
    return Summary(
        invocations=invocations,
        errors=errors,
        error_rate=errors / invocations if invocations else None,
        average_ms=latency_sum / latency_count if latency_count else None,
        maximum_ms=float(maximum.max()) if len(maximum) else None,
        dropped=int(_select(frame, schema.RECORDS_DROPPED, "Sum")["value"].sum()),
    )
