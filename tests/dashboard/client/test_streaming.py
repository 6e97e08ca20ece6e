"""Server-sent events: decoding, and the URL backend reading a real streaming AgentCore app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
import pytest
import uvicorn
from bedrock_agentcore import BedrockAgentCoreApp

from agent.handler import handle
from dashboard.client import AgentError, make_client
from dashboard.client.calls import profile_region
from dashboard.client.sse import decode_events, merge_events
from dashboard.settings import Settings

SESSION = "dashboard-0123456789abcdef0123456789abcdef"


def test_decode_events_reads_json_multi_line_and_plain_data() -> None:
    lines = [
        b"data: {\"delta\": \"Hel\"}", b"", b": a comment", b"event: message", b"data: \"lo\"", b"",
        b"data: {\"a\":", b"data:  1}", b"", b"data: not json", b"",
    ]

    assert decode_events(lines) == [{"delta": "Hel"}, "lo", {"a": 1}, "not json"]


def test_merge_events_joins_text_and_merges_objects() -> None:
    events = [{"delta": "Hel"}, "lo", {"analysis": {"x": 1}}, {"text": "!"}, {"analysis": {"x": 2}, "extra": True}]

    assert merge_events(events) == {"analysis": {"x": 2}, "extra": True, "text": "Hello!"}


@contextmanager
def _streaming_runtime() -> Iterator[str]:
    """An AgentCore app whose entrypoint streams: the handler's answer as one event, then its text in pieces."""
    app = BedrockAgentCoreApp()

    @app.entrypoint
    def invoke(payload: Any) -> Iterator[Any]:
        reply = handle(payload)
        if reply.status != 200:
            raise RuntimeError(f"the handler answered {reply.status}")
        body = dict(reply.body)
        explanation = body.pop("explanation")
        yield body
        text = explanation["content"][0]["text"] if explanation else ""
        for start in range(0, len(text), 40):
            yield {"delta": text[start:start + 40]}

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the streaming app did not start"
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_url_backend_reads_an_event_stream_like_a_json_answer() -> None:
    payload = {"region": "Karadeniz", "asOf": "2026-02-12", "explain": True}
    expected = handle(payload).body

    with _streaming_runtime() as url:
        response = httpx.post(f"{url}/invocations", json=payload)
        assert response.headers["content-type"].startswith("text/event-stream")
        client = make_client(Settings(backend="url", runtime_url=url))
        answer = profile_region(client, "Karadeniz", as_of=date(2026, 2, 12),
                                session_id=SESSION, explain=True)

    assert answer.analysis == expected["analysis"]
    assert answer.explanation == expected["explanation"]["content"][0]["text"]
    assert answer.explanation_source == "template"


def test_an_error_in_the_middle_of_a_stream_is_an_agent_error() -> None:
    with _streaming_runtime() as url:
        client = make_client(Settings(backend="url", runtime_url=url))
        with pytest.raises(AgentError) as caught:
            client.invoke({"region": 42}, session_id=SESSION)

    assert caught.value.code == "runtime_error"
    assert "the handler answered 400" in caught.value.message
