"""The runtime's one entry point, free of any web framework: a payload in, a status and a JSON body out.

The HTTP runtime (`agent.app`) and the dashboard's in-process backend both call `handle`, so both give the
same bodies. See `agent.payloads` for the payload kinds.

| status | body |
| --- | --- |
| 200 | the answer of the payload's kind, plus `timestamp`, `explanationSource` and `requestId` |
| 400 | ``{"error": {"code": "invalid_input", "message", "details": [{"loc", "msg", "input"}]}, "requestId"}`` |
| 400 | ``{"error": {"code": "malformed_json", ...}, "requestId"}``: the body is not JSON (HTTP only) |
| 413 | ``{"error": {"code": "payload_too_large", ...}, "requestId"}``: the body is over the size limit (HTTP only) |
| 503 | ``{"error": {"code": "model_unavailable", ...}, "requestId"}``: a free question without a working model |
| 500 | ``{"error": {"code": "internal_error", ...}, "requestId"}``: no stack trace; the logs have it |
| 404 / 405 | ``{"error": {"code": "not_found" / "method_not_allowed", ...}, "requestId"}``: no such route (HTTP only) |
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agent.assistant import Assistant, ModelUnavailable
from agent.cohort import analyze_cohort, check_without_day, cohort_problems_without_day, segment_counts
from agent.configure import assistant_from_env, explainer_from_env
from agent.explain.base import Explainer, Explanation
from agent.payloads import CohortPayload, CustomerPayload, Options, PromptPayload, parse_payload, payload_kind
from agent.telemetry import InvocationRecord, NullRecorder, Recorder, annotate_current_span
from agent.telemetry.record import ExplanationSource, Mode, Outcome
from rules import Analysis, InvalidInput, Problem, analyze_customer
from rules.models.dates import response_timestamp

logger = logging.getLogger(__name__)

# An invalid payload's log line names where it went wrong: its first locations, each cut to this length.
LOGGED_LOCATIONS = 20
LOGGED_LOCATION_CHARACTERS = 80


@dataclass(frozen=True, slots=True)
class Reply:
    """What the runtime answers: an HTTP status and a JSON body."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Answer:
    body: dict[str, Any]
    explanation_source: ExplanationSource = "none"
    segments: dict[str, dict[str, int]] = field(default_factory=dict)
    customers: int = 0


def handle(
    payload: Any,
    *,
    request_id: str | None = None,
    explainer: Explainer | None = None,
    assistant: Assistant | None = None,
    recorder: Recorder | None = None,
) -> Reply:
    """Answer one invocation payload.

    Args:
        payload: the decoded JSON body (any JSON value; anything but a valid payload gets a 400).
        request_id: echoed in the body and the logs; a new UUID when None.
        explainer: writes the explanations; configured from the environment when None.
        assistant: answers free questions; configured from the environment when None.
        recorder: receives one telemetry record for this invocation; none is recorded when None.

    Returns:
        The status and body. Never raises: an unexpected failure is a 500 reply.
    """
    started = time.perf_counter()
    request_id = request_id or str(uuid.uuid4())
    recorder = recorder or NullRecorder()
    try:
        explainer = explainer or explainer_from_env()
        if assistant is None and payload_kind(payload) == "prompt":
            assistant = assistant_from_env()
    except Exception:  # a broken model configuration is the operator's problem, not the caller's
        logger.exception("invalid model configuration", extra={"requestId": request_id})
        reply = _internal_error(request_id)
        _finish(reply, recorder, request_id, payload_kind(payload) or "invalid", "internal_error", started, None)
        return reply
    return respond(payload, request_id=request_id, explainer=explainer, assistant=assistant, recorder=recorder)


def respond(
    payload: Any, *, request_id: str, explainer: Explainer, assistant: Assistant | None, recorder: Recorder
) -> Reply:
    """`handle` with every collaborator given (None `assistant`: no model, free questions get a 503)."""
    started = time.perf_counter()
    mode: Mode = payload_kind(payload) or "invalid"
    answer: _Answer | None = None
    outcome: Outcome = "ok"
    try:
        answer = _answer(payload, explainer, assistant)
        reply = Reply(200, {**answer.body, "requestId": request_id})
    except InvalidInput as error:
        outcome = "invalid_input"
        count = len(error.problems)
        reply = Reply(400, error_body("invalid_input", f"the request has {count} problem{'s' * (count != 1)}; "
                                      "see details", error.problems, request_id))
    except ModelUnavailable as error:
        outcome = "model_unavailable"
        reply = Reply(503, error_body("model_unavailable", str(error), (), request_id))
    except Exception:
        outcome = "internal_error"
        logger.exception("unexpected failure", extra={"requestId": request_id, "mode": mode})
        reply = _internal_error(request_id)
    _finish(reply, recorder, request_id, mode, outcome, started, answer)
    return reply


