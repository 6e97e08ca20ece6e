"""Server-sent events (``text/event-stream``) from an AgentCore-compatible runtime, decoded into one answer.

A runtime whose entrypoint yields streams each item as ``data: <json>`` followed by a blank line. Items are
either pieces of text (a JSON string, or an object whose only key is ``delta``, ``text`` or ``data``) or
objects. The answer merges the objects in order (later keys win) and joins the text pieces under ``"text"``.
The AgentCore SDK reports a failure in the middle of a stream as an event with an ``error`` key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

_TEXT_KEYS = ("delta", "text", "data")


def decode_events(lines: Iterable[str | bytes]) -> list[Any]:
    """The JSON value of every event of a stream, in order.

    Multi-line events (several ``data:`` lines) are joined with newlines, as the SSE standard says. A data
    field that is not JSON is kept as a string.
    """
    events: list[Any] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            text = "\n".join(buffer)
            try:
                events.append(json.loads(text))
            except json.JSONDecodeError:
                events.append(text)
            buffer.clear()

    for raw in lines:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        line = line.rstrip("\r\n")
        if not line:
            flush()
        elif line.startswith("data:"):
            value = line[5:]
            buffer.append(value[1:] if value.startswith(" ") else value)
        # Other fields (event:, id:, retry:) and comments (": ...") carry nothing the dashboard uses.
    flush()
    return events


def merge_events(events: Iterable[Any]) -> dict[str, Any]:
    """One answer from a stream's events: merged objects plus the joined text pieces under ``"text"``."""
    answer: dict[str, Any] = {}
    pieces: list[str] = []
    for event in events:
        if isinstance(event, str):
            pieces.append(event)
        elif isinstance(event, dict) and len(event) == 1 and next(iter(event)) in _TEXT_KEYS \
                and isinstance(next(iter(event.values())), str):
            pieces.append(next(iter(event.values())))
        elif isinstance(event, dict):
            answer.update(event)
    if pieces:
        answer["text"] = answer.get("text", "") + "".join(pieces)
    return answer
