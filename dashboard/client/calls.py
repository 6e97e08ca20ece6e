"""The agent's operations the dashboard uses, on top of any backend: one payload kind each.

| operation | payload |
| --- | --- |
| `analyze_customer` | ``{"customerData": ..., "asOf", "explain", "language"}`` |
| `profile_region` | ``{"region": {...}, "city": ..., "asOf", "explain"}`` |
| `segment_customer_data` | ``{"cohort": {"customers": [...]}, "asOf", "explain": false}``, in chunks (count, bytes) |
| `ask` | ``{"prompt": ..., "asOf"}`` |
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dashboard.client.base import AgentClient, AgentError
from dashboard.client.batch import Progress, invoke_all
from dashboard.client.cohort_payloads import PlannedPayloads, plan_cohort_payloads
from dashboard.settings import DEFAULT_CHUNK_MAX_BYTES, BackendKind

_CUSTOMER_LOC = re.compile(r"^(?:cohort\.)?customers\[(\d+)\](.*)$")


@dataclass(frozen=True, slots=True)
class Answer:
    """One analysis (customer or region) with its explanation.

    Attributes:
        analysis: the seed-shaped analysis object.
        explanation: the explanation text (Markdown), None when none was asked for.
        explanation_source: ``model`` or ``template``.
        request_id: the agent's request id.
    """

    analysis: dict[str, Any]
    explanation: str | None
    explanation_source: str | None
    request_id: str | None


def message_text(message: Any) -> str | None:
    """The text of the seed's assistant message ``{"role", "content": [{"text": ...}]}`` (or of a plain string)."""
    if isinstance(message, str):
        return message or None
    if isinstance(message, dict):
        parts = [part.get("text") for part in message.get("content") or [] if isinstance(part, dict)]
        text = "".join(p for p in parts if isinstance(p, str))
        return text or None
    return None


def explanation_text(body: Mapping[str, Any]) -> str | None:
    """The explanation of an answer; a streamed answer's joined text pieces when it has no explanation object."""
    text = message_text(body.get("explanation"))
    if text is None and isinstance(body.get("text"), str):
        text = body["text"] or None
    return text


def _answer(body: Mapping[str, Any], backend: BackendKind) -> Answer:
    analysis = body.get("analysis")
    if not isinstance(analysis, dict):
        raise AgentError("unexpected_answer", f"The agent's answer has no analysis object (keys: {sorted(body)}).",
                         backend=backend)
    source = body.get("explanationSource")
    request_id = body.get("requestId")
    return Answer(analysis, explanation_text(body), str(source) if source else None,
                  str(request_id) if request_id else None)


def analyze_customer(
    client: AgentClient, customer_data: Mapping[str, Any], *, as_of: date, session_id: str,
    explain: bool = True, language: str = "en",
) -> Answer:
    """Segment one customer (the seed's ``customerData``) and explain it."""
    payload = {"customerData": dict(customer_data), "asOf": as_of.isoformat(), "explain": explain,
               "language": language}
    return _answer(client.invoke(payload, session_id=session_id), client.kind)


def profile_region(
    client: AgentClient, region: Mapping[str, Any] | str, *, as_of: date, session_id: str,
    city: str | None = None, explain: bool = False, language: str = "en",
) -> Answer:
    """The agent's profile of a region (region mode): reference median basket, trend, regional defaults."""
    payload: dict[str, Any] = {"region": region if isinstance(region, str) else dict(region),
                               "asOf": as_of.isoformat(), "explain": explain, "language": language}
    if city is not None:
        payload["city"] = city
    return _answer(client.invoke(payload, session_id=session_id), client.kind)


def profile_regions(
    client: AgentClient, names: Sequence[str], *, as_of: date, session_id: str, max_workers: int,
) -> list[Answer]:
    """The agent's profile of each named region (region mode), several invocations at once, in order."""
    payloads = [{"region": {"name": name}, "asOf": as_of.isoformat(), "explain": False} for name in names]
    bodies = invoke_all(client, payloads, session_id=session_id, max_workers=max_workers)
    return [_answer(body, client.kind) for body in bodies]


@dataclass(frozen=True, slots=True)
class CohortAnswer:
    """A whole cohort's answer, however many invocations it took.

    Attributes:
        analyses: one seed-shaped analysis per customer, in the customers' order.
        invocations: how many invocations it took.
    """

    analyses: list[dict[str, Any]]
    invocations: int


