"""``python -m dashboard.launcher`` (what ``make run`` runs): the whole product on this machine, offline.

It starts, on 127.0.0.1:

1. a local CloudWatch endpoint (moto's server, in this process) on a free or configured port;
2. the agent runtime (``python -m agent``) on port 8080, publishing its metrics to that endpoint;
3. the dashboard (``streamlit run dashboard/streamlit_app.py``) on port 8501, pointed at the runtime
   (``SEGMENT_BACKEND=url``) and reading the metrics from the same endpoint.

Both children get ``AWS_ENDPOINT_URL_CLOUDWATCH`` and dummy credentials, so nothing reaches AWS. The launcher
waits until each answers its health check, prints the URLs, and on Ctrl-C (SIGINT) or SIGTERM stops the
dashboard and the runtime (which publishes its queued metrics on the way out), then the endpoint.

Against real AWS only the environment changes: ``--cloudwatch aws`` starts no endpoint and passes the
environment through (credentials, ``AWS_REGION``, ``SEGMENT_AGENT_RUNTIME_ARN`` ...).

| flag | variable | default |
| --- | --- | --- |
| ``--host`` | SEGMENT_HOST | ``127.0.0.1`` |
| ``--runtime-port`` | SEGMENT_RUNTIME_PORT | ``8080`` (0: a free port) |
| ``--dashboard-port`` | SEGMENT_DASHBOARD_PORT | ``8501`` (0: a free port) |
| ``--cloudwatch-port`` | SEGMENT_CLOUDWATCH_PORT | ``0``: a free port |
| ``--cloudwatch`` | SEGMENT_CLOUDWATCH | ``local`` (``aws``: real CloudWatch; ``off``: no metrics) |
| ``--startup-timeout`` | SEGMENT_STARTUP_TIMEOUT | ``90`` seconds |
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Final, Literal, Protocol

CloudWatchMode = Literal["local", "aws", "off"]

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
STREAMLIT_APP: Final = PROJECT_ROOT / "dashboard" / "streamlit_app.py"

LOCAL_REGION: Final = "us-east-1"
LOCAL_FLUSH_SECONDS: Final = "5"
DUMMY_CREDENTIALS: Final = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
STOP_TIMEOUT_SECONDS: Final = 15.0


class LaunchError(Exception):
    """The product could not be started; the message says why and what to change."""


@dataclass(frozen=True, slots=True)
class LaunchConfig:
    """What to start where."""

    host: str = "127.0.0.1"
    runtime_port: int = 8080
    dashboard_port: int = 8501
    cloudwatch_port: int = 0
    cloudwatch: CloudWatchMode = "local"
    startup_timeout: float = 90.0

    @property
    def runtime_url(self) -> str:
        """Base URL of the runtime."""
        return f"http://{self.host}:{self.runtime_port}"

    @property
    def dashboard_url(self) -> str:
        """URL of the dashboard."""
        return f"http://{self.host}:{self.dashboard_port}"


@dataclass(frozen=True, slots=True)
class Service:
    """A child process and how to tell it is up."""

    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(repr=False)
    healthy_body: bytes | None = None
    cwd: Path = PROJECT_ROOT


def parse_args(argv: Sequence[str] | None, env: Mapping[str, str]) -> LaunchConfig:
    """The launch configuration from flags, then environment variables, then defaults.

    Raises:
        SystemExit: a flag or variable is invalid (argparse prints which).
    """

    def default(name: str, fallback: str) -> str:
        return env.get(name, "").strip() or fallback

    parser = argparse.ArgumentParser(
        prog="python -m dashboard.launcher",
        description="Start a local CloudWatch endpoint, the agent runtime and the dashboard; Ctrl-C stops all.",
    )
    parser.add_argument("--host", default=default("SEGMENT_HOST", "127.0.0.1"), help="interface to bind")
    parser.add_argument("--runtime-port", type=_port, default=default("SEGMENT_RUNTIME_PORT", "8080"))
    parser.add_argument("--dashboard-port", type=_port, default=default("SEGMENT_DASHBOARD_PORT", "8501"))
    parser.add_argument("--cloudwatch-port", type=_port, default=default("SEGMENT_CLOUDWATCH_PORT", "0"))
    parser.add_argument(
        "--cloudwatch",
        choices=("local", "aws", "off"),
        default=default("SEGMENT_CLOUDWATCH", "local"),
        help="local: start moto's server; aws: use the environment's AWS account; off: no metrics",
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=float(default("SEGMENT_STARTUP_TIMEOUT", "90")), metavar="SECONDS"
    )
    args = parser.parse_args(argv)
    if args.cloudwatch not in ("local", "aws", "off"):
        parser.error(f"SEGMENT_CLOUDWATCH must be local, aws or off, got {args.cloudwatch!r}")
    return LaunchConfig(
        host=args.host,
        runtime_port=args.runtime_port,
        dashboard_port=args.dashboard_port,
        cloudwatch_port=args.cloudwatch_port,
        cloudwatch=args.cloudwatch,
        startup_timeout=args.startup_timeout,
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port must be a number from 0 to 65535, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port must be a number from 0 to 65535, got {text!r}")
    return port


def child_environment(base: Mapping[str, str], config: LaunchConfig, cloudwatch_url: str | None) -> dict[str, str]:
    """The environment both children get.

    Args:
        base: the launcher's environment.
        config: the launch configuration.
        cloudwatch_url: the local CloudWatch endpoint (``local`` mode only).
    """
    env = dict(base)
    env["PYTHONUNBUFFERED"] = "1"
    env["SEGMENT_BACKEND"] = "url"
    env["SEGMENT_RUNTIME_URL"] = config.runtime_url
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    if config.cloudwatch == "local":
        if cloudwatch_url is None:
            raise ValueError("local CloudWatch mode needs the endpoint's URL")
        # Only CloudWatch is redirected; dummy keys keep every AWS call of the children off real accounts.
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            env.pop(name, None)
        env.update(DUMMY_CREDENTIALS)
        env["AWS_DEFAULT_REGION"] = env["AWS_REGION"] = LOCAL_REGION
        env["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudwatch_url
        env["SEGMENT_METRICS"] = "cloudwatch"
        env.setdefault("SEGMENT_METRICS_FLUSH_SECONDS", LOCAL_FLUSH_SECONDS)
    elif config.cloudwatch == "aws":
        env.pop("AWS_ENDPOINT_URL_CLOUDWATCH", None)
        env["SEGMENT_METRICS"] = "cloudwatch"
    else:
        env["SEGMENT_METRICS"] = "off"
    return env


def services(config: LaunchConfig, env: Mapping[str, str]) -> list[Service]:
    """The runtime and the dashboard, in start order."""
    runtime = Service(
        name="runtime",
        command=[sys.executable, "-m", "agent", "--host", config.host, "--port", str(config.runtime_port)],
        health_url=f"{config.runtime_url}/ping",
        env=dict(env),
    )
    dashboard = Service(
        name="dashboard",
        command=[
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(STREAMLIT_APP),
            "--server.headless=true",
            f"--server.address={config.host}",
            f"--server.port={config.dashboard_port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        health_url=f"{config.dashboard_url}/_stcore/health",
        env=dict(env),
        healthy_body=b"ok",
    )
    return [runtime, dashboard]


def free_port(host: str) -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def ensure_free(host: str, port: int, flag: str) -> None:
    """Fail with a clear message when `port` is taken.

    Raises:
        LaunchError: the port is in use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As uvicorn, Streamlit and moto bind: connections of a previous run in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise LaunchError(
                f"port {port} on {host} is not available ({exc.strerror}); choose another with {flag}"
            ) from None


