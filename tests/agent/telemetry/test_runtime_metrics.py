"""The real runtime app publishes its metrics to CloudWatch (moto), and the dashboard's reader reads them back.

The app is `agent.app.create_app()` configured from the environment, exactly as `python -m agent` builds it:
``SEGMENT_METRICS=cloudwatch`` and ``AWS_ENDPOINT_URL_CLOUDWATCH`` select the publisher and its endpoint.
Leaving the TestClient's context runs the app's shutdown, which flushes the queued metrics.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from agent.app import create_app
from agent.runtime import Runtime
from agent.telemetry import CloudWatchRecorder, InvocationRecord
from dashboard.observability import frames
from dashboard.observability.config import load_observability_config
from dashboard.observability.reader import MetricsReader, cloudwatch_client
from dashboard.observability.snapshot import MetricsSnapshot, read_snapshot
from dashboard.observability.window import time_window
from rules import default_rulebook
from tests.agent.telemetry.moto_cloudwatch import closed_port_url
from tests.conftest import AS_OF, seed_example

N = 12


def customer_payload() -> dict[str, Any]:
    return {**seed_example("example-request"), "asOf": AS_OF.isoformat()}


@pytest.fixture
def metrics_env(monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str) -> str:
    monkeypatch.setenv("SEGMENT_METRICS", "cloudwatch")
    monkeypatch.setenv("SEGMENT_METRICS_FLUSH_SECONDS", "3600")  # only the shutdown flush publishes
    for name in ("SEGMENT_MODEL_PROVIDER", "SEGMENT_METRICS_NAMESPACE", "SEGMENT_METRICS_QUEUE_SIZE"):
        monkeypatch.delenv(name, raising=False)
    return cloudwatch_endpoint


def read_back() -> MetricsSnapshot:
    """What the dashboard reads for the last 15 minutes, in 1-minute periods."""
    config = load_observability_config(os.environ)
    window = time_window(datetime.now(UTC), timedelta(minutes=15), 60)
    return read_snapshot(MetricsReader(cloudwatch_client(config)), config, window, default_rulebook())


def runtime_from_env() -> tuple[Runtime, CloudWatchRecorder]:
    """The runtime `python -m agent` builds, and the recorder it chose from the environment."""
    runtime = Runtime.from_env()
    assert isinstance(runtime.recorder, CloudWatchRecorder)
    return runtime, runtime.recorder


def test_n_invocations_of_the_runtime_are_n_in_the_dashboard(metrics_env: str) -> None:
    runtime, _ = runtime_from_env()
    with TestClient(create_app(runtime)) as client:
        statuses = [client.post("/invocations", json=customer_payload()).status_code for _ in range(N)]
        statuses.append(client.post("/invocations", json={"customerData": {"customer": {"age": -4}}}).status_code)
        statuses.append(
            client.post("/invocations", content=b"{not json", headers={"content-type": "application/json"}).status_code
        )
    # Leaving the block shut the app down, and the shutdown flushed the queue.

    assert statuses == [200] * N + [400, 400]
    snapshot = read_back()
    totals = frames.summary(snapshot.own)
    assert totals.invocations == N + 2
    assert totals.errors == 2
    traffic = frames.traffic(snapshot.own)
    assert traffic.groupby("mode")["invocations"].sum().to_dict() == {"customer": N + 1.0, "invalid": 1.0}
    errors = frames.errors_by_class(snapshot.own)
    assert errors.groupby("error_class")["errors"].sum().to_dict() == {"invalid_input": 1.0, "malformed_json": 1.0}
    churn = frames.segment_distribution(snapshot.own, "churnSegment")
    assert churn.groupby("segment")["customers"].sum().to_dict() == {"Aktif": float(N)}
    mix = frames.explanation_mix(snapshot.own)
    assert mix.groupby("source")["invocations"].sum().to_dict() == {"none": 2.0, "template": float(N)}


def test_a_cloudwatch_outage_does_not_affect_invocations(monkeypatch: pytest.MonkeyPatch, metrics_env: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", closed_port_url())
    monkeypatch.setenv("SEGMENT_METRICS_FLUSH_SECONDS", "0.05")  # publish (and fail) all the time
    runtime, recorder = runtime_from_env()

    with TestClient(create_app(runtime)) as client:
        bodies = []
        for _ in range(N):
            response = client.post("/invocations", json=customer_payload())
            bodies.append((response.status_code, response.json()["analysis"]["churnSegment"]))
            time.sleep(0.01)
        record_seconds = _slowest_of_20_record_calls(recorder)

    assert bodies == [(200, "Aktif")] * N
    assert record_seconds < 0.05, f"record() took {record_seconds:.3f} s while CloudWatch was down"
    stats = recorder.stats()
    assert stats.publish_errors >= 1
    assert stats.published_records == 0
    assert stats.accepted == N + 20  # the invocations and the timed calls, none lost without a count
    assert stats.unpublished_records == N + 20


def _slowest_of_20_record_calls(recorder: CloudWatchRecorder) -> float:
    slowest = 0.0
    for _ in range(20):
        started = time.perf_counter()
        recorder.record(InvocationRecord("customer", "ok", 1.0))
        slowest = max(slowest, time.perf_counter() - started)
    return slowest