def segment_customer_data(
    client: AgentClient, customer_data: Sequence[Mapping[str, Any]], *, as_of: date, session_id: str,
    chunk_size: int, max_workers: int, chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES,
    on_progress: Progress | None = None,
) -> CohortAnswer:
    """Segment many customers (the seed's ``customerData`` objects): cohort payloads of at most `chunk_size`
    customers and `chunk_max_bytes` bytes, `max_workers` invocations in flight.

    Raises:
        AgentError: a customer is larger than `chunk_max_bytes` alone (``payload_too_large``, before anything is
            sent), or an invocation failed; its problems are relocated to the customer's position in
            `customer_data` (``customers[1234].productHistory[0].totalSpent``) and name the customer's id.
    """
    plan = plan_cohort_payloads(customer_data, as_of=as_of, chunk_size=chunk_size, max_bytes=chunk_max_bytes,
                                backend=client.kind)
    try:
        bodies = invoke_all(client, plan.payloads, session_id=session_id, max_workers=max_workers,
                            on_progress=on_progress)
    except AgentError as error:
        raise _locate(error, customer_data, plan) from error
    analyses: list[dict[str, Any] | None] = [None] * len(customer_data)
    for body, where in zip(bodies, plan.positions, strict=True):
        answered = body.get("analyses") if "analyses" in body else [body.get("analysis")]
        if not isinstance(answered, list) or len(answered) != len(where) or \
                not all(isinstance(a, dict) for a in answered):
            raise AgentError("unexpected_answer", f"The agent answered {sorted(body)} for {len(where)} customers.",
                             backend=client.kind)
        for position, analysis in zip(where, answered, strict=True):
            analyses[position] = analysis
    return CohortAnswer([a for a in analyses if a is not None], len(plan.payloads))


def segment_customers(
    client: AgentClient, customers: Sequence[Mapping[str, Any]], *, as_of: date, session_id: str,
    chunk_size: int, max_workers: int, chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES,
    on_progress: Progress | None = None,
) -> CohortAnswer:
    """Segment seed customers (the ``customer`` objects) in cohort payloads of at most `chunk_size` customers and
    `chunk_max_bytes` bytes."""
    return segment_customer_data(client, [{"customer": c} for c in customers], as_of=as_of, session_id=session_id,
                                 chunk_size=chunk_size, max_workers=max_workers, chunk_max_bytes=chunk_max_bytes,
                                 on_progress=on_progress)


def _locate(error: AgentError, customer_data: Sequence[Mapping[str, Any]], plan: PlannedPayloads) -> AgentError:
    """Locate a failed payload's problems in the whole cohort: ``cohort.customers[3]`` of chunk 2 → customer 2003."""
    if error.payload_index is None or not error.details:
        return error
    where = plan.positions[error.payload_index]
    located = []
    for detail in error.details:
        entry = dict(detail)
        loc = str(detail.get("loc", ""))
        match = _CUSTOMER_LOC.match(loc)
        position: int | None = None
        if match is not None and int(match.group(1)) < len(where):
            position, rest = where[int(match.group(1))], match.group(2)
            if "region" in customer_data[position]:  # a whole customerData item: same place as a plain one
                rest = rest.removeprefix(".customer")
        elif loc.startswith("customerData.customer") and len(where) == 1:
            position, rest = where[0], loc.removeprefix("customerData.customer")
        if position is not None:
            entry["loc"] = f"customers[{position}]{rest}"
            entry["customerId"] = (customer_data[position].get("customer") or {}).get("customerId")
        located.append(entry)
    return AgentError(error.code, error.message, details=tuple(located), status=error.status,
                      request_id=error.request_id, backend=error.backend)


def ask(client: AgentClient, prompt: str, *, as_of: date, session_id: str, language: str = "en") -> Answer:
    """Ask the agent a free question; the answer's text is in `Answer.explanation`."""
    body = client.invoke({"prompt": prompt, "asOf": as_of.isoformat(), "language": language},
                         session_id=session_id)
    text = message_text(body.get("answer")) or explanation_text(body)
    source = body.get("explanationSource")
    request_id = body.get("requestId")
    return Answer({}, text, str(source) if source else None, str(request_id) if request_id else None)
