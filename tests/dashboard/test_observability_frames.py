"""The Observability page's pure parts: time windows, queries, and results turned into frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from agent.telemetry import schema
from dashboard.observability import frames
from dashboard.observability.config import (
    ObservabilityConfig,
    ObservabilityConfigError,
    load_observability_config,
    missing_settings,
)
from dashboard.observability.queries import AGENTCORE_NAMESPACE, MetricQuery, agentcore_queries, own_queries
from dashboard.observability.reader import SeriesResult
from dashboard.observability.window import TimeWindow, time_window

T1 = datetime(2026, 2, 12, 9, 30, tzinfo=UTC)
T2 = datetime(2026, 2, 12, 9, 31, tzinfo=UTC)
NS = "CustomerSegmentAgent"
ARN = "arn:aws:bedrock-agentcore:eu-central-1:123456789012:runtime/customer_segment_agent-AF1ggg7Wx7"


def series(
    metric: str, dims: schema.Dimensions, stat: str, points: dict[datetime, float], ns: str = NS
) -> SeriesResult:
    return SeriesResult(MetricQuery(ns, metric, dims, stat), tuple(points), tuple(points.values()))


RESULTS = [
    series("Invocations", schema.mode_dimensions("customer"), "Sum", {T1: 8.0, T2: 2.0}),
    series("Invocations", schema.mode_dimensions("cohort"), "Sum", {T2: 2.0}),
    series("Invocations", schema.mode_dimensions("region"), "Sum", {}),
    series("Latency", schema.mode_dimensions("customer"), "Sum", {T1: 80.0, T2: 30.0}),
    series("Latency", schema.mode_dimensions("customer"), "SampleCount", {T1: 8.0, T2: 2.0}),
    series("Latency", schema.mode_dimensions("customer"), "Maximum", {T1: 20.0, T2: 25.0}),
    series("Latency", schema.mode_dimensions("cohort"), "Sum", {T2: 170.0}),
    series("Latency", schema.mode_dimensions("cohort"), "SampleCount", {T2: 2.0}),
    series("Latency", schema.mode_dimensions("cohort"), "Maximum", {T2: 100.0}),
    series("Errors", schema.error_dimensions("invalid_input"), "Sum", {T2: 1.0}),
    series("Errors", schema.error_dimensions("internal_error"), "Sum", {T2: 1.0}),
    series("Explanations", schema.source_dimensions("template"), "Sum", {T1: 6.0, T2: 3.0}),
    series("Explanations", schema.source_dimensions("model"), "Sum", {T1: 2.0}),
    series("Explanations", schema.source_dimensions("none"), "Sum", {T2: 1.0}),
    series("SegmentsAssigned", schema.segment_dimensions("churnSegment", "Aktif"), "Sum", {T1: 6.0, T2: 30.0}),
    series("SegmentsAssigned", schema.segment_dimensions("churnSegment", "Riskli"), "Sum", {T1: 2.0, T2: 10.0}),
    series("SegmentsAssigned", schema.segment_dimensions("loyaltyTier", "Altın"), "Sum", {T1: 8.0}),
    series("RecordsDropped", schema.drop_dimensions("queue_full"), "Sum", {T2: 4.0}),
    series("Invocations", (("Operation", "InvokeAgentRuntime"),), "Sum", {T1: 99.0}, ns=AGENTCORE_NAMESPACE),
]


@pytest.fixture
def long_frame() -> pd.DataFrame:
    return frames.results_frame(RESULTS)


def stamps(*moments: datetime) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(list(moments)), name="timestamp")


def test_traffic_is_invocations_per_period_and_mode(long_frame: pd.DataFrame) -> None:
    expected = pd.DataFrame(
        {"timestamp": stamps(T1, T2, T2), "mode": ["customer", "cohort", "customer"], "invocations": [8.0, 2.0, 2.0]}
    )
    pd.testing.assert_frame_equal(frames.traffic(long_frame), expected, check_dtype=False)


def test_latency_averages_over_all_modes_by_sample_count(long_frame: pd.DataFrame) -> None:
    expected = pd.DataFrame(
        {"timestamp": stamps(T1, T2), "average_ms": [10.0, (30.0 + 170.0) / 4], "maximum_ms": [20.0, 100.0]}
    )
    pd.testing.assert_frame_equal(frames.latency(long_frame), expected, check_dtype=False)


def test_error_rate_adds_the_classes_and_divides_by_all_invocations(long_frame: pd.DataFrame) -> None:
    expected = pd.DataFrame(
        {"timestamp": stamps(T1, T2), "invocations": [8.0, 4.0], "errors": [0.0, 2.0], "error_rate": [0.0, 0.5]}
    )
    pd.testing.assert_frame_equal(frames.error_rate(long_frame), expected, check_dtype=False)


def test_explanation_mix_has_counts_and_shares(long_frame: pd.DataFrame) -> None:
    expected = pd.DataFrame(
        {
            "timestamp": stamps(T1, T1, T2, T2),
            "source": ["model", "template", "none", "template"],
            "invocations": [2.0, 6.0, 1.0, 3.0],
            "share": [0.25, 0.75, 0.25, 0.75],
        }
    )
    pd.testing.assert_frame_equal(frames.explanation_mix(long_frame), expected, check_dtype=False)


def test_segment_distribution_of_one_dimension(long_frame: pd.DataFrame) -> None:
    expected = pd.DataFrame(
        {
            "timestamp": stamps(T1, T1, T2, T2),
            "segment": ["Aktif", "Riskli", "Aktif", "Riskli"],
            "customers": [6.0, 2.0, 30.0, 10.0],
            "share": [0.75, 0.25, 0.75, 0.25],
        }
    )
    pd.testing.assert_frame_equal(frames.segment_distribution(long_frame, "churnSegment"), expected, check_dtype=False)
    assert frames.dimensions_with_segments(long_frame) == {"churnSegment", "loyaltyTier"}
    assert frames.segment_distribution(long_frame, "ageSegment").empty


def test_summary_of_the_window(long_frame: pd.DataFrame) -> None:
    assert frames.summary(long_frame) == frames.Summary(
        invocations=12, errors=2, error_rate=2 / 12, average_ms=280.0 / 12, maximum_ms=100.0, dropped=4
    )
    empty = frames.results_frame([])
    assert frames.summary(empty) == frames.Summary(0, 0, None, None, None, 0)
    assert list(frames.traffic(empty).columns) == ["timestamp", "mode", "invocations"]


def test_agentcore_metrics_stay_apart_from_ours(long_frame: pd.DataFrame) -> None:
    expected = pd.DataFrame({"timestamp": stamps(T1), "metric": ["Invocations"], "stat": ["Sum"], "value": [99.0]})
    pd.testing.assert_frame_equal(frames.agentcore_metrics(long_frame), expected, check_dtype=False)


def test_windows_are_aligned_to_their_period() -> None:
    now = datetime(2026, 2, 12, 9, 31, 42, tzinfo=UTC)

    assert time_window(now, timedelta(minutes=15), 60) == TimeWindow(
        datetime(2026, 2, 12, 9, 17, tzinfo=UTC), datetime(2026, 2, 12, 9, 32, tzinfo=UTC), 60
    )
    assert time_window(now, timedelta(hours=1), 300) == TimeWindow(
        datetime(2026, 2, 12, 8, 35, tzinfo=UTC), datetime(2026, 2, 12, 9, 35, tzinfo=UTC), 300
    )


def test_long_ranges_get_a_coarser_period() -> None:
    window = time_window(datetime(2026, 2, 12, 9, 31, tzinfo=UTC), timedelta(weeks=1), 60)

    assert window.period_seconds == 900
    assert window.points == 7 * 24 * 4


def test_windows_refuse_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        time_window(datetime(2026, 2, 12, 9, 31), timedelta(hours=1), 60)


def test_own_queries_cover_every_series_the_runtime_can_publish() -> None:
    queries = own_queries(NS, {"churnSegment": ["Aktif", "Ilık", "Riskli"]})

    by_metric: dict[str, int] = {}
    for query in queries:
        by_metric[query.metric] = by_metric.get(query.metric, 0) + 1
    assert by_metric == {
        "Invocations": len(schema.MODES),
        "Latency": 3 * len(schema.MODES),
        "Errors": len(schema.ERROR_CLASSES),
        "Explanations": len(schema.EXPLANATION_SOURCES),
        "SegmentsAssigned": 3,
        "RecordsDropped": len(schema.DROP_REASONS),
    }
    # CloudWatch takes only ASCII dimension values: the query asks for the value the runtime publishes.
    assert MetricQuery(
        NS, "SegmentsAssigned", (("SegmentDimension", "churnSegment"), ("Segment", "Il%C4%B1k")), "Sum"
    ) in queries


def test_agentcore_queries_use_the_runtime_endpoint_dimensions() -> None:
    config = load_observability_config({"SEGMENT_AGENT_RUNTIME_ARN": ARN})
    queries = agentcore_queries(ARN, config.runtime_name or "", config.qualifier)

    dims = (
        ("Operation", "InvokeAgentRuntime"),
        ("Name", "customer_segment_agent::DEFAULT"),
        ("Resource", ARN),
    )
    assert [(q.namespace, q.metric, q.dimensions, q.stat) for q in queries] == [
        (AGENTCORE_NAMESPACE, "Invocations", dims, "Sum"),
        (AGENTCORE_NAMESPACE, "SessionCount", dims, "Sum"),
        (AGENTCORE_NAMESPACE, "SystemErrors", dims, "Sum"),
        (AGENTCORE_NAMESPACE, "UserErrors", dims, "Sum"),
        (AGENTCORE_NAMESPACE, "Throttles", dims, "Sum"),
        (AGENTCORE_NAMESPACE, "Latency", dims, "Average"),
        (AGENTCORE_NAMESPACE, "Latency", dims, "Maximum"),
    ]


def test_configuration_from_the_environment() -> None:
    env = {
        "SEGMENT_AGENT_RUNTIME_ARN": ARN,
        "SEGMENT_AGENT_QUALIFIER": "prod",
        "SEGMENT_METRICS_NAMESPACE": "Team/Segments",
        "AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:5000",
    }

    assert load_observability_config(env) == ObservabilityConfig(
        namespace="Team/Segments",
        region="eu-central-1",
        endpoint_url="http://127.0.0.1:5000",
        runtime_arn=ARN,
        qualifier="prod",
    )
    assert load_observability_config({"AWS_REGION": "us-west-2"}, default_region="eu-west-1").region == "us-west-2"
    assert load_observability_config({}, default_region="eu-west-1").region == "eu-west-1"


def test_a_bad_arn_is_named() -> None:
    with pytest.raises(ObservabilityConfigError, match=r"SEGMENT_AGENT_RUNTIME_ARN must look like .* got 'my-agent'"):
        load_observability_config({"SEGMENT_AGENT_RUNTIME_ARN": "my-agent"})


def test_missing_settings_say_what_to_set() -> None:
    config = load_observability_config({})

    assert missing_settings(config, has_credentials=False) == [
        "No AWS region: set AWS_REGION (or AWS_DEFAULT_REGION).",
        "No AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
        "(dummy values such as `testing` for a local endpoint).",
    ]
    assert missing_settings(load_observability_config({"AWS_REGION": "us-east-1"}), has_credentials=True) == []
