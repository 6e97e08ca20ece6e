"""Payloads as the remote backends send them: JSON in UTF-8, and payloads encoded once, when they were planned."""

from __future__ import annotations

import json
from typing import Any

# One encoder for every body the remote backends send, so that a cohort is planned by the bytes they send.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


class EncodedPayload(dict[str, Any]):
    """A payload that carries its own encoding, made from its parts' encodings when it was planned.

    Nothing may change it after it was made: its `body` would no longer be its JSON.
    """

    __slots__ = ("body",)

    def __init__(self, payload: dict[str, Any], body: bytes) -> None:
        """`payload` with `body`, the bytes of its JSON as `encode_payload` writes it."""
        super().__init__(payload)
        self.body = body


def encode_payload(payload: Any) -> bytes:
    """A payload (or a part of one) as the remote backends send it: JSON in UTF-8, other scripts as themselves.

    An `EncodedPayload` is not encoded again.

    Examples:
        >>> len(encode_payload({"city": "İzmir"}))  # İ is two bytes
        18
    """
    if isinstance(payload, EncodedPayload):
        return payload.body
    return _ENCODER.encode(payload).encode("utf-8")
