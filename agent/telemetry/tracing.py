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
assistant do so when they are built, before their first Strands agent. Strands' redaction leaves a failed tool
call's error (which quotes the offending value), and a failed model call's, in its spans' status and exception
events, and a tool name the model made up in the span's name: `scrub_strands_spans` keeps those out too.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any, Final

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace import Span as SdkSpan
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

STRANDS_TRACER: Final = "strands.telemetry.tracer"  # the instrumentation scope of every span Strands makes
TOOL_SPAN: Final = "execute_tool"  # Strands names a tool call's span "execute_tool <tool name>"
TOOL_NAME: Final = "gen_ai.tool.name"
UNKNOWN_TOOL: Final = "unknown_tool"
TOOL_FAILED: Final = "the tool call failed (what was wrong went to the model only)"
STRANDS_FAILED: Final = "failed (the exception event has the error's type; its message may quote customer data)"
_SCRUBBED: Final = "_segment_agent_scrubs_tool_spans"


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


class StrandsSpanScrubber(SpanProcessor):
    """Keeps error texts and made-up tool names out of the spans Strands makes.

    The error of a tool call quotes what was wrong with its input (``age: … (got 'abc')``), which the model made
    from the customer's data, and a failed model call's error may quote the request it was sent; Strands writes
    either into its spans' status and an exception event (message and stack trace). A tool name the model made up
    names its span. An error status keeps its code with a fixed description, an exception event keeps its type
    only, and an unknown tool is named `UNKNOWN_TOOL`. The span's own methods are wrapped when it starts, so the
    order of processors does not matter (an exporter's processor may send the span as it ends).
    """

    def __init__(self, tool_names: Collection[str]) -> None:
        """Spans of tools other than ``tool_names`` are renamed."""
        self._tools = frozenset(tool_names)

    def on_start(self, span: SdkSpan, parent_context: Context | None = None) -> None:
        """Wrap a Strands span's status and exception recording; rename a tool call's span if its tool is unknown."""
        scope = span.instrumentation_scope
        if scope is None or scope.name != STRANDS_TRACER:
            return
        is_tool_call = span.name.startswith(f"{TOOL_SPAN} ")
        if is_tool_call and span.name.removeprefix(f"{TOOL_SPAN} ") not in self._tools:
            # Strands sets the span's attributes just after it starts: the tool's name among them is replaced.
            span.update_name(f"{TOOL_SPAN} {UNKNOWN_TOOL}")
            set_attributes = span.set_attributes

            def known_name(attributes: Mapping[str, Any]) -> None:
                set_attributes({**attributes, TOOL_NAME: UNKNOWN_TOOL} if TOOL_NAME in attributes else attributes)

            setattr(span, "set_attributes", known_name)  # noqa: B010 (mypy refuses assigning to a method)
            setattr(span, "set_attribute", lambda key, value: known_name({key: value}))  # noqa: B010
        set_status = span.set_status
        failed = Status(StatusCode.ERROR, TOOL_FAILED if is_tool_call else STRANDS_FAILED)

        def scrubbed_status(status: Status | StatusCode, description: str | None = None) -> None:
            code = status.status_code if isinstance(status, Status) else status
            if code is StatusCode.ERROR:
                # Without the given description: beside a Status the SDK ignores it with a warning that quotes it.
                set_status(failed)
            else:
                set_status(status, description)

        def type_only(exception: BaseException, attributes: Any = None, timestamp: int | None = None,
                      escaped: bool = False) -> None:
            span.add_event("exception", {"exception.type": type(exception).__name__}, timestamp)

        setattr(span, "set_status", scrubbed_status)  # noqa: B010 (mypy refuses assigning to a method)
        setattr(span, "record_exception", type_only)  # noqa: B010

    def on_end(self, span: ReadableSpan) -> None:
        """Nothing: the span was made safe while it ran."""

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is held."""
        return True


def scrub_strands_spans(tool_names: Collection[str]) -> None:
    """Add a `StrandsSpanScrubber` to the global tracer provider, once, if it is the SDK's (``opentelemetry-instrument``
    installs it before the app starts; the API's no-op provider exports nothing)."""
    provider = trace.get_tracer_provider()
    add = getattr(provider, "add_span_processor", None)
    if add is None or getattr(provider, _SCRUBBED, False):
        return
    add(StrandsSpanScrubber(tool_names))
    setattr(provider, _SCRUBBED, True)


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
