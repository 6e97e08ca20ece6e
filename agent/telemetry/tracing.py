"""OpenTelemetry spans for invocations, through the global OpenTelemetry API.

Nothing here installs a tracer provider. Locally the global provider is the API's no-op proxy, so spans cost
next to nothing and go nowhere. In the container, ``opentelemetry-instrument`` (aws-opentelemetry-distro)
installs the provider and exports the spans to AgentCore observability, where they sit under the request's
server span beside the Strands agent's own spans (``invoke_agent``, ``chat``, ``execute_tool``).

Usage in the runtime's handler::

    with invocation_span(session_id=context.session_id) as span:
        response, record = handle(payload)
        annotate_span(span, record)
    recorder.record(record)

The attributes describe the invocation, never its customers: mode, outcome, explanation source and duration.
The Strands agent's spans would carry the model's messages, tool inputs and tool results (customer ids,
cities, product names) unless `redact_model_content` switches Strands' redaction on; the explainer and the
assistant do so when they are built, before their first Strands agent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Final

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider

from agent.telemetry.record import InvocationRecord

TRACER_NAME: Final = "customer_segment_agent"
SPAN_NAME: Final = "segment_agent.invocation"

MODE: Final = "segment_agent.mode"
OUTCOME: Final = "segment_agent.outcome"
EXPLANATION_SOURCE: Final = "segment_agent.explanation_source"
DURATION_MS: Final = "segment_agent.duration_ms"
SESSION_ID: Final = "session.id"

SEMCONV_OPT_IN: Final = "OTEL_SEMCONV_STABILITY_OPT_IN"
UNREDACTED_ATTRIBUTES: Final = "gen_ai_unredacted_attributes="


def redact_model_content(env: MutableMapping[str, str] | None = None) -> None:
    """Make Strands replace message and tool content in its spans with ``[REDACTED]``, unless told otherwise.

    Strands redacts when ``OTEL_SEMCONV_STABILITY_OPT_IN`` holds a ``gen_ai_unredacted_attributes=<list>`` token
    and keeps only the attributes listed; an empty list redacts them all. Without the token it exports
    everything, and AgentCore stores spans as logs (``aws/spans``), so customer data would land there. An
    operator's own token (``gen_ai_unredacted_attributes=gen_ai.output.*``) is kept, as are other tokens.

    Strands reads the variable once, when its first agent builds its tracer: call this before that.

    Args:
        env: the environment to change; ``os.environ`` when None.
    """
    env = os.environ if env is None else env
    tokens = [token.strip() for token in env.get(SEMCONV_OPT_IN, "").split(",") if token.strip()]
    if not any(token.startswith(UNREDACTED_ATTRIBUTES) for token in tokens):
        env[SEMCONV_OPT_IN] = ",".join([*tokens, UNREDACTED_ATTRIBUTES])


@contextmanager
def invocation_span(*, session_id: str | None = None, tracer_provider: TracerProvider | None = None) -> Iterator[Span]:
    """A span around one invocation, current while the block runs.

    An exception escaping the block is recorded on the span and marks it as an error.

    Args:
        session_id: the AgentCore runtime session id, if the request had one (an opaque id, not customer
            data); AgentCore's observability groups traces by ``session.id``.
        tracer_provider: where the span goes; the global provider when None.
    """
    attributes = {SESSION_ID: session_id} if session_id else None
    tracer = trace.get_tracer(TRACER_NAME, tracer_provider=tracer_provider)
    with tracer.start_as_current_span(SPAN_NAME, kind=SpanKind.INTERNAL, attributes=attributes) as span:
        yield span


def annotate_span(span: Span, record: InvocationRecord) -> None:
    """Describe the invocation on its span; an outcome other than ``ok`` marks the span as an error."""
    if not span.is_recording():
        return
    span.set_attributes(
        {
            MODE: record.mode,
            OUTCOME: record.outcome,
            EXPLANATION_SOURCE: record.explanation_source,
            DURATION_MS: float(record.duration_ms),
        }
    )
    if record.outcome != "ok":
        span.set_status(Status(StatusCode.ERROR, record.outcome))


def annotate_current_span(record: InvocationRecord) -> None:
    """`annotate_span` on whatever span is current (a no-op when none is recording)."""
    annotate_span(trace.get_current_span(), record)
