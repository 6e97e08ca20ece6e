"""`python -m dashboard.launcher` (`make run`): configuration, and a real start, use and stop of everything."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from dashboard.launcher import LaunchConfig, LaunchError, child_environment, ensure_free, parse_args, services
from tests.agent.telemetry.moto_cloudwatch import metric_sum
from tests.conftest import AS_OF, seed_example

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_flags_and_environment() -> None:
    assert parse_args([], {}) == LaunchConfig("127.0.0.1", 8080, 8501, 0, "local", 90.0)
    env = {"SEGMENT_RUNTIME_PORT": "9090", "SEGMENT_DASHBOARD_PORT": "9501", "SEGMENT_CLOUDWATCH": "aws"}
    assert parse_args([], env) == LaunchConfig("127.0.0.1", 9090, 9501, 0, "aws", 90.0)
    flags = ["--runtime-port", "7000", "--cloudwatch-port", "7001", "--cloudwatch", "off", "--startup-timeout", "5"]
    assert parse_args(flags, env) == LaunchConfig("127.0.0.1", 7000, 9501, 7001, "off", 5.0)


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--runtime-port", "http"], {}, "a port must be a number from 0 to 65535, got 'http'"),
        ([], {"SEGMENT_DASHBOARD_PORT": "70000"}, "a port must be a number from 0 to 65535, got '70000'"),
        ([], {"SEGMENT_CLOUDWATCH": "azure"}, "SEGMENT_CLOUDWATCH must be local, aws or off, got 'azure'"),
    ],
)
def test_bad_settings_are_named(
    argv: list[str], env: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(argv, env)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_local_mode_points_both_children_at_the_local_endpoint_with_dummy_credentials() -> None:
    base = {"PATH": "/bin", "AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "t", "AWS_ACCESS_KEY_ID": "AKIAREAL"}

    env = child_environment(base, LaunchConfig(runtime_port=8080), "http://127.0.0.1:5123")

    assert env == {
        "PATH": "/bin",
        "PYTHONUNBUFFERED": "1",
        "SEGMENT_BACKEND": "url",
        "SEGMENT_RUNTIME_URL": "http://127.0.0.1:8080",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:5123",
        "SEGMENT_METRICS": "cloudwatch",
        "SEGMENT_METRICS_FLUSH_SECONDS": "5",
    }


def test_against_aws_only_the_environment_changes() -> None:
    base = {"AWS_PROFILE": "prod", "AWS_REGION": "eu-central-1", "AWS_ENDPOINT_URL_CLOUDWATCH": "http://stale"}

    env = child_environment(base, LaunchConfig(cloudwatch="aws"), None)

    assert env["AWS_PROFILE"] == "prod"
    assert env["AWS_REGION"] == "eu-central-1"
    assert "AWS_ENDPOINT_URL_CLOUDWATCH" not in env
    assert "AWS_ACCESS_KEY_ID" not in env
    assert env["SEGMENT_METRICS"] == "cloudwatch"
    assert child_environment({}, LaunchConfig(cloudwatch="off"), None)["SEGMENT_METRICS"] == "off"


def test_the_children_and_their_health_checks() -> None:
    runtime, dashboard = services(LaunchConfig(runtime_port=8181, dashboard_port=8502), {"A": "1"})

    assert runtime.command == [sys.executable, "-m", "agent", "--host", "127.0.0.1", "--port", "8181"]
    assert runtime.health_url == "http://127.0.0.1:8181/ping"
    assert dashboard.command[1:5] == ["-m", "streamlit", "run", str(ROOT / "dashboard" / "streamlit_app.py")]
    assert "--server.port=8502" in dashboard.command
    assert "--server.address=127.0.0.1" in dashboard.command
    assert (dashboard.health_url, dashboard.healthy_body) == ("http://127.0.0.1:8502/_stcore/health", b"ok")
    assert runtime.env == dashboard.env == {"A": "1"}


def test_a_taken_port_is_a_clear_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(LaunchError, match=f"port {port} on 127.0.0.1 is not available .*--runtime-port"):
            ensure_free("127.0.0.1", port, "--runtime-port or SEGMENT_RUNTIME_PORT")


# --- the real thing -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Output:
    """The launcher's output (its children's too), read line by line in the background."""

    def __init__(self, stream: queue.Queue[str]) -> None:
        self.lines: list[str] = []
        self._stream = stream

    def wait_for(self, pattern: str, seconds: float) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        for line in self.lines:
            if match := re.search(pattern, line):
                return match
        while time.monotonic() < deadline:
            try:
                line = self._stream.get(timeout=0.2)
            except queue.Empty:
                continue
            self.lines.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matched {pattern!r} in {seconds} s; output:\n" + "".join(self.lines[-60:]))


@pytest.fixture
def launcher() -> Iterator[tuple[subprocess.Popen[str], Output, int, int]]:
    runtime_port, dashboard_port = free_port(), free_port()
    env = {**os.environ, "SEGMENT_METRICS_FLUSH_SECONDS": "0.5", "SEGMENT_LOG_LEVEL": "WARNING"}
    env.pop("SEGMENT_MODEL_PROVIDER", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard.launcher",
            "--runtime-port",
            str(runtime_port),
            "--dashboard-port",
            str(dashboard_port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    yield process, Output(lines), runtime_port, dashboard_port
    if process.poll() is None:  # the test failed half-way: leave nothing behind
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_make_run_starts_everything_serves_publishes_and_stops_on_ctrl_c(
    launcher: tuple[subprocess.Popen[str], Output, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    process, output, runtime_port, dashboard_port = launcher

    output.wait_for(r"Press Ctrl-C to stop\.", 150)
    endpoint = output.wait_for(r"local CloudWatch endpoint \(moto\) at (http://127\.0\.0\.1:\d+)", 1).group(1)
    runtime_pid = int(output.wait_for(r"the runtime is up at .* \(pid (\d+)\)", 1).group(1))
    dashboard_pid = int(output.wait_for(r"the dashboard is up at .* \(pid (\d+)\)", 1).group(1))
    assert any(f"dashboard   http://127.0.0.1:{dashboard_port}" in line for line in output.lines)

    status, body = get(f"http://127.0.0.1:{runtime_port}/ping")
    assert status == 200
    assert json.loads(body)["status"] == "Healthy"
    assert get(f"http://127.0.0.1:{dashboard_port}/_stcore/health") == (200, b"ok")

    payload = json.dumps({**seed_example("example-request"), "asOf": AS_OF.isoformat()}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{runtime_port}/invocations", data=payload, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert json.loads(response.read())["analysis"]["customerId"] == "C-1001"

    # The runtime publishes to the launcher's local CloudWatch, found only through the standard variables.
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("cloudwatch")
    deadline = time.monotonic() + 30
    while metric_sum(client, "CustomerSegmentAgent", "Invocations", {"Mode": "customer"}) < 1:
        assert time.monotonic() < deadline, "the invocation never reached the local CloudWatch"
        time.sleep(0.25)

    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0
    output.wait_for(r"\[launcher\] stopped", 5)
    for pid in (runtime_pid, dashboard_pid):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    for port in (runtime_port, dashboard_port):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"
