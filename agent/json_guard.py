"""ASGI middleware: a POST /invocations body that is not JSON gets the runtime's own 400 error shape.

BedrockAgentCoreApp answers such bodies itself with ``{"error": "Invalid JSON", ...}``, before any
entrypoint runs; this middleware answers them first, in the shape of every other error, with telemetry and
a log line. Valid bodies pass through unchanged.
"""

from __future__ import annotations

import json
import time
import uuid

from bedrock_agentcore.runtime.models import REQUEST_ID_HEADER, SESSION_HEADER
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.runtime import Runtime
from agent.telemetry import invocation_span


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
            json.loads(body)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
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