def is_healthy(url: str, expected_body: bytes | None = None, timeout: float = 2.0) -> bool:
    """Whether `url` answers 200 (with `expected_body`, when given)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # our own http:// URL
            body = response.read()
    except (urllib.error.URLError, OSError):
        return False
    return response.status == 200 and (expected_body is None or body.strip() == expected_body)


class _Endpoint(Protocol):
    def stop(self) -> None: ...


class Launcher:
    """Starts the services, watches them and stops them.

    Args:
        config: what to start where.
        base_env: the environment the children inherit.
        out: where progress is printed.
    """

    def __init__(self, config: LaunchConfig, base_env: Mapping[str, str], out: _Writer | None = None) -> None:
        self.config = config
        self._base_env = base_env
        self._out = out or sys.stdout
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._endpoint: _Endpoint | None = None
        self.cloudwatch_url: str | None = None
        self.stop_requested = threading.Event()

    def say(self, message: str) -> None:
        """Print a progress line."""
        self._out.write(f"[launcher] {message}\n")
        self._out.flush()

    def start(self) -> None:
        """Start everything and wait until it is healthy.

        Raises:
            LaunchError: a port is taken, a service exited, or one was not healthy in time.
        """
        config = self.config
        ensure_free(config.host, config.runtime_port, "--runtime-port or SEGMENT_RUNTIME_PORT")
        ensure_free(config.host, config.dashboard_port, "--dashboard-port or SEGMENT_DASHBOARD_PORT")
        if config.cloudwatch == "local":
            self.cloudwatch_url = self._start_local_cloudwatch()
        env = child_environment(self._base_env, config, self.cloudwatch_url)
        for service in services(config, env):
            self.say(f"starting the {service.name}: {' '.join(service.command[1:])}")
            # The commands are built here from sys.executable and fixed arguments, never from user input.
            self._processes[service.name] = subprocess.Popen(service.command, env=service.env, cwd=service.cwd)  # noqa: S603
            self._wait_healthy(service)
            self.say(f"the {service.name} is up at {service.health_url} (pid {self._processes[service.name].pid})")

    def _start_local_cloudwatch(self) -> str:
        config = self.config
        if config.cloudwatch_port:
            ensure_free(config.host, config.cloudwatch_port, "--cloudwatch-port or SEGMENT_CLOUDWATCH_PORT")
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as exc:
            raise LaunchError(
                f"the local CloudWatch endpoint needs moto's server ({exc}): install the dev extra "
                "(`pip install -e '.[dev]'`, which `make run` does) or run with --cloudwatch aws|off"
            ) from None
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request at INFO
        server = ThreadedMotoServer(ip_address=config.host, port=config.cloudwatch_port, verbose=False)
        server.start()
        self._endpoint = server
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        self.say(f"local CloudWatch endpoint (moto) at {url}")
        return url

    def _wait_healthy(self, service: Service) -> None:
        deadline = time.monotonic() + self.config.startup_timeout
        process = self._processes[service.name]
        while time.monotonic() < deadline:
            if self.stop_requested.is_set():
                raise LaunchError(f"stopped while the {service.name} was starting")
            if process.poll() is not None:
                raise LaunchError(f"the {service.name} exited with code {process.returncode} while starting")
            if is_healthy(service.health_url, service.healthy_body):
                return
            self.stop_requested.wait(0.25)
        raise LaunchError(
            f"the {service.name} was not healthy at {service.health_url} within "
            f"{self.config.startup_timeout:.0f} s (--startup-timeout)"
        )

    def banner(self) -> str:
        """The lines printed once everything is up."""
        lines = [
            "Customer Segment Agent is running:",
            f"  dashboard   {self.config.dashboard_url}",
            f"  runtime     {self.config.runtime_url}  (POST /invocations, GET /ping)",
        ]
        if self.cloudwatch_url:
            lines.append(f"  cloudwatch  {self.cloudwatch_url}  (local moto server: metrics stay on this machine)")
        elif self.config.cloudwatch == "aws":
            lines.append("  cloudwatch  your AWS account (from the environment)")
        lines.append("Press Ctrl-C to stop.")
        return "\n".join(lines)

    def watch(self) -> int:
        """Wait until a stop is requested (0) or a service exits on its own (1)."""
        while not self.stop_requested.wait(0.5):
            for name, process in self._processes.items():
                if process.poll() is not None:
                    self.say(f"the {name} exited with code {process.returncode}; stopping the rest")
                    return 1
        return 0

    def stop(self) -> None:
        """Stop the children (dashboard first, the runtime flushes its metrics), then the endpoint."""
        for name, process in reversed(self._processes.items()):
            if process.poll() is None:
                self.say(f"stopping the {name}")
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
        for name, process in reversed(self._processes.items()):
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.say(f"the {name} did not stop within {STOP_TIMEOUT_SECONDS:.0f} s; killing it")
                process.kill()
                process.wait()
        if self._endpoint is not None:
            self._endpoint.stop()
            self._endpoint = None
        self.say("stopped")


class _Writer(Protocol):
    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: start, print the URLs, run until Ctrl-C or SIGTERM, stop everything."""
    config = parse_args(argv, os.environ)
    if config.runtime_port == 0:
        config = dataclasses.replace(config, runtime_port=free_port(config.host))
    if config.dashboard_port == 0:
        config = dataclasses.replace(config, dashboard_port=free_port(config.host))
    launcher = Launcher(config, os.environ)

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        launcher.stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        launcher.start()
    except LaunchError as exc:
        launcher.say(f"could not start: {exc}")
        launcher.stop()
        return 1
    launcher.say(launcher.banner())
    code = launcher.watch()
    launcher.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
