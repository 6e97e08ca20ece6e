"""Invocation spans: attributes that describe the invocation, error status for failed outcomes."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import INVALID_SPAN, SpanKind, StatusCode
from strands.telemetry import tracer as strands_tracer

from agent.assistant import Assistant
from agent.explain.model import ModelExplainer
from agent.handler import handle
from agent.telemetry import InvocationRecord, annotate_span, invocation_span, redact_model_content
from agent.telemetry.tracing import STRANDS_FAILED, TOOL_FAILED
from tests.agent.scripted_model import ScriptedModel


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def test_a_span_per_invocation_with_its_description(provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
    record = InvocationRecord("cohort", "ok", 12.5, "template", {"churnSegment": {"Aktif": 3}})
    session = "dashboard-session-0000000000000000001"

    with invocation_span(session_id=session, tracer_provider=provider) as span:
        annotate_span(span, record)

    [finished] = exporter.get_finished_spans()
    assert finished.name == "segment_agent.invocation"
    assert finished.kind == SpanKind.INTERNAL
    assert dict(finished.attributes or {}) == {
        "session.id": session,
        "segment_agent.mode": "cohort",
        "segment_agent.outcome": "ok",
        "segment_agent.explanation_source": "template",
        "segment_agent.duration_ms": 12.5,
    }
    assert finished.status.status_code == StatusCode.UNSET


def test_a_failed_outcome_marks_the_span_as_an_error(provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
    with invocation_span(tracer_provider=provider) as span:
        annotate_span(span, InvocationRecord("customer", "invalid_input", 1.0))

    [finished] = exporter.get_finished_spans()
    assert finished.status.status_code == StatusCode.ERROR
    assert finished.status.description == "invalid_input"
    assert "session.id" not in (finished.attributes or {})


def test_an_exception_is_recorded_on_the_span(provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
    with pytest.raises(RuntimeError), invocation_span(tracer_provider=provider):
        raise RuntimeError("boom")

    [finished] = exporter.get_finished_spans()
    assert finished.status.status_code == StatusCode.ERROR
    assert [event.name for event in finished.events] == ["exception"]


def test_annotating_a_span_that_records_nothing_is_harmless() -> None:
    annotate_span(INVALID_SPAN, InvocationRecord("customer", "internal_error", 1.0))

    assert not INVALID_SPAN.is_recording()


def test_model_content_is_redacted_unless_an_operator_chose_what_to_keep() -> None:
    empty: dict[str, str] = {}
    other = {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental"}
    chosen = {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_unredacted_attributes=gen_ai.output.*"}

    for env in (empty, other, chosen):
        redact_model_content(env)

    assert empty == {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_unredacted_attributes="}
    assert other == {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental,gen_ai_unredacted_attributes="}
    assert chosen == {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_unredacted_attributes=gen_ai.output.*"}


def test_no_customer_data_reaches_the_strands_spans(monkeypatch: pytest.MonkeyPatch, provider: TracerProvider,
                                                    exporter: InMemorySpanExporter) -> None:
    # AgentCore stores spans as logs (aws/spans): the model's messages and the tools' inputs and results, which hold
    # the customer's data, must not be in them. Strands builds its tracer once, reading the environment then.
    monkeypatch.delenv("OTEL_SEMCONV_STABILITY_OPT_IN", raising=False)
    monkeypatch.setattr(strands_tracer, "_tracer_instance", None)
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    customer: dict[str, object] = {"customerId": "ZZCUST77", "city": "Zyxcity", "age": 47, "registeredAt": "2024-01-01",
                "productHistory": [{"productId": "ZPROD9", "productName": "Zorblax Serum", "category": "SKINCARE",
                                    "totalQuantity": 3, "totalSpent": 300.0, "orderCount": 3,
                                    "lastPurchase": "2026-02-01"}]}
    explainer = ModelExplainer(lambda: ScriptedModel(["Explained."]), 5)
    assistant = Assistant(lambda: ScriptedModel([
        # Calls that fail: a made-up tool, and an input whose error quotes its value; then one that works.
        {"tool": "Zyxtool_ZZCUST77", "input": {"q": "Zyxcity"}},
        {"tool": "analyze_customer", "input": {"customer_data": {"customer": {**customer, "age": "Zyxbadage"}}}},
        {"tool": "profile_region", "input": {"region": "Zyxregion"}},
        {"tool": "analyze_customer", "input": {"customer_data": {"customer": customer}}}, "Done."]), 5)

    with invocation_span(tracer_provider=provider):
        explained = handle({"customerData": {"customer": customer}, "asOf": "2026-02-12"}, explainer=explainer)
    with invocation_span(tracer_provider=provider):
        answered = handle({"prompt": "How is ZZCUST77 doing?", "asOf": "2026-02-12"}, assistant=assistant)

    assert explained.body["explanationSource"] == "model"
    assert answered.body["toolsUsed"] == ["analyze_customer", "profile_region", "analyze_customer"]
    spans = exporter.get_finished_spans()
    tool_spans = [span for span in spans if span.name.startswith("execute_tool")]
    assert {"chat", "execute_tool analyze_customer"} <= {span.name for span in spans}
    failed = (StatusCode.ERROR, "the tool call failed (what was wrong went to the model only)")
    assert [(span.name, span.status.status_code, span.status.description) for span in tool_spans] == [
        ("execute_tool unknown_tool", *failed), ("execute_tool analyze_customer", *failed),
        ("execute_tool profile_region", *failed), ("execute_tool analyze_customer", StatusCode.OK, None)]
    # The exceptions keep their type only (their messages quote the input).
    assert [dict(event.attributes or {}) for span in tool_spans for event in span.events if event.name == "exception"
            ] == [{"exception.type": kind} for kind in ("Exception", "InvalidInput", "InvalidInput")]
    exported = json.dumps([[span.name, span.status.description, dict(span.attributes or {}),
                            [dict(event.attributes or {}) for event in span.events]] for span in spans], default=str)
    assert [text for text in ("ZZCUST77", "Zyx", "ZPROD9", "Zorblax") if text in exported] == []


@pytest.fixture
def strands_traced(monkeypatch: pytest.MonkeyPatch, provider: TracerProvider) -> None:
    """Strands' spans go to `provider`, with the redaction and scrubbing the runtime sets up (Strands builds its
    tracer once, reading the environment then; the explainer and the assistant add the scrubber to the provider)."""
    monkeypatch.delenv("OTEL_SEMCONV_STABILITY_OPT_IN", raising=False)
    monkeypatch.setattr(strands_tracer, "_tracer_instance", None)
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)


def _exported(exporter: InMemorySpanExporter) -> str:
    return json.dumps([[span.name, span.status.description, dict(span.attributes or {}),
                        [dict(event.attributes or {}) for event in span.events]]
                       for span in exporter.get_finished_spans()], default=str)


@pytest.mark.usefixtures("strands_traced")
def test_a_failed_model_call_leaves_its_error_text_out_of_the_strands_spans(exporter: InMemorySpanExporter) -> None:
    # A model's error may quote the request it was sent, which holds the customer's data.
    explainer = ModelExplainer(lambda: ScriptedModel([RuntimeError("cannot read 'Zyxcity' of ZZCUST77")]), 5)

    reply = handle({"customerData": {"customer": {"customerId": "C-1", "age": 40, "productHistory": []}},
                    "asOf": "2026-02-12"}, explainer=explainer)

    assert reply.body["explanationSource"] == "template"
    failed = [(span.name, span.status.status_code, span.status.description,
               [dict(event.attributes or {}) for event in span.events if event.name == "exception"])
              for span in exporter.get_finished_spans() if span.status.status_code == StatusCode.ERROR]
    expected = (StatusCode.ERROR, STRANDS_FAILED, [{"exception.type": "RuntimeError"}])
    assert failed == [(name, *expected) for name in ("chat", "execute_event_loop_cycle", "invoke_agent Strands Agents")]
    assert [text for text in ("ZZCUST77", "Zyx") if text in _exported(exporter)] == []


@pytest.mark.usefixtures("strands_traced")
def test_scrubbing_a_failed_tool_call_logs_no_warning_quoting_its_error(exporter: InMemorySpanExporter,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    # The SDK warns, quoting the description, when a Status comes with a description beside it.
    customer = {"customerId": "ZZCUST77", "age": "Zyxbadage", "productHistory": []}
    assistant = Assistant(lambda: ScriptedModel([
        {"tool": "analyze_customer", "input": {"customer_data": {"customer": customer}}}, "Done."]), 5)

    with caplog.at_level(logging.WARNING):
        answered = handle({"prompt": "How is ZZCUST77 doing?", "asOf": "2026-02-12"}, assistant=assistant)

    assert answered.status == 200
    [tool_span] = [span for span in exporter.get_finished_spans() if span.name.startswith("execute_tool")]
    assert (tool_span.status.status_code, tool_span.status.description) == (StatusCode.ERROR, TOOL_FAILED)
    # (Strands' "Attempting to instrument while already instrumented", for one, may be there.)
    assert [(record.name, record.getMessage()) for record in caplog.records
            if record.name == "opentelemetry.sdk.trace" or "Zyx" in record.getMessage()] == []
