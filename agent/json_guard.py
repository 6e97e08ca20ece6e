"""ASGI middleware: a POST /invocations body that is not JSON gets the runtime's own 400 error shape.

BedrockAgentCoreApp answers such bodies itself with ``{"error": "Invalid JSON", ...}``, before any
entrypoint runs; this middleware answers them first, in the shape of every other error, with telemetry and
a log line. Valid bodies pass through unchanged.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from bedrock_agentcore.runtime.models import REQUEST_ID_HEADER, SESSION_HEADER
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.runtime import Runtime
from agent.telemetry import invocation_span

# An escaped UTF-16 surrogate (\ud800): a pair decodes to one character, a lone one to text no reply can encode.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def strict_json(body: bytes) -> Any:
    """The body as JSON, if it is JSON as RFC 8259 has it: UTF-8, no NaN or Infinity, no lone surrogates, and
    nested no deeper than Python's parser goes.

    Raises:
        ValueError: the body is not such JSON; the message says why (it never quotes the body).
    """
    text = body.decode("utf-8-sig")  # strict: UTF-16 and UTF-32 bodies, and encoded surrogates, are refused
    try:
        payload = json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    if _ESCAPED_SURROGATE.search(body):  # a pair is text; a lone one cannot be encoded, so no reply could echo it
        try:
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text") from None
    return payload


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class MalformedJsonGuard:
    """Checks that invocation bodies are JSON before the app decodes them."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        """Wrap `app`; `runtime` answers and records rejected bodies."""
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass anything but POST /invocations through; read, check and replay invocation bodies."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/invocations":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; there is no one to answer
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            strict_json(body)
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError and what strict_json refuses
            headers = Headers(scope=scope)
            request_id = headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4())
            with invocation_span(session_id=headers.get(SESSION_HEADER)):
                reply = self.runtime.reject_malformed(error, request_id, started)
            await JSONResponse(reply.body, status_code=reply.status)(scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
