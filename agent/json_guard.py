"""ASGI middleware: a POST /invocations body that is not JSON gets the runtime's own 400 error shape.

BedrockAgentCoreApp answers such bodies itself with ``{"error": "Invalid JSON", ...}``, before any
entrypoint runs; this middleware answers them first, in the shape of every other error, with telemetry and
a log line. It also refuses a body larger than the size limit (413, before reading it all), and decodes a large
body in a worker thread, so that /ping stays answered while it does.

A valid body is decoded once: the guard keeps the payload in the request's scope (`decoded_payload` reads it in
the entrypoint) and hands the SDK the body ``null``, so that the SDK's own decoding, which runs on the event loop,
costs nothing.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import anyio.to_thread
from bedrock_agentcore.runtime.models import REQUEST_ID_HEADER, SESSION_HEADER
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.handler import Reply
from agent.runtime import Runtime
from agent.telemetry import invocation_span

# An escaped UTF-16 surrogate (\ud800): a pair decodes to one character, a lone one to text no reply can encode.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

# No payload nests deeper than about six levels (cohort.customers[i].productHistory[j].field). The limit sits far
# below Python's parser limit, because the SDK parses the body again deeper in the stack, where ~960 levels
# already overflow it (a plain-text 500 that also broke the next keep-alive request).
MAX_DEPTH = 64
_TOO_DEEP = f"the JSON is nested deeper than {MAX_DEPTH} levels"


# The largest body a runtime takes. A cohort call holds at most 1,000 customers (agent.cohort.MAX_COHORT_CUSTOMERS):
# about 1.1 MB for customers of 6 products (the seed's example), and each further product line adds ~170 bytes per
# customer: 32 MB holds 1,000 customers of about 180 lines each. Decoding takes about 15 ms per MB.
MAX_BODY_ENV = "SEGMENT_MAX_BODY_MB"
DEFAULT_MAX_BODY_MB = 32
# Bodies up to this size are decoded on the event loop: a worker thread's hop costs more than decoding them.
_DECODE_INLINE_BYTES = 256 * 1024
# The request scope's key of the payload the guard decoded.
_PAYLOAD_KEY = "segment_agent.payload"


def decoded_payload(scope: Mapping[str, Any], given: Any) -> Any:
    """The payload `MalformedJsonGuard` decoded for this request; `given` (the SDK's) when it decoded none."""
    return scope.get(_PAYLOAD_KEY, given)


class BodyLimitError(ValueError):
    """`SEGMENT_MAX_BODY_MB` is no whole number of megabytes from 1 to 1024."""


def max_body_bytes(env: Mapping[str, str] | None = None) -> int:
    """The body size limit in bytes: `SEGMENT_MAX_BODY_MB` megabytes (of 1,000,000 bytes), 32 when unset.

    Raises:
        BodyLimitError: the variable is set to anything but a whole number from 1 to 1024.
    """
    text = (os.environ if env is None else env).get(MAX_BODY_ENV, "").strip() or str(DEFAULT_MAX_BODY_MB)
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 1024):
        raise BodyLimitError(f"{MAX_BODY_ENV} must be a whole number of megabytes from 1 to 1024, got {text[:20]!r}")
    return int(text) * 1_000_000


def strict_json(body: bytes) -> Any:
    """The body as JSON, if it is JSON as RFC 8259 has it and a reply can echo it: UTF-8, no NaN or Infinity, no
    number beyond a double's range (1e400), no lone surrogates, and nested no deeper than `MAX_DEPTH` levels.

    Raises:
        ValueError: the body is not such JSON; the message says why (it never quotes the body).
    """
    text = body.decode("utf-8-sig")  # strict: UTF-16 and UTF-32 bodies, and encoded surrogates, are refused
    try:
        payload = json.loads(text, parse_constant=_not_json, parse_float=_finite_float)
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    if _nests_deeper(payload, MAX_DEPTH):
        raise ValueError(_TOO_DEEP)
    if _ESCAPED_SURROGATE.search(body):  # a pair is text; a lone one cannot be encoded, so no reply could echo it
        try:
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text") from None
    return payload


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    # Python reads 1e400 as inf, which no JSON reply can hold (and which no amount is).
    value = float(literal)
    if math.isinf(value):
        raise ValueError("a number is out of range (beyond ±1.8e308, the largest a 64-bit float holds)")
    return value


def _nests_deeper(value: Any, limit: int) -> bool:
    """Whether `value` holds containers more than `limit` levels deep (the value itself is level 1)."""
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(limit):
        if not level:
            return False
        # Level by level, without recursion; comprehensions keep a thousand-customer cohort at a few milliseconds.
        below: list[Any] = []
        for node in level:
            children = node.values() if type(node) is dict else node
            below += [child for child in children if type(child) is dict or type(child) is list]
        level = below
    return bool(level)


class MalformedJsonGuard:
    """Checks that invocation bodies are JSON, and no larger than the limit, before the app decodes them."""

    def __init__(self, app: ASGIApp, runtime: Runtime, max_body: int | None = None) -> None:
        """Wrap `app`; `runtime` answers and records rejected bodies; `max_body`: the most bytes a body may have
        (`max_body_bytes()` when None)."""
        self.app = app
        self.runtime = runtime
        self.max_body = max_body_bytes() if max_body is None else max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass anything but POST /invocations through; read, check and replay invocation bodies."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/invocations":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:  # refused before a byte of it is read
            await self._answer(scope, receive, send, lambda request_id: self.runtime.reject_too_large(
                self.max_body, request_id, started))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; there is no one to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:  # a chunked body without a length: stop reading at the limit
                await self._answer(scope, receive, send, lambda request_id: self.runtime.reject_too_large(
                    self.max_body, request_id, started))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            if len(body) > _DECODE_INLINE_BYTES:
                payload = await anyio.to_thread.run_sync(strict_json, body)
            else:
                payload = strict_json(body)
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError and what strict_json refuses
            refused = error
            await self._answer(scope, receive, send, lambda request_id: self.runtime.reject_malformed(
                refused, request_id, started))
            return

        scope[_PAYLOAD_KEY] = payload
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"null", "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _answer(scope: Scope, receive: Receive, send: Send, reject: Callable[[str], Reply]) -> None:
        """Send the reply `reject` gives for the request's id, inside the invocation's span."""
        headers = Headers(scope=scope)
        request_id = headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4())
        with invocation_span(session_id=headers.get(SESSION_HEADER)):
            reply = reject(request_id)
        await JSONResponse(reply.body, status_code=reply.status)(scope, receive, send)
