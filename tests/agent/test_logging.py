"""Logs are JSON lines with the request id, mode, duration and outcome, and never customer data."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from bedrock_agentcore.runtime.context import BedrockAgentCoreContext
from starlette.testclient import TestClient

from agent.app import create_app
from agent.assistant import Assistant
from agent.explain import ModelExplainer
from agent.logging import JsonFormatter, configure_logging, configure_logging_once
from agent.runtime import Runtime
from tests.agent.conftest import ListRecorder
from tests.agent.payloads import FailingExplainer, seed_payload
from tests.agent.scripted_model import ScriptedModel

SECRET_ID = "CUST-7f3a-SECRET"
SECRET_PRODUCT = "Zebra Glow Serum 9000"
SECRET_CITY = "Gizlikent"


@pytest.fixture
def json_logs() -> Iterator[Any]:
    """The production logging set-up at DEBUG, writing to a buffer; the previous set-up is restored after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    levels = {name: logging.getLogger(name).level for name in list(logging.root.manager.loggerDict)}
    buffer = io.StringIO()
    configure_logging("DEBUG", buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.handlers[:], root.level = saved
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def secret_payload(**extra: Any) -> dict[str, Any]:
    payload = seed_payload(**extra)
    data = payload["customerData"]
    data["customerId"] = data["customer"]["customerId"] = SECRET_ID
    data["city"] = data["customer"]["city"] = SECRET_CITY
    data["customer"]["productHistory"][0]["productName"] = SECRET_PRODUCT
    return payload


def test_the_formatter_keeps_whitelisted_fields_only() -> None:
    record = logging.LogRecord("agent.handler", logging.INFO, __file__, 1, "invocation %s %s", ("customer", "ok"), None)
    record.__dict__.update({"requestId": "r-1", "mode": "customer", "durationMs": 1.5, "customerData": {"x": 1}})

    entry = json.loads(JsonFormatter().format(record))

    assert {k: v for k, v in entry.items() if k != "timestamp"} == {
        "level": "INFO", "logger": "agent.handler", "message": "invocation customer ok", "requestId": "r-1",
        "mode": "customer", "durationMs": 1.5}


@pytest.mark.parametrize(("name", "template", "args", "message"), [
    ("strands.event_loop.streaming", "tool_name=<%s>, raw_input=<%s> | failed to parse tool input json",
     ("analyze_customer", f'{{"customer_data": {{"customerId": "{SECRET_ID}'),
     "tool_name=<<str>>, raw_input=<<str>> | failed to parse tool input json"),
    ("bedrock_agentcore.app", "Invocation returned HTTP %d (%.3fs)", (400, 0.0123), "Invocation returned HTTP 400 "
                                                                                    "(0.012s)"),
    ("httpx", "%(method)s %(status)d", {"method": SECRET_CITY, "status": 503}, "<str> 503"),
    ("openai", "retrying in %d s", (SECRET_ID,), "retrying in %d s"),  # the template alone, when "<str>" won't fit
    ("agent.handler", "invocation %s %s", ("customer", "ok"), "invocation customer ok"),
    # Built by the library itself (an f-string): its key=<value> fields that are no number are left out.
    ("strands.tools.tools", f"tool_name=<analyze {SECRET_ID} {SECRET_CITY}>, tool_name_max_length=<64> | invalid "
     "tool name length", (), "tool_name=<…>, tool_name_max_length=<64> | invalid tool name length"),
    ("uvicorn.error", "Uvicorn running on %s://%s:%d", ("http", "127.0.0.1", 8080), "Uvicorn running on "
                                                                                   "http://127.0.0.1:8080"),
])
def test_a_third_party_line_keeps_its_template_and_numbers_only(name: str, template: str, args: Any,
                                                                message: str) -> None:
    record = logging.LogRecord(name, logging.WARNING, __file__, 1, template, args, None)

    assert json.loads(JsonFormatter().format(record))["message"] == message


def test_a_line_logged_while_a_request_is_served_carries_its_id() -> None:
    def logged_with(request_id: str | None) -> dict[str, Any]:
        if request_id is not None:
            BedrockAgentCoreContext.set_request_context(request_id)
        record = logging.LogRecord("bedrock_agentcore.app", logging.WARNING, __file__, 1, "Invocation returned HTTP "
                                   "400", (), None)
        entry: dict[str, Any] = json.loads(JsonFormatter().format(record))
        return entry

    # Each in a context of its own, as each request is served in one.
    assert contextvars.copy_context().run(logged_with, "req-42")["requestId"] == "req-42"
    assert "requestId" not in contextvars.copy_context().run(logged_with, None)


def test_exceptions_are_logged_as_type_and_frames_without_their_message() -> None:
    try:
        raise ValueError(f"bad value for {SECRET_ID}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert entry["errorType"] == "ValueError"
    assert entry["stack"][0].endswith("in test_exceptions_are_logged_as_type_and_frames_without_their_message")
    assert SECRET_ID not in json.dumps(entry)


def test_no_customer_data_reaches_the_logs(json_logs: Any) -> None:
    recorder = ListRecorder()
    runtime = Runtime(ModelExplainer(lambda: ScriptedModel([f"{SECRET_ID} in {SECRET_CITY} loves {SECRET_PRODUCT}"]),
                                     timeout_s=5),
                      Assistant(lambda: ScriptedModel([
                          {"tool": "analyze_customer", "input": {"customer_data": secret_payload()["customerData"]}},
                          f"{SECRET_ID} is Aktif"]), timeout_s=5),
                      recorder)
    failing = Runtime(FailingExplainer(), None, recorder)
    broken = secret_payload()
    broken["customerData"]["customer"]["age"] = SECRET_PRODUCT
    headers = {"X-Amzn-Bedrock-AgentCore-Runtime-Request-Id": "log-1"}

    with TestClient(create_app(runtime)) as client:
        ok = client.post("/invocations", json=secret_payload(), headers=headers)
        cohort = client.post("/invocations", json={"cohort": {"customers": [secret_payload()["customerData"][
            "customer"]]}, "explain": False})
        invalid = client.post("/invocations", json=broken)
        malformed = client.post("/invocations", content=f'{{"customerId": "{SECRET_ID}", '.encode())
        prompt = client.post("/invocations", json={"prompt": f"Analyse {SECRET_ID} from {SECRET_CITY}"})
    with TestClient(create_app(failing)) as client:
        failed = client.post("/invocations", json=secret_payload())
    bad_model = Runtime(ModelExplainer(lambda: ScriptedModel([RuntimeError(SECRET_PRODUCT)]), 5), None, recorder)
    with TestClient(create_app(bad_model)) as client:
        fallback = client.post("/invocations", json=secret_payload())

    assert [r.status_code for r in (ok, cohort, invalid, malformed, prompt, failed, fallback)] == [
        200, 200, 400, 400, 200, 500, 200]
    assert SECRET_PRODUCT in invalid.text  # the caller is told what was wrong with their own data...
    entries = json_logs()
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in entries)
    for secret in (SECRET_ID, SECRET_PRODUCT, SECRET_CITY):
        assert secret not in text  # ...but the logs never hold it
    invocations = [e for e in entries if e["logger"] == "agent.handler" and e["message"].startswith("invocation")]
    assert [(e["mode"], e["outcome"], e["status"]) for e in invocations] == [
        ("customer", "ok", 200), ("cohort", "ok", 200), ("customer", "invalid_input", 400),
        ("invalid", "malformed_json", 400), ("prompt", "ok", 200), ("customer", "internal_error", 500),
        ("customer", "ok", 200)]
    assert invocations[0]["requestId"] == "log-1"
    assert all(isinstance(e["durationMs"], float) and e["requestId"] for e in invocations)
    [failure] = [e for e in entries if e["message"] == "unexpected failure"]
    assert (failure["errorType"], failure["requestId"]) == ("RuntimeError", failed.json()["requestId"])
    assert [e["message"] for e in entries if e.get("event") == "model_fallback"] == [
        "model explanation failed, the template answers: the model call failed (RuntimeError)"]


def test_a_cut_off_tool_input_is_logged_without_it_and_with_the_request_id(json_logs: Any) -> None:
    cut_off = json.dumps({"customer_data": secret_payload()["customerData"]})[:120]
    assistant = Assistant(lambda: ScriptedModel([{"tool": "analyze_customer", "raw_input": cut_off}, "sorry"]),
                          timeout_s=5)
    with TestClient(create_app(Runtime(ModelExplainer(lambda: ScriptedModel([]), 5), assistant, ListRecorder()))) \
            as client:
        reply = client.post("/invocations", json={"prompt": f"Analyse {SECRET_ID}", "asOf": "2026-02-12"},
                            headers={"X-Amzn-Bedrock-AgentCore-Runtime-Request-Id": "req-cut"})

    assert reply.status_code == 200
    [warning] = [e for e in json_logs() if e["logger"] == "strands.event_loop.streaming"]
    assert {k: v for k, v in warning.items() if k != "timestamp"} == {
        "level": "WARNING", "logger": "strands.event_loop.streaming", "requestId": "req-cut",
        "message": "tool_name=<<str>>, raw_input=<<str>> | failed to parse tool input json, defaulting to empty dict"}


def test_configure_logging_once_keeps_a_set_up_the_host_made() -> None:
    root = logging.getLogger()
    host = logging.StreamHandler(io.StringIO())
    saved = root.handlers[:]
    root.handlers[:] = [host]
    try:
        configure_logging_once()
        kept = root.handlers[:]
    finally:
        root.handlers[:] = saved

    assert kept == [host]
