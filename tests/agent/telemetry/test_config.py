"""Metrics are switched on explicitly, and bad settings name the variable and the value."""

from __future__ import annotations

import pytest

from agent.telemetry import CloudWatchRecorder, NullRecorder, recorder_from_env
from agent.telemetry.config import MetricsConfig, MetricsConfigError, load_metrics_config, namespace_from_env


def test_metrics_are_off_unless_asked_for() -> None:
    assert load_metrics_config({}) == MetricsConfig("off", "CustomerSegmentAgent", 10.0, 10_000)
    # An endpoint or credentials alone do not switch metrics on.
    env = {"AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:5000", "AWS_ACCESS_KEY_ID": "x"}
    assert isinstance(recorder_from_env(env), NullRecorder)


def test_every_setting_is_read() -> None:
    env = {
        "SEGMENT_METRICS": "CloudWatch",
        "SEGMENT_METRICS_NAMESPACE": "Team/Segments",
        "SEGMENT_METRICS_FLUSH_SECONDS": "2.5",
        "SEGMENT_METRICS_QUEUE_SIZE": "50",
    }

    assert load_metrics_config(env) == MetricsConfig("cloudwatch", "Team/Segments", 2.5, 50)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SEGMENT_METRICS", "statsd", "SEGMENT_METRICS must be 'cloudwatch' or 'off', got 'statsd'"),
        ("SEGMENT_METRICS_NAMESPACE", "AWS/Mine", "not starting with 'AWS/', got 'AWS/Mine'"),
        ("SEGMENT_METRICS_NAMESPACE", "bad|name", "got 'bad|name'"),
        ("SEGMENT_METRICS_FLUSH_SECONDS", "0", "SEGMENT_METRICS_FLUSH_SECONDS must be a positive number, got '0'"),
        (
            "SEGMENT_METRICS_FLUSH_SECONDS",
            "soon",
            "SEGMENT_METRICS_FLUSH_SECONDS must be a positive number, got 'soon'",
        ),
        ("SEGMENT_METRICS_QUEUE_SIZE", "1.5", "SEGMENT_METRICS_QUEUE_SIZE must be a positive number, got '1.5'"),
    ],
)
def test_invalid_settings_name_the_variable_and_value(name: str, value: str, message: str) -> None:
    with pytest.raises(MetricsConfigError) as caught:
        load_metrics_config({name: value})
    assert message in str(caught.value)


def test_readers_need_only_the_namespace() -> None:
    assert namespace_from_env({"SEGMENT_METRICS": "broken", "SEGMENT_METRICS_NAMESPACE": "Mine"}) == "Mine"


def test_cloudwatch_recorder_from_the_environment(cloudwatch_endpoint: str) -> None:
    recorder = recorder_from_env(
        {
            "SEGMENT_METRICS": "cloudwatch",
            "SEGMENT_METRICS_NAMESPACE": "Team/Segments",
            "SEGMENT_METRICS_FLUSH_SECONDS": "30",
            "SEGMENT_METRICS_QUEUE_SIZE": "3",
        }
    )
    try:
        assert isinstance(recorder, CloudWatchRecorder)
        assert recorder.namespace == "Team/Segments"
    finally:
        recorder.close()
