"""The AgentCore runtime: a BedrockAgentCoreApp with one entrypoint that delegates to the handler.

POST /invocations takes the payloads of `agent.payloads`; GET /ping is the SDK's health check. Each HTTP
status comes from the handler's reply. Serve it with `segment serve` or `python -m agent`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bedrock_agentcore import BedrockAgentCoreApp, BedrockAgentCoreContext, RequestContext
from bedrock_agentcore.runtime.models import REQUEST_ID_HEADER
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse

from agent.handler import no_such_route
from agent.json_guard import MalformedJsonGuard, decoded_payload, max_body_bytes
from agent.runtime import Runtime
from agent.telemetry import invocation_span


def create_app(runtime: Runtime | None = None) -> BedrockAgentCoreApp:
    """The runtime's ASGI app.

    Args:
        runtime: explainer, assistant and telemetry recorder; configured from the environment when None.

    Raises:
        ModelConfigError: the environment configures the model wrongly.
        BodyLimitError: `SEGMENT_MAX_BODY_MB` is invalid.
    """
    runtime = runtime or Runtime.from_env()

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        # Shutdown (uvicorn has finished the requests in flight): flush what telemetry is queued.
        await run_in_threadpool(runtime.close)

    app = BedrockAgentCoreApp(lifespan=lifespan, middleware=[
        Middleware(MalformedJsonGuard, runtime=runtime, max_body=max_body_bytes())])
    # Starlette would answer an unknown path or method in plain text, and POST /invocations/ with a redirect.
    app.router.redirect_slashes = False
    app.add_exception_handler(404, _no_such_route)
    app.add_exception_handler(405, _no_such_route)

    @app.entrypoint
    def invoke(payload: Any, context: RequestContext) -> JSONResponse:
        # Sync on purpose: the SDK runs it in the thread pool, so the model's waits never block /ping.
        # (The SDK passes the context only to a second parameter named exactly "context".)
        if context.request is not None:  # the guard decoded the body, and the SDK decoded a stand-in
            payload = decoded_payload(context.request.scope, payload)
        with invocation_span(session_id=context.session_id):
            reply = runtime.handle(payload, request_id=BedrockAgentCoreContext.get_request_id())
        return JSONResponse(reply.body, status_code=reply.status)

    return app


def _no_such_route(request: Request, error: Exception) -> JSONResponse:
    """A 404 or 405 in the shape of every other error, with a request id and a log line."""
    status = error.status_code if isinstance(error, HTTPException) else 404
    headers = error.headers if isinstance(error, HTTPException) else None  # 405 names the methods allowed
    reply = no_such_route(status, request.method, request.headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4()))
    return JSONResponse(reply.body, status_code=reply.status, headers=headers)
