"""A local CloudWatch for tests: moto's server on 127.0.0.1, one per test process, reset between tests.

boto3 reaches it only through the standard environment (`AWS_ENDPOINT_URL_CLOUDWATCH` and dummy
credentials), exactly as the runtime and the dashboard reach a local endpoint under `make run`.
"""

from __future__ import annotations

import atexit
import socket
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import boto3
import pytest
from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

_lock = threading.Lock()
_endpoint: str | None = None


def moto_endpoint() -> str:
    """The URL of this process's moto server, started on first use."""
    global _endpoint
    with _lock:
        if _endpoint is None:
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            atexit.register(server.stop)
            host, port = server.get_host_and_port()
            _endpoint = f"http://{host}:{port}"
        return _endpoint


def reset(endpoint: str) -> None:
    """Forget every metric moto holds."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connections are refused at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def use_cloudwatch(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """Point boto3's CloudWatch at `endpoint` with dummy credentials, through the standard variables only."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", endpoint)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "SEGMENT_METRICS_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)


def without_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """An environment where boto3 finds no credentials, no region and no endpoint (and asks no metadata service)."""
    empty = tmp_path_factory.mktemp("no-aws") / "missing"
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_CLOUDWATCH",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "SEGMENT_AGENT_RUNTIME_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def cloudwatch() -> CloudWatchClient:
    """A plain boto3 CloudWatch client from the environment (for seeding and checking in tests)."""
    return boto3.client("cloudwatch")


def metric_sum(
    client: CloudWatchClient, namespace: str, metric: str, dimensions: dict[str, str], minutes: int = 10
) -> float:
    """The Sum of one series over the last `minutes` (and the next one), as CloudWatch reports it."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    response = client.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {
                        "Namespace": namespace,
                        "MetricName": metric,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
                    },
                    "Period": 60 * (minutes + 2),
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=now - timedelta(minutes=minutes),
        EndTime=now + timedelta(minutes=2),
    )
    return float(sum(response["MetricDataResults"][0]["Values"]))


def local_cloudwatch(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """For fixtures: the moto endpoint, empty, with the environment pointing at it; reset afterwards."""
    endpoint = moto_endpoint()
    reset(endpoint)
    use_cloudwatch(monkeypatch, endpoint)
    yield endpoint
    reset(endpoint)