def _finish(
    reply: Reply, recorder: Recorder, request_id: str, mode: Mode, outcome: Outcome, started: float,
    answer: _Answer | None,
) -> None:
    """Record the invocation's telemetry once, annotate its span and log its one line (no customer data)."""
    duration_ms = (time.perf_counter() - started) * 1000
    source = answer.explanation_source if answer else "none"
    record = InvocationRecord(mode=mode, outcome=outcome, duration_ms=duration_ms, explanation_source=source,
                              segments=answer.segments if answer else {})
    annotate_current_span(record)  # the HTTP runtime's invocation span, when tracing records one
    _record(recorder, record)
    extra: dict[str, Any] = {
        "requestId": request_id, "mode": mode, "outcome": outcome, "status": reply.status,
        "durationMs": round(duration_ms, 3), "explanationSource": source,
        "customers": answer.customers if answer else None,
    }
    if outcome == "invalid_input":
        extra["problemLocations"] = problem_locations(reply.body)
    logger.info("invocation %s %s", mode, outcome, extra=extra)


def problem_locations(body: dict[str, Any]) -> list[str]:
    """Where an invalid payload went wrong (``cohort.customers[3].age``), for the log: never the values.

    Behind AgentCore only these reach the operator: AgentCore answers the caller a runtime's 4xx as its own
    ``RuntimeClientError`` ("Received error (400) from runtime"), without the body and its details.
    """
    details = body.get("error", {}).get("details", [])
    return [str(detail.get("loc", ""))[:LOGGED_LOCATION_CHARACTERS] for detail in details[:LOGGED_LOCATIONS]]


def malformed_json(error: ValueError, *, request_id: str, started: float, recorder: Recorder) -> Reply:
    """The reply to a body that is not JSON (the HTTP layer decodes bodies, so it calls this).

    Args:
        error: the decoding error; its message gives the position, never the body.
        request_id: the request's id.
        started: `time.perf_counter()` when the request arrived.
        recorder: receives the invocation's telemetry record.
    """
    message = f"the request body is not valid JSON: {error}"
    if isinstance(error, UnicodeDecodeError):
        message = f"the request body is not UTF-8 JSON ({error.reason} at byte {error.start})"
    reply = Reply(400, error_body("malformed_json", message, (), request_id))
    _finish(reply, recorder, request_id, "invalid", "malformed_json", started, None)
    return reply


def payload_too_large(limit: int, *, request_id: str, started: float, recorder: Recorder) -> Reply:
    """The reply to a body larger than `limit` bytes (the HTTP layer counts them, so it calls this).

    Args:
        limit: the most bytes a body may have.
        request_id: the request's id.
        started: `time.perf_counter()` when the request arrived.
        recorder: receives the invocation's telemetry record.
    """
    message = (f"the request body is larger than {limit:,} bytes, the most this runtime takes (SEGMENT_MAX_BODY_MB); "
               "send a large cohort in smaller chunks")
    reply = Reply(413, error_body("payload_too_large", message, (), request_id))
    _finish(reply, recorder, request_id, "invalid", "payload_too_large", started, None)
    return reply


ROUTES = "the runtime answers POST /invocations and GET /ping"


def no_such_route(status: int, method: str, request_id: str) -> Reply:
    """The reply to a request for a path the runtime lacks (404) or a method its path does not take (405).

    Not an invocation, so no telemetry record; its log line names the status, never the path, which may hold
    anything a caller typed.
    """
    code, message = ("method_not_allowed", f"{method[:16]} is not allowed here: {ROUTES}") if status == 405 else \
        ("not_found", f"there is no such path: {ROUTES}")
    logger.info("no such route: %s", status, extra={"requestId": request_id, "outcome": code, "status": status,
                                                   "event": "no_such_route"})
    return Reply(status, error_body(code, message, (), request_id))


def error_body(code: str, message: str, problems: Iterable[Problem], request_id: str) -> dict[str, Any]:
    """The error shape every failure answers with."""
    details = [{**p.as_dict(), "input": _json_safe(p.input)} for p in problems]
    return {"error": {"code": code, "message": message, "details": details}, "requestId": request_id}


