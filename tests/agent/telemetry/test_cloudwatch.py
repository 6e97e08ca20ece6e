"""The CloudWatch publisher against moto's server: batching, outages, drops and the flush at shutdown."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import boto3
import pytest

from agent.telemetry import CloudWatchRecorder, InvocationRecord, PublisherStats
from tests.agent.telemetry.moto_cloudwatch import closed_port_url, cloudwatch, metric_sum
from tests.agent.telemetry.strict_cloudwatch import strict_client_factory

NAMESPACE = "CustomerSegmentAgent"
OK = InvocationRecord("customer", "ok", 25.0, "template", {"churnSegment": {"Aktif": 1}})


def wait_until_published(recorder: CloudWatchRecorder, records: int, seconds: float = 10) -> PublisherStats:
    deadline = time.monotonic() + seconds
    while recorder.stats().published_records < records and time.monotonic() < deadline:
        time.sleep(0.02)
    return recorder.stats()


def test_records_are_published_in_the_background_and_add_up(cloudwatch_endpoint: str) -> None:
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=0.1)
    for _ in range(7):
        recorder.record(OK)
    recorder.record(InvocationRecord("cohort", "internal_error", 75.0, "model", {"churnSegment": {"Aktif": 40}}))

    stats = wait_until_published(recorder, 8)  # by the periodic flush, before any close

    client = cloudwatch()
    assert metric_sum(client, NAMESPACE, "Invocations", {"Mode": "customer"}) == 7
    assert metric_sum(client, NAMESPACE, "Invocations", {"Mode": "cohort"}) == 1
    assert metric_sum(client, NAMESPACE, "Latency", {"Mode": "customer"}) == 7 * 25.0
    assert metric_sum(client, NAMESPACE, "Errors", {"ErrorClass": "internal_error"}) == 1
    assert metric_sum(client, NAMESPACE, "Explanations", {"Source": "template"}) == 7
    assert metric_sum(client, NAMESPACE, "Explanations", {"Source": "model"}) == 1
    assert (
        metric_sum(client, NAMESPACE, "SegmentsAssigned", {"SegmentDimension": "churnSegment", "Segment": "Aktif"})
        == 47
    )
    assert (stats.accepted, stats.published_records, stats.dropped, stats.publish_errors) == (8, 8, 0, 0)
    recorder.close()


def test_metrics_queued_at_shutdown_are_not_lost(cloudwatch_endpoint: str) -> None:
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=3600)  # nothing would be published before close
    for _ in range(250):
        recorder.record(OK)
    assert metric_sum(cloudwatch(), NAMESPACE, "Invocations", {"Mode": "customer"}) == 0

    recorder.close(timeout=10)

    assert metric_sum(cloudwatch(), NAMESPACE, "Invocations", {"Mode": "customer"}) == 250
    assert recorder.stats().published_records == 250


def test_a_cloudwatch_outage_costs_requests_nothing_and_is_counted(
    monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", closed_port_url())
    caplog.set_level(logging.WARNING, logger="agent.telemetry.cloudwatch")
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=0.05)

    slowest = 0.0
    for _ in range(200):
        started = time.perf_counter()
        recorder.record(OK)
        slowest = max(slowest, time.perf_counter() - started)
        time.sleep(0.001)
    recorder.close(timeout=10)

    stats = recorder.stats()
    assert slowest < 0.05, f"record() took {slowest:.3f} s while CloudWatch was down"
    assert stats.accepted == 200
    assert stats.published_records == 0
    assert stats.unpublished_records == 200
    assert stats.publish_errors >= 1
    failures = [r for r in caplog.records if "PutMetricData failure" in r.getMessage()]
    assert len(failures) == 1, "failures are logged at most once a minute"
    assert "EndpointConnectionError" in failures[0].getMessage()


@pytest.fixture
def silent_endpoint(monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str) -> Iterator[str]:
    """A CloudWatch endpoint that accepts connections and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", url)
    yield url
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_close_returns_within_its_timeout_when_cloudwatch_hangs(
    silent_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=0.05)
    recorder.record(OK)
    time.sleep(0.3)  # the worker is now stuck waiting for an answer

    started = time.perf_counter()
    recorder.record(OK)
    recorder.close(timeout=0.5)
    elapsed = time.perf_counter() - started

    assert elapsed < 3, f"close took {elapsed:.1f} s"
    assert any("did not finish within 0.5 s" in r.getMessage() for r in caplog.records)


