"""Plotly figures of the Observability page, one per frame of `frames`.

Segments keep the colour and English name the rulebook gives them, as on every other page; modes,
explanation sources and error classes have fixed colours so a series keeps its colour across refreshes.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.observability.window import TimeWindow
from rules.rulebook import Rulebook

MODE_COLORS: Final = {
    "customer": "#2563eb",
    "cohort": "#16a34a",
    "region": "#f59e0b",
    "prompt": "#9333ea",
    "invalid": "#6b7280",
}
SOURCE_COLORS: Final = {"model": "#0ea5e9", "template": "#f97316", "none": "#9ca3af"}
ERROR_COLORS: Final = {"invalid_input": "#f59e0b", "malformed_json": "#eab308", "payload_too_large": "#a16207",
                       "model_unavailable": "#7c3aed", "internal_error": "#dc2626"}
FALLBACK_COLOR: Final = "#9ca3af"
DIMENSION_LABELS: Final = {
    "ageSegment": "Age",
    "churnSegment": "Churn",
    "valueSegment": "Value",
    "loyaltyTier": "Loyalty",
    "affinityType": "Affinity",
    "diversityProfile": "Diversity",
}

_LAYOUT: Final = {"margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "legend_title_text": "", "hovermode": "x unified"}


def _finish(figure: go.Figure, title: str, y_title: str, window: TimeWindow) -> go.Figure:
    # The whole window on the x axis, bars one period wide: a lone data point would otherwise be zoomed to
    # milliseconds, and the axis would jump as data arrives.
    figure.update_layout(
        title={"text": title},
        xaxis={"title": None, "range": [window.start, window.end], "type": "date"},
        yaxis_title=y_title,
        **_LAYOUT,
    )
    period_ms = window.period_seconds * 1000
    figure.update_traces(xperiod=period_ms, xperiodalignment="middle")  # a point stands for its whole period
    figure.update_traces(width=period_ms * 0.8, selector={"type": "bar"})
    return figure


def traffic_figure(traffic: pd.DataFrame, window: TimeWindow) -> go.Figure:
    """Invocations per period, stacked by mode."""
    figure = px.bar(
        traffic,
        x="timestamp",
        y="invocations",
        color="mode",
        color_discrete_map=MODE_COLORS,
        category_orders={"mode": list(MODE_COLORS)},
    )
    return _finish(figure, "Traffic: invocations by mode", "invocations", window)


def latency_figure(latency: pd.DataFrame, window: TimeWindow) -> go.Figure:
    """Average and maximum latency per period."""
    figure = go.Figure()
    figure.add_scatter(x=latency["timestamp"], y=latency["average_ms"], name="average", mode="lines+markers")
    figure.add_scatter(
        x=latency["timestamp"], y=latency["maximum_ms"], name="maximum", mode="lines+markers", line={"dash": "dot"}
    )
    return _finish(figure, "Latency (ms)", "ms", window)


def error_rate_figure(error_rate: pd.DataFrame, errors_by_class: pd.DataFrame, window: TimeWindow) -> go.Figure:
    """Errors per period stacked by class (bars), and the error rate (line, right axis)."""
    figure = go.Figure()
    for error_class, rows in errors_by_class.groupby("error_class", sort=True):
        figure.add_bar(
            x=rows["timestamp"],
            y=rows["errors"],
            name=str(error_class),
            marker_color=ERROR_COLORS.get(str(error_class), FALLBACK_COLOR),
        )
    figure.add_scatter(
        x=error_rate["timestamp"],
        y=error_rate["error_rate"],
        name="error rate",
        mode="lines+markers",
        yaxis="y2",
        line={"color": "#111827"},
    )
    figure.update_layout(
        barmode="stack",
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "rangemode": "tozero", "title": "rate"},
    )
    return _finish(figure, "Errors and error rate", "errors", window)


def explanation_figure(mix: pd.DataFrame, window: TimeWindow) -> go.Figure:
    """Invocations per period by who wrote the explanation."""
    figure = px.bar(
        mix,
        x="timestamp",
        y="invocations",
        color="source",
        color_discrete_map=SOURCE_COLORS,
        category_orders={"source": list(SOURCE_COLORS)},
        custom_data=["share"],
    )
    figure.update_traces(hovertemplate="%{y} (%{customdata[0]:.0%})")
    return _finish(figure, "Explanation source", "invocations", window)


def segment_figure(distribution: pd.DataFrame, dimension: str, rulebook: Rulebook, window: TimeWindow) -> go.Figure:
    """Customers assigned per period to the segments of one dimension, in rulebook colours and names."""
    known = {segment.code: segment for segment in rulebook.dimensions.get(dimension, ())}
    figure = go.Figure()
    codes = list(known) + sorted(set(distribution["segment"]) - set(known))
    for code in codes:
        rows = distribution.loc[distribution["segment"] == code]
        if rows.empty:
            continue
        segment = known.get(code)
        figure.add_bar(
            x=rows["timestamp"],
            y=rows["customers"],
            name=f"{code} — {segment.name}" if segment else code,
            marker_color=segment.color if segment else FALLBACK_COLOR,
            customdata=rows["share"],
            hovertemplate="%{y} (%{customdata:.0%})",
        )
    figure.update_layout(barmode="stack")
    return _finish(figure, f"Segments assigned: {DIMENSION_LABELS.get(dimension, dimension)}", "customers", window)


def agentcore_counts_figure(metrics: pd.DataFrame, window: TimeWindow) -> go.Figure:
    """AgentCore's count metrics (invocations, sessions, errors, throttles) per period."""
    counts = metrics.loc[metrics["stat"] == "Sum"]
    figure = px.line(counts, x="timestamp", y="value", color="metric", markers=True)
    return _finish(figure, "AgentCore runtime: invocations, sessions, errors, throttles", "count", window)


def agentcore_latency_figure(metrics: pd.DataFrame, window: TimeWindow) -> go.Figure:
    """AgentCore's latency (average and maximum) per period."""
    latency = metrics.loc[metrics["metric"] == "Latency"]
    figure = px.line(latency, x="timestamp", y="value", color="stat", markers=True)
    return _finish(figure, "AgentCore runtime: latency (ms)", "ms", window)