def _json_safe(value: Any) -> Any:
    """An echoed input that JSON can hold: an in-process caller may pass inf or nan, which JSON has no number for,
    so they are echoed as text in the "<...>" form of summarised inputs."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"<{value}>"
    return value


def _internal_error(request_id: str) -> Reply:
    return Reply(500, error_body("internal_error", f"unexpected failure; the logs have the details under "
                                 f"requestId {request_id}", (), request_id))


def _record(recorder: Recorder, record: InvocationRecord) -> None:
    try:
        recorder.record(record)
    except Exception:  # the contract says record never raises; a metrics bug must still not fail requests
        logger.exception("telemetry recorder failed", extra={"event": "telemetry_error"})


def _answer(payload: Any, explainer: Explainer, assistant: Assistant | None) -> _Answer:
    parsed, problems = parse_payload(payload)
    if isinstance(parsed, PromptPayload):
        if problems:
            raise InvalidInput(problems)
        return _prompt(parsed, assistant)
    if isinstance(parsed, CohortPayload):
        return _cohort(parsed, problems, explainer)
    # A region payload is a customerData object without a customer, and its locations are the payload's.
    prefix = "customerData" if isinstance(parsed, CustomerPayload) else ""
    return _single(parsed.customer_data, prefix, parsed.options, problems, explainer)


def _single(data: Any, prefix: str, options: Options, problems: list[Problem], explainer: Explainer) -> _Answer:
    """One analysis: a customer, or a region profile."""
    analysis: Analysis | None = None
    try:
        if any(p.loc == "asOf" for p in problems):
            check_without_day(data)  # the day is invalid: check what does not depend on it
        else:
            analysis = analyze_customer(data, options.as_of)
    except InvalidInput as error:
        # The envelope's own problem about a field is the clearer one; the engine's about it would repeat it.
        flagged = {p.loc for p in problems}
        problems += [p for p in _prefixed(error.problems, prefix) if p.loc not in flagged]
    if problems or analysis is None:
        raise InvalidInput(problems)
    explanation = explainer.explain_analysis(analysis, options.language) if options.explain else None
    body = {"analysis": analysis.model_dump(mode="json", by_alias=True), **_explained(explanation)}
    return _Answer(body, _source(explanation), segment_counts([analysis]), 0 if analysis.mode == "region" else 1)


def _cohort(parsed: CohortPayload, problems: list[Problem], explainer: Explainer) -> _Answer:
    options = parsed.options
    if any(p.loc == "asOf" for p in problems):
        raise InvalidInput([*problems, *cohort_problems_without_day(parsed.customers, "cohort.customers")])
    if problems:  # cohort itself malformed: nothing to analyse
        raise InvalidInput(problems)
    result = analyze_cohort(parsed.customers, options.as_of, loc="cohort.customers")
    explanation = explainer.explain_cohort(result.summary, options.language) if options.explain else None
    body = {
        "analyses": [a.model_dump(mode="json", by_alias=True) for a in result.analyses],
        "summary": result.summary.to_json(),
        **_explained(explanation),
    }
    return _Answer(body, _source(explanation), segment_counts(result.analyses), len(result.analyses))


def _prompt(parsed: PromptPayload, assistant: Assistant | None) -> _Answer:
    if assistant is None:
        raise ModelUnavailable("free questions need a language model, and none is configured "
                               "(set SEGMENT_MODEL_PROVIDER; see the README)")
    options = parsed.options
    answer = assistant.answer(parsed.prompt, options.as_of.isoformat(), options.language)
    body = {"answer": _message(answer.text), "toolsUsed": list(answer.tools_used), "timestamp": response_timestamp(),
            "explanationSource": "model"}
    return _Answer(body, "model")


def _explained(explanation: Explanation | None) -> dict[str, Any]:
    return {
        "explanation": _message(explanation.text) if explanation else None,
        "timestamp": response_timestamp(),
        "explanationSource": _source(explanation),
    }


def _message(text: str) -> dict[str, Any]:
    """The seed's assistant message shape."""
    return {"role": "assistant", "content": [{"text": text}]}


def _source(explanation: Explanation | None) -> ExplanationSource:
    return explanation.source if explanation else "none"


def _prefixed(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    if not prefix:
        return list(problems)
    return [Problem(f"{prefix}.{p.loc}" if p.loc else prefix, p.msg, p.input) for p in problems]

