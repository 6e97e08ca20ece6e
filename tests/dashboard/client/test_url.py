"""The runtime-URL backend's retries: a busy runtime (503, 429) is retried with backoff, then answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agent.handler import handle
from dashboard.client import AgentError
from dashboard.client.url import SESSION_HEADER, RuntimeUrlClient
from dashboard.settings import Settings

SESSION = "dashboard-0123456789abcdef0123456789abcdef"


class BusyRuntime:
    """An /invocations endpoint on loopback that answers `busy` statuses first, then the handler's answer."""

    def __init__(self, busy: list[int]) -> None:
        self.busy = list(busy)
        self.sessions: list[str] = []
        runtime = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                runtime.sessions.append(self.headers.get(SESSION_HEADER, ""))
                if runtime.busy:
                    status, out = runtime.busy.pop(0), b'{"error": "busy"}'
                else:
                    reply = handle(json.loads(body))
                    status, out = reply.status, json.dumps(reply.body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def busy_runtime(request: pytest.FixtureRequest) -> Iterator[BusyRuntime]:
    runtime = BusyRuntime(request.param)
    thread = threading.Thread(target=runtime.server.serve_forever, daemon=True)
    thread.start()
    yield runtime
    runtime.server.shutdown()
    runtime.server.server_close()


@pytest.mark.parametrize("busy_runtime", [[503, 429]], indirect=True)
def test_a_busy_runtime_is_retried_until_it_answers(busy_runtime: BusyRuntime) -> None:
    client = RuntimeUrlClient(Settings(backend="url", runtime_url=busy_runtime.url, max_attempts=3))

    body = client.invoke({"region": "Ege", "asOf": "2026-02-12"}, session_id=SESSION)

    assert body["analysis"]["region"] == "Ege"
    assert busy_runtime.sessions == [SESSION, SESSION, SESSION]


@pytest.mark.parametrize("busy_runtime", [[503, 503, 503]], indirect=True)
def test_a_runtime_busy_beyond_the_attempts_is_an_error(busy_runtime: BusyRuntime) -> None:
    client = RuntimeUrlClient(Settings(backend="url", runtime_url=busy_runtime.url, max_attempts=2))

    with pytest.raises(AgentError) as caught:
        client.invoke({"region": "Ege"}, session_id=SESSION)

    assert (caught.value.code, caught.value.status, caught.value.message) == ("runtime_error", 503, "busy")
    assert len(busy_runtime.sessions) == 2


@pytest.mark.parametrize("busy_runtime", [[]], indirect=True)
def test_a_runtime_without_a_model_is_asked_once(busy_runtime: BusyRuntime) -> None:
    client = RuntimeUrlClient(Settings(backend="url", runtime_url=busy_runtime.url, max_attempts=4))

    with pytest.raises(AgentError) as caught:
        client.invoke({"prompt": "Which customers are at risk?", "asOf": "2026-02-12"}, session_id=SESSION)

    assert (caught.value.code, caught.value.status) == ("model_unavailable", 503)
    assert busy_runtime.sessions == [SESSION]
