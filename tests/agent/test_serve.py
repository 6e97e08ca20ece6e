"""Real servers on 127.0.0.1: the container's command (`python -m agent`) and `segment serve --workers 2`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.agent import dockerfile
from tests.agent.model_stubs import OpenAIStub
from tests.agent.payloads import seed_payload
from tests.agent.servers import free_port, server_process, stop

# The Dockerfile's CMD (test_dockerfile checks they are equal).
RUNTIME_COMMAND = ["opentelemetry-instrument", "python", "-m", "agent"]
VENV_BIN = Path(sys.executable).parent
REQUEST_ID = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"


def container_env(port: int, **extra: str) -> dict[str, str]:
    """The image's environment, bound to loopback on `port`, with this virtualenv's `python` first on PATH."""
    return {**dockerfile.env(), "SEGMENT_HOST": "127.0.0.1", "SEGMENT_PORT": str(port), "SEGMENT_MODEL_PROVIDER": "",
            "SEGMENT_METRICS": "off",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", **extra}


def json_lines(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]  # every line must be JSON


def run_health_check(env: dict[str, str]) -> int:
    _, command = dockerfile.healthcheck()
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, timeout=30, check=False).returncode


def test_the_container_command_serves_ping_and_invocations(tmp_path: Path) -> None:
    port = free_port()
    env = container_env(port)

    with server_process(RUNTIME_COMMAND, env, port, tmp_path / "server.log") as server, \
            httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        ping = http.get("/ping")
        ok = http.post("/invocations", json=seed_payload(), headers={REQUEST_ID: "proc-1"})
        invalid = http.post("/invocations", json={"customerData": {"customer": {"age": -2}}})
        malformed = http.post("/invocations", content=b"{nope", headers={REQUEST_ID: "proc-3"})
        healthy = run_health_check(env)

    assert ping.status_code == 200
    assert (ok.status_code, ok.json()["analysis"]["churnSegment"], ok.json()["requestId"]) == (200, "Aktif", "proc-1")
    assert invalid.status_code == 400
    assert (malformed.status_code, malformed.json()["error"]["code"]) == (400, "malformed_json")
    assert healthy == 0
    # A graceful shutdown, after which uvicorn re-raises the SIGTERM it caught (so supervisors see the signal).
    assert server.process.returncode == -signal.SIGTERM
    assert run_health_check(env) != 0  # and the health check notices the server is gone
    logs = json_lines(server.log_lines())
    [line] = [entry for entry in logs if entry.get("requestId") == "proc-1"]
    assert {k: line[k] for k in ("logger", "mode", "outcome", "status", "explanationSource")} == {
        "logger": "agent.handler", "mode": "customer", "outcome": "ok", "status": 200, "explanationSource": "template"}
    assert line["durationMs"] > 0
    assert [e["outcome"] for e in logs if e.get("requestId") == "proc-3"] == ["malformed_json"]
    messages = [e["message"] for e in logs]
    assert messages[-3:] == ["Waiting for application shutdown.", "Application shutdown complete.",
                             f"Finished server process [{server.process.pid}]"]


def test_segment_serve_with_two_workers(tmp_path: Path) -> None:
    port = free_port()
    command = [str(VENV_BIN / "segment"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]

    with server_process(command, {"SEGMENT_MODEL_PROVIDER": ""}, port, tmp_path / "server.log") as server, \
            httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        replies = [http.post("/invocations", json=seed_payload(explain=False), headers={"Connection": "close"})
                   for _ in range(6)]
        # /ping answered once one worker was up; wait for the other too, so that both are in the log.
        deadline = time.monotonic() + 20
        while server.log.read_text().count("Application startup complete.") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)

    assert [r.status_code for r in replies] == [200] * 6
    assert server.process.returncode == 0  # the parent of several workers exits normally
    messages = [e["message"] for e in json_lines(server.log_lines())]
    assert sum(m.startswith("Started server process") for m in messages) == 2
    assert sum(m == "Application shutdown complete." for m in messages) == 2


def test_requests_in_flight_finish_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    with OpenAIStub(["## Slow but complete"], delay_s=1.5) as stub:
        env = container_env(port, SEGMENT_MODEL_PROVIDER="openai", SEGMENT_OPENAI_BASE_URL=stub.base_url,
                            SEGMENT_OPENAI_MODEL="slow-model", SEGMENT_MODEL_TIMEOUT_S="10")
        with server_process(RUNTIME_COMMAND, env, port, tmp_path / "server.log") as server:
            replies: list[httpx.Response] = []
            caller = threading.Thread(target=lambda: replies.append(
                httpx.post(f"http://127.0.0.1:{port}/invocations", json=seed_payload(), timeout=30)))
            caller.start()
            deadline = time.monotonic() + 10
            while not stub.requests and time.monotonic() < deadline:
                time.sleep(0.02)  # the model call is under way: the request is in flight
            exit_code = stop(server.process)
            caller.join(timeout=30)

    assert stub.requests, "the model was never called"
    assert exit_code == -signal.SIGTERM
    assert "Application shutdown complete." in [e["message"] for e in json_lines(server.log_lines())]
    [reply] = replies
    assert reply.status_code == 200
    assert (reply.json()["explanationSource"], reply.json()["explanation"]["content"][0]["text"]) == (
        "model", "## Slow but complete")


def test_an_invalid_model_configuration_stops_the_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "segment"), "serve", "--port", str(free_port())], capture_output=True, text=True, timeout=60,
        env={**os.environ, "SEGMENT_MODEL_PROVIDER": "bedrock", "SEGMENT_MODEL_ID": ""}, check=False,
    )

    assert result.returncode == 2
    assert "error: SEGMENT_MODEL_ID is required when SEGMENT_MODEL_PROVIDER is 'bedrock'" in result.stderr


def test_an_invalid_metrics_configuration_stops_the_start() -> None:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "agent", "--port", str(free_port())], capture_output=True, text=True,
        timeout=60, env={**os.environ, "SEGMENT_METRICS": "none"}, check=False,
    )

    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "error: SEGMENT_METRICS must be 'cloudwatch' or 'off', got 'none'"
    assert "Traceback" not in result.stderr


def test_an_invalid_body_limit_stops_the_start() -> None:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "agent", "--port", str(free_port())], capture_output=True, text=True,
        timeout=60, env={**os.environ, "SEGMENT_MAX_BODY_MB": "0"}, check=False,
    )

    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == \
        "error: SEGMENT_MAX_BODY_MB must be a whole number of megabytes from 1 to 1024, got '0'"
    assert "Traceback" not in result.stderr
