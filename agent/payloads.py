"""The runtime's four payload kinds, recognised and checked before any work is done.

| kind | payload |
| --- | --- |
| customer | ``{"customerData": {...}}`` (the seed's request) |
| cohort | ``{"cohort": {"customers": [...]}}`` |
| region | ``{"region": {...} or "Akdeniz", "city": "Antalya"}`` |
| prompt | ``{"prompt": "free question"}`` |

Every kind also takes ``asOf`` (YYYY-MM-DD, default today in UTC), ``explain`` (default true) and
``language`` ("en" or "tr", default "en"). Unknown keys are ignored, as in the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from rules import InvalidInput, Problem
from rules.errors import describe_input
from rules.models.dates import parse_day, today_utc

Kind = Literal["customer", "cohort", "region", "prompt"]
Language = Literal["en", "tr"]

KIND_KEYS: dict[str, Kind] = {"customerData": "customer", "cohort": "cohort", "region": "region", "prompt": "prompt"}
LANGUAGES: tuple[Language, ...] = ("en", "tr")
MAX_PROMPT_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Options:
    """What every kind of payload may say besides its subject."""

    as_of: date
    explain: bool
    language: Language


@dataclass(frozen=True, slots=True)
class CustomerPayload:
    """``{"customerData": {...}}``: one customer (or, without a customer, a region profile)."""

    customer_data: Any
    options: Options
    kind: Kind = "customer"


@dataclass(frozen=True, slots=True)
class CohortPayload:
    """``{"cohort": {"customers": [...]}}``: a batch of seed customers."""

    customers: Any
    options: Options
    kind: Kind = "cohort"


@dataclass(frozen=True, slots=True)
class RegionPayload:
    """``{"region": ..., "city": ...}``: a region profile, in the shape of `customerData` without a customer."""

    customer_data: dict[str, Any]
    options: Options
    kind: Kind = "region"


@dataclass(frozen=True, slots=True)
class PromptPayload:
    """``{"prompt": "..."}``: a free question for the agent and its tools."""

    prompt: str
    options: Options
    kind: Kind = "prompt"


Payload = CustomerPayload | CohortPayload | RegionPayload | PromptPayload


def payload_kind(payload: Any) -> Kind | None:
    """The kind of a payload, or None when it names no kind or more than one."""
    if not isinstance(payload, dict):
        return None
    kinds = [kind for key, kind in KIND_KEYS.items() if key in payload]
    return kinds[0] if len(kinds) == 1 else None


def parse_payload(payload: Any) -> tuple[Payload, list[Problem]]:
    """Recognise a payload and check its envelope (the subject itself is checked by the rule engine).

    Returns:
        The payload and the problems of its envelope; the caller adds the subject's problems, so that one
        answer lists them all. An invalid option is replaced by its default in the returned payload.

    Raises:
        InvalidInput: the payload is not an object, or names no kind or several.
    """
    if not isinstance(payload, dict):
        raise InvalidInput([Problem("", "the request must be a JSON object", describe_input(payload))])
    named = [key for key in KIND_KEYS if key in payload]
    if len(named) != 1:
        keys = ", ".join(KIND_KEYS)
        message = (f"expected exactly one of {keys}; got {', '.join(named)}" if named
                   else f"expected one of {keys}")
        raise InvalidInput([Problem("", message, {"<object with keys>": sorted(map(str, payload))[:20]})])
    problems: list[Problem] = []
    options = _options(payload, problems)
    key = named[0]
    subject = payload[key]
    result: Payload
    if key == "customerData":
        result = CustomerPayload(subject, options)
    elif key == "cohort":
        customers = subject.get("customers") if isinstance(subject, dict) else None
        if not isinstance(subject, dict):
            problems.append(Problem("cohort", 'expected an object {"customers": [...]}', describe_input(subject)))
        elif "customers" not in subject:
            problems.append(Problem("cohort.customers", "field required", None))
        result = CohortPayload(customers, options)
    elif key == "region":
        result = RegionPayload(_region_request(payload, problems), options)
    else:
        result = PromptPayload(_prompt(subject, problems), options)
    return result, problems


def _options(payload: dict[str, Any], problems: list[Problem]) -> Options:
    as_of = today_utc()
    if payload.get("asOf") is not None:
        try:
            as_of = parse_day(payload["asOf"])
        except ValueError as error:
            problems.append(Problem("asOf", str(error), describe_input(payload["asOf"])))
    explain = payload.get("explain", True)
    if not isinstance(explain, bool):
        problems.append(Problem("explain", "expected true or false", describe_input(explain)))
        explain = True
    language = payload.get("language", "en")
    if language not in LANGUAGES:
        problems.append(Problem("language", f"expected one of {', '.join(LANGUAGES)}", describe_input(language)))
        language = "en"
    return Options(as_of=as_of, explain=explain, language=language)


def _region_request(payload: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    region = payload["region"]
    if isinstance(region, str):
        region = {"name": region}
    elif not isinstance(region, dict):
        problems.append(Problem("region", 'expected a region object {"name": ...} or a region name',
                                describe_input(region)))
    data: dict[str, Any] = {"region": region}
    if payload.get("city") is not None:
        data["city"] = payload["city"]
    return data


def _prompt(prompt: Any, problems: list[Problem]) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        problems.append(Problem("prompt", "expected a non-empty question", describe_input(prompt)))
        return ""
    if len(prompt) > MAX_PROMPT_CHARS:
        problems.append(Problem("prompt", f"at most {MAX_PROMPT_CHARS} characters", f"<{len(prompt)} characters>"))
    return prompt.strip()