def test_a_full_queue_drops_counts_logs_and_reports_the_drops(
    cloudwatch_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agent.telemetry.cloudwatch")
    gate = threading.Event()

    def slow_client():  # type: ignore[no-untyped-def]
        gate.wait(10)  # keeps the worker away from the queue until the test has filled it
        from agent.telemetry.cloudwatch import default_client

        return default_client()

    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=0.01, queue_size=5, client_factory=slow_client)
    recorder.record(OK)
    time.sleep(0.2)  # the worker took the first record and is now waiting for its client
    for _ in range(15):
        recorder.record(OK)
    gate.set()
    recorder.close(timeout=10)

    stats = recorder.stats()
    assert (stats.accepted, stats.dropped, stats.published_records) == (6, 10, 6)
    drops = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert len(drops) == 1
    assert drops[0].getMessage().startswith("metrics: dropped 1 invocation record(s) (queue_full)")
    assert metric_sum(cloudwatch(), NAMESPACE, "RecordsDropped", {"Reason": "queue_full"}) == 10
    assert metric_sum(cloudwatch(), NAMESPACE, "Invocations", {"Mode": "customer"}) == 6


def test_records_after_close_and_malformed_records_are_dropped_not_raised(cloudwatch_endpoint: str) -> None:
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=0.05)
    recorder.record("not a record")  # type: ignore[arg-type]
    recorder.record(OK)
    time.sleep(0.2)
    recorder.close()
    recorder.record(OK)
    recorder.close()  # closing twice is harmless

    assert recorder.stats() == PublisherStats(
        accepted=1, dropped=2, published_records=1, published_datums=recorder.stats().published_datums
    )
    assert metric_sum(cloudwatch(), NAMESPACE, "RecordsDropped", {"Reason": "invalid"}) == 1
    assert metric_sum(cloudwatch(), NAMESPACE, "Invocations", {"Mode": "customer"}) == 1


def test_a_missing_region_is_a_counted_publish_error(monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=3600)
    recorder.record(OK)
    recorder.close()

    assert recorder.stats() == PublisherStats(accepted=1, unpublished_records=1, failed_datums=4, publish_errors=1)


def test_aws_region_alone_names_the_region(monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str) -> None:
    # botocore itself reads AWS_DEFAULT_REGION only; the README and the deploy command set AWS_REGION.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=3600)
    recorder.record(OK)
    recorder.close()

    assert recorder.stats() == PublisherStats(accepted=1, published_records=1, published_datums=4)
    published = boto3.client("cloudwatch", region_name="eu-central-1")
    assert metric_sum(published, NAMESPACE, "Invocations", {"Mode": "customer"}) == 1


def test_a_burst_is_published_before_the_interval_ends(cloudwatch_endpoint: str) -> None:
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=3600, queue_size=100)  # wakes at 50 waiting records
    for _ in range(60):
        recorder.record(OK)

    stats = wait_until_published(recorder, 50)

    assert stats.published_records >= 50, stats
    assert stats.dropped == 0
    recorder.close()
    assert recorder.stats().published_records == 60
    assert metric_sum(cloudwatch(), NAMESPACE, "Invocations", {"Mode": "customer"}) == 60


def test_segment_codes_outside_ascii_reach_cloudwatch_which_takes_only_ascii_dimensions(
    cloudwatch_endpoint: str,
) -> None:
    recorder = CloudWatchRecorder(NAMESPACE, flush_seconds=3600, client_factory=strict_client_factory())
    for _ in range(4):
        recorder.record(
            InvocationRecord("cohort", "ok", 30.0, "template", {"loyaltyTier": {"Altın": 5, "Bronz": 2}})
        )
    recorder.close(timeout=10)

    assert recorder.stats() == PublisherStats(accepted=4, published_records=4, published_datums=5)
    loyalty = {"SegmentDimension": "loyaltyTier"}
    assert metric_sum(cloudwatch(), NAMESPACE, "SegmentsAssigned", {**loyalty, "Segment": "Alt%C4%B1n"}) == 20
    assert metric_sum(cloudwatch(), NAMESPACE, "SegmentsAssigned", {**loyalty, "Segment": "Bronz"}) == 8
