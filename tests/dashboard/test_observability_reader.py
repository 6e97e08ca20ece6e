"""The dashboard's metrics reader against moto's server: what the runtime publishes, AgentCore's metrics, failures."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import boto3
import pandas as pd
import pytest
from botocore.stub import Stubber

from agent.telemetry import CloudWatchRecorder, InvocationRecord
from dashboard.observability import frames, reader
from dashboard.observability.config import load_observability_config
from dashboard.observability.queries import MetricQuery
from dashboard.observability.reader import MetricsReader, MetricsUnavailableError, cloudwatch_client
from dashboard.observability.snapshot import MetricsSnapshot, read_snapshot
from dashboard.observability.window import time_window
from rules import default_rulebook
from tests.agent.telemetry.moto_cloudwatch import closed_port_url, cloudwatch, local_cloudwatch
from tests.agent.telemetry.strict_cloudwatch import strict_client_factory

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch.type_defs import DimensionTypeDef

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/segment_agent-AbC123xyz"
AGENTCORE_DIMS: list[DimensionTypeDef] = [
    {"Name": "Operation", "Value": "InvokeAgentRuntime"},
    {"Name": "Name", "Value": "segment_agent::DEFAULT"},
    {"Name": "Resource", "Value": ARN},
]


@pytest.fixture
def cloudwatch_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from local_cloudwatch(monkeypatch)


def snapshot_now() -> MetricsSnapshot:
    config = load_observability_config(os.environ)
    window = time_window(datetime.now(UTC), timedelta(minutes=15), 60)
    return read_snapshot(MetricsReader(cloudwatch_client(config)), config, window, default_rulebook())


def test_the_reader_returns_what_the_publisher_sent(cloudwatch_endpoint: str) -> None:
    recorder = CloudWatchRecorder(flush_seconds=3600)
    for index in range(30):
        recorder.record(
            InvocationRecord(
                "customer" if index % 3 else "cohort",
                "ok" if index % 10 else "invalid_input",
                float(index),
                "template",
                {"valueSegment": {"HighValue": 1}},
            )
        )
    recorder.close()

    snapshot = snapshot_now()

    totals = frames.summary(snapshot.own)
    assert (totals.invocations, totals.errors, totals.maximum_ms, totals.dropped) == (30, 3, 29.0, 0)
    assert totals.average_ms == pytest.approx(14.5)
    assert frames.traffic(snapshot.own).groupby("mode")["invocations"].sum().to_dict() == {"cohort": 10, "customer": 20}
    assert frames.segment_distribution(snapshot.own, "valueSegment")["customers"].sum() == 30
    assert snapshot.agentcore is None  # no runtime ARN configured


def test_segment_codes_outside_ascii_are_published_and_read_back_as_the_rulebook_spells_them(
    cloudwatch_endpoint: str,
) -> None:
    recorder = CloudWatchRecorder(flush_seconds=3600, client_factory=strict_client_factory())
    for _ in range(3):
        recorder.record(InvocationRecord("cohort", "ok", 9.0, "template", {"loyaltyTier": {"Altın": 4, "Gümüş": 1}}))
    recorder.close()

    distribution = frames.segment_distribution(snapshot_now().own, "loyaltyTier")

    assert distribution.groupby("segment")["customers"].sum().to_dict() == {"Altın": 12.0, "Gümüş": 3.0}


def test_agentcore_metrics_are_read_when_a_runtime_arn_is_configured(
    monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str
) -> None:
    monkeypatch.setenv("SEGMENT_AGENT_RUNTIME_ARN", ARN)
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    cloudwatch().put_metric_data(
        Namespace="AWS/Bedrock-AgentCore",
        MetricData=[
            {"MetricName": "Invocations", "Dimensions": AGENTCORE_DIMS, "Timestamp": minute, "Value": 5.0},
            {"MetricName": "SessionCount", "Dimensions": AGENTCORE_DIMS, "Timestamp": minute, "Value": 2.0},
            {"MetricName": "Latency", "Dimensions": AGENTCORE_DIMS, "Timestamp": minute, "Values": [100.0, 300.0]},
        ],
    )

    snapshot = snapshot_now()

    assert snapshot.agentcore is not None
    got = snapshot.agentcore.drop(columns="timestamp")
    expected = pd.DataFrame(
        {
            "metric": ["Invocations", "Latency", "Latency", "SessionCount"],
            "stat": ["Sum", "Average", "Maximum", "Sum"],
            "value": [5.0, 200.0, 300.0, 2.0],
        }
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert snapshot.own.empty


def test_an_unreachable_endpoint_is_a_clear_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    url = closed_port_url()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", url)

    with pytest.raises(MetricsUnavailableError, match="did not answer"):
        snapshot_now()


def test_a_silent_endpoint_times_out_quickly_without_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "READ_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)  # accepts connections (the kernel does) and never answers
        monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", f"http://127.0.0.1:{server.getsockname()[1]}")

        started = time.perf_counter()
        with pytest.raises(MetricsUnavailableError, match="did not answer"):
            snapshot_now()
        elapsed = time.perf_counter() - started

    assert elapsed < 3, f"one attempt with a 0.5 s read timeout took {elapsed:.1f} s"


@pytest.mark.parametrize(("content_type", "body"), [("text/html", b"<html>Welcome</html>"), ("text/xml", b""),
                                                     ("application/json", b'{"ok": true}')])
def test_an_endpoint_that_answers_200_but_is_not_cloudwatch_is_named_not_an_idle_system(
    monkeypatch: pytest.MonkeyPatch, content_type: str, body: bytes,
) -> None:
    class NotCloudWatch(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotCloudWatch)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.delenv("SEGMENT_AGENT_RUNTIME_ARN", raising=False)
    try:
        with pytest.raises(MetricsUnavailableError, match=r"answered, but not as CloudWatch does: (\d+) of \1 metric "
                                                          r"queries got no result"):
            snapshot_now()
    finally:
        server.shutdown()
        server.server_close()


def test_an_empty_cloudwatch_is_no_error(cloudwatch_endpoint: str) -> None:
    assert snapshot_now().own.empty


def test_a_series_cloudwatch_could_not_read_is_an_error_not_a_quiet_system() -> None:
    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    window = time_window(datetime(2026, 2, 12, 9, 31, tzinfo=UTC), timedelta(minutes=15), 60)
    queries = [MetricQuery("CustomerSegmentAgent", metric, (("Mode", "customer"),), "Sum") for metric in ("A", "B")]
    with Stubber(client) as stub:  # CloudWatch's answer when it fails one series: a status, not an HTTP error
        stub.add_response(
            "get_metric_data",
            {
                "MetricDataResults": [
                    {"Id": "q0", "StatusCode": "Complete", "Timestamps": [window.start], "Values": [3.0]},
                    {
                        "Id": "q1",
                        "StatusCode": "InternalError",
                        "Timestamps": [],
                        "Values": [],
                        "Messages": [{"Code": "InternalError", "Value": "Internal service error"}],
                    },
                ]
            },
        )
        with pytest.raises(MetricsUnavailableError) as raised:
            MetricsReader(client, where="CloudWatch in us-east-1").read(queries, window)

    assert str(raised.value) == (
        "CloudWatch in us-east-1 could not read 1 of 2 metric series, e.g. B: InternalError "
        "(InternalError: Internal service error)"
    )
