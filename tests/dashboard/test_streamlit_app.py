"""The dashboard's entry: its process logs the in-process agent's lines as ours, never with customer data."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import agent.handler
from agent.assistant import Assistant
from dashboard.client.base import AgentError
from dashboard.client.inprocess import InProcessClient
from tests.agent.payloads import FailingExplainer, seed_payload
from tests.agent.scripted_model import ScriptedModel
from tests.dashboard.apptest import open_app

SECRET_ID = "PIIMARK-DASH-7"


@contextmanager
def logging_left_to_the_app() -> Iterator[None]:
    """The root logger without handlers, as `streamlit run` leaves it; the test runner's set-up is put back after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    levels = {name: logging.getLogger(name).level for name in list(logging.root.manager.loggerDict)}
    root.handlers.clear()
    try:
        yield
    finally:
        root.handlers[:], root.level = saved
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_the_in_process_agent_logs_json_lines_without_customer_data(monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    payload = seed_payload()
    payload["customerData"]["customerId"] = payload["customerData"]["customer"]["customerId"] = SECRET_ID
    cut_off = json.dumps({"customer_data": payload["customerData"]})[:120]
    monkeypatch.setattr(agent.handler, "explainer_from_env", FailingExplainer)  # its error quotes the customer id
    monkeypatch.setattr(agent.handler, "assistant_from_env", lambda: Assistant(lambda: ScriptedModel([
        {"tool": "analyze_customer", "raw_input": cut_off}, "Sorry."]), 5))
    client = InProcessClient()

    with logging_left_to_the_app():
        open_app()
        with pytest.raises(AgentError):
            client.invoke(payload, session_id="s" * 40)
        client.invoke({"prompt": f"How is {SECRET_ID}?", "asOf": "2026-02-12"}, session_id="s" * 40)
        logged = capsys.readouterr().err

    assert SECRET_ID not in logged
    entries: list[dict[str, Any]] = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    assert [(e["logger"], e["message"], e.get("errorType")) for e in entries if e["level"] != "INFO"] == [
        ("agent.handler", "unexpected failure", "RuntimeError"),
        ("strands.event_loop.streaming", "tool_name=<<str>>, raw_input=<<str>> | failed to parse tool input json, "
                                         "defaulting to empty dict", None)]
