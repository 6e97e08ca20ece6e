"""A cohort cut into cohort payloads a runtime takes: at most so many customers, and at most so many bytes.

The runtime refuses a cohort of more than 1,000 customers (400) and a body larger than its SEGMENT_MAX_BODY_MB
(413 ``payload_too_large``); customers with long purchase histories reach the second limit well before the first.
Each customer is encoded once, as the remote backends send it (`encode_payload`); a payload's body is its
customers' encodings joined by ``", "`` inside the envelope, so every body's size is known exactly before anything
is sent, and no backend encodes a cohort payload again (`EncodedPayload`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dashboard.client.base import AgentError
from dashboard.client.encoding import EncodedPayload, encode_payload
from dashboard.settings import BackendKind
from rules.text import counted

_SEPARATOR = b", "  # between two items of a JSON list, as json.dumps writes it


@dataclass(frozen=True, slots=True)
class PlannedPayloads:
    """The payloads for a cohort, which customers (positions) each one holds, and its size in bytes."""

    payloads: list[EncodedPayload]
    positions: list[list[int]]
    sizes: list[int]


def cohort_payload(items: list[Any], as_of: date) -> dict[str, Any]:
    """The cohort payload of these items (seed customers or whole ``customerData`` objects), without explanations."""
    return {"cohort": {"customers": items}, "asOf": as_of.isoformat(), "explain": False}


def cohort_item(customer_data: Mapping[str, Any]) -> Any:
    """What a cohort payload holds of one ``customerData`` object: the seed customer, or the whole object when it
    carries its own region (a region outside the reference table, valued against the cohort's median basket)."""
    return dict(customer_data) if "region" in customer_data else customer_data["customer"]


def plan_cohort_payloads(
    customer_data: Sequence[Mapping[str, Any]], *, as_of: date, chunk_size: int, max_bytes: int,
    backend: BackendKind,
) -> PlannedPayloads:
    """Consecutive customers in payloads of at most `chunk_size` customers and `max_bytes` bytes each.

    Args:
        customer_data: the seed's ``customerData`` objects, in the cohort's order.
        as_of: the day the segments are for.
        chunk_size: the most customers a payload holds.
        max_bytes: the most bytes a payload's JSON may have (SEGMENT_CHUNK_MAX_MB).
        backend: the backend the payloads are for, named by the error.

    Raises:
        ValueError: `chunk_size` is below 1.
        AgentError: ``payload_too_large``, before anything is sent: a customer would be larger than `max_bytes`
            even alone in a payload; every such customer is listed with its position, id and size.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    items = [cohort_item(data) for data in customer_data]
    encoded = [encode_payload(item) for item in items]
    # The envelope's only list is the customers' (the day is digits and dashes): its items go between the brackets.
    head, tail = encode_payload(cohort_payload([], as_of)).split(b"[]")
    head += b"["
    tail = b"]" + tail
    envelope = len(head) + len(tail)
    item_sizes = [len(item) for item in encoded]
    _refuse_oversized(customer_data, item_sizes, envelope, max_bytes, backend)

    bounds: list[tuple[int, int]] = []  # [start, end) of each payload
    start, size = 0, envelope
    for index, item_size in enumerate(item_sizes):
        grown = size + item_size + (len(_SEPARATOR) if index > start else 0)
        if index > start and (index - start == chunk_size or grown > max_bytes):
            bounds.append((start, index))
            start, grown = index, envelope + item_size
        size = grown
    if items:
        bounds.append((start, len(items)))
    payloads = [EncodedPayload(cohort_payload(items[first:end], as_of),
                               head + _SEPARATOR.join(encoded[first:end]) + tail) for first, end in bounds]
    return PlannedPayloads(payloads=payloads, positions=[list(range(first, end)) for first, end in bounds],
                           sizes=[len(payload.body) for payload in payloads])


def _refuse_oversized(
    customer_data: Sequence[Mapping[str, Any]], item_sizes: list[int], envelope: int, max_bytes: int,
    backend: BackendKind,
) -> None:
    """Raise `payload_too_large` naming every customer whose payload alone would be larger than `max_bytes`."""
    oversized = [(position, envelope + size) for position, size in enumerate(item_sizes) if envelope + size > max_bytes]
    if not oversized:
        return
    details = tuple(
        {"loc": f"customers[{position}]",
         "msg": f"alone in a cohort payload it is {size:,} bytes, more than the {max_bytes:,} bytes one invocation "
                "may carry (SEGMENT_CHUNK_MAX_MB)",
         "input": f"<{size:,} bytes of JSON>",
         "customerId": (customer_data[position].get("customer") or {}).get("customerId")}
        for position, size in oversized)
    first_position, first_size = oversized[0]
    first = (f"customer {details[0]['customerId']!r} (customers[{first_position}]) would be {first_size:,} bytes "
             f"alone in a cohort payload, more than the {max_bytes:,} bytes one invocation may carry")
    more = f"; {counted(len(oversized) - 1, 'more customer')} too, see details" if len(oversized) > 1 else ""
    raise AgentError(
        "payload_too_large",
        f"{first}{more}. Nothing was sent: raise SEGMENT_CHUNK_MAX_MB (and the runtime's SEGMENT_MAX_BODY_MB, which "
        "must stay above it), or send that customer's purchase history in fewer lines.",
        details=details, backend=backend)
