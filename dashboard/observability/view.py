"""The Observability page's Streamlit UI: settings check, pickers, and the auto-refreshing metrics fragment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

import streamlit as st

from dashboard.aws_setup import credential_fingerprint
from dashboard.observability import charts, frames
from dashboard.observability.config import (
    OFFLINE_HINT,
    ObservabilityConfig,
    ObservabilityConfigError,
    load_observability_config,
    missing_settings,
)
from dashboard.observability.reader import (
    MetricsReader,
    MetricsUnavailableError,
    cloudwatch_client,
    default_region,
    has_credentials,
)
from dashboard.observability.snapshot import MetricsSnapshot, read_snapshot
from dashboard.observability.window import PERIODS, RANGES, time_window
from dashboard.ui.layout import metric_row
from rules.rulebook import default_rulebook

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

REFRESH_CHOICES: Final[dict[str, int | None]] = {"off": None, "10 s": 10, "30 s": 30, "1 min": 60}


@st.cache_data(ttl=30, show_spinner=False)
def _credentials_available(fingerprint: tuple[object, ...]) -> bool:
    # The chain may probe the instance metadata service (a second or two off EC2): not on every rerun. The
    # fingerprint is the cache key (a leading underscore would keep Streamlit from hashing it).
    return has_credentials()


@st.cache_resource(max_entries=4, show_spinner=False)
def _cloudwatch(config: ObservabilityConfig, fingerprint: tuple[object, ...]) -> CloudWatchClient:
    # One client per configuration, not one per auto-refresh: building a boto3 session and client costs tens of
    # milliseconds and a client is thread-safe. The credential fingerprint is part of the key, so that changed
    # credentials get a new client.
    return cloudwatch_client(config)


def render_page(env: Mapping[str, str] | None = None) -> None:
    """The whole page.

    Args:
        env: the environment; ``os.environ`` when omitted.
    """
    env = os.environ if env is None else env
    st.title("Observability")
    fingerprint = credential_fingerprint(env)
    try:
        config = load_observability_config(env, default_region=default_region())
        missing = missing_settings(config, _credentials_available(fingerprint))
        client = None if missing else _cloudwatch(config, fingerprint)
    except ObservabilityConfigError as exc:
        st.error(f"The observability settings are invalid: {exc}", icon=":material/error:")
        return
    if client is None:
        st.warning(
            "CloudWatch is not configured, so this page has no metrics to show. The rest of the dashboard "
            "works without it.",
            icon=":material/cloud_off:",
        )
        st.markdown("\n".join(f"- {problem}" for problem in missing))
        st.info(OFFLINE_HINT, icon=":material/info:")
        return

    st.caption(_where(config))
    range_column, period_column, refresh_column = st.columns(3)
    range_label = range_column.selectbox("Time range", list(RANGES), index=1, key="observability_range")
    period_label = period_column.selectbox("Period", list(PERIODS), index=0, key="observability_period")
    refresh_label = refresh_column.selectbox(
        "Auto-refresh", list(REFRESH_CHOICES), index=1, key="observability_refresh"
    )
    live = st.fragment(run_every=REFRESH_CHOICES[refresh_label])(_live_metrics)
    live(client, config, RANGES[range_label], PERIODS[period_label])


def _where(config: ObservabilityConfig) -> str:
    parts = [f"CloudWatch namespace `{config.namespace}`", f"region `{config.region}`"]
    if config.endpoint_url:
        parts.append(f"endpoint `{config.endpoint_url}`")
    if config.runtime_arn:
        parts.append(f"AgentCore runtime `{config.runtime_name}::{config.qualifier}`")
    return " · ".join(parts)


def _live_metrics(client: CloudWatchClient, config: ObservabilityConfig, span: timedelta, period_seconds: int) -> None:
    now = datetime.now(UTC)
    window = time_window(now, span, period_seconds)
    if window.period_seconds != period_seconds:
        st.caption(f"The period is {window.period_seconds // 60} minutes for this range, to keep the charts readable.")
    reader = MetricsReader(client, where=config.endpoint_url or f"CloudWatch in {config.region}")
    try:
        snapshot = read_snapshot(reader, config, window, default_rulebook())
    except MetricsUnavailableError as exc:
        st.error(f"Could not read the metrics: {exc}", icon=":material/error:")
        return
    _render(snapshot, config)
    st.caption(f"Updated {now:%H:%M:%S} UTC · {window.start:%Y-%m-%d %H:%M} to {window.end:%H:%M} UTC")


def _render(snapshot: MetricsSnapshot, config: ObservabilityConfig) -> None:
    window = snapshot.window
    totals = frames.summary(snapshot.own)
    with metric_row():
        st.metric("Invocations", f"{totals.invocations:,}")
        st.metric("Error rate", "–" if totals.error_rate is None else f"{totals.error_rate:.1%}")
        st.metric("Average latency", "–" if totals.average_ms is None else f"{totals.average_ms:,.1f} ms")
        st.metric("Maximum latency", "–" if totals.maximum_ms is None else f"{totals.maximum_ms:,.1f} ms")
        st.metric("Records dropped", f"{totals.dropped:,}", help="Metrics the runtime could not queue")

    if totals.invocations == 0:
        st.info(
            "No invocations in this window yet. Analyse a customer or a cohort on the other pages: the runtime "
            "publishes every SEGMENT_METRICS_FLUSH_SECONDS and the charts follow.",
            icon=":material/hourglass_empty:",
        )
    else:
        left, right = st.columns(2)
        left.plotly_chart(charts.traffic_figure(frames.traffic(snapshot.own), window), key="observability_traffic")
        right.plotly_chart(charts.latency_figure(frames.latency(snapshot.own), window), key="observability_latency")
        left, right = st.columns(2)
        left.plotly_chart(
            charts.error_rate_figure(frames.error_rate(snapshot.own), frames.errors_by_class(snapshot.own), window),
            key="observability_errors",
        )
        right.plotly_chart(
            charts.explanation_figure(frames.explanation_mix(snapshot.own), window), key="observability_explanations"
        )
        rulebook = default_rulebook()
        dimensions = list(rulebook.dimensions)
        with_data = frames.dimensions_with_segments(snapshot.own)
        dimension = st.selectbox(
            "Segment dimension",
            dimensions,
            index=next((i for i, name in enumerate(dimensions) if name in with_data), 0),
            format_func=lambda name: charts.DIMENSION_LABELS.get(name, name),
            key="observability_dimension",
        )
        distribution = frames.segment_distribution(snapshot.own, dimension)
        if distribution.empty:
            st.info(
                f"No {charts.DIMENSION_LABELS.get(dimension, dimension).lower()} segments were assigned in this window."
            )
        else:
            st.plotly_chart(
                charts.segment_figure(distribution, dimension, rulebook, window), key="observability_segments"
            )

    if snapshot.agentcore is not None:
        st.subheader("AgentCore runtime")
        if snapshot.agentcore.empty:
            st.info(
                f"AgentCore reported no metrics for {config.runtime_name}::{config.qualifier} in this window "
                "(namespace AWS/Bedrock-AgentCore).",
                icon=":material/hourglass_empty:",
            )
        else:
            left, right = st.columns(2)
            left.plotly_chart(charts.agentcore_counts_figure(snapshot.agentcore, window), key="observability_agentcore")
            right.plotly_chart(
                charts.agentcore_latency_figure(snapshot.agentcore, window), key="observability_agentcore_latency"
            )
