"""Invocation spans: attributes that describe the invocation, error status for failed outcomes."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import INVALID_SPAN, SpanKind, StatusCode

from agent.telemetry import InvocationRecord, annotate_span, invocation_span


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
