"""A loopback stand-in for the AgentCore data plane: InvokeAgentRuntime forwarded to a real agent runtime.

boto3 reaches it through the standard ``AWS_ENDPOINT_URL_BEDROCK_AGENTCORE`` variable. It speaks the real
wire protocol as far as the dashboard sees it:

- ``POST /runtimes/{url-encoded ARN}/invocations?qualifier=...`` with a SigV4 ``Authorization`` header and
  the ``X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`` header (33 to 256 characters);
- the payload goes to the runtime's ``POST /invocations`` with the session header, and a 2xx answer comes
  back as is (JSON or ``text/event-stream``) with the session id echoed;
- a non-2xx answer of the runtime becomes what AgentCore answers: HTTP 424 ``RuntimeClientError``,
  "Received error (N) from runtime. Please check your CloudWatch logs for more information." (AgentCore
  discards the container's body);
- `throttle_next` answers that many requests with HTTP 429 ``ThrottlingException`` first;
- `delay_seconds` holds every answer back that long, as a runtime still working on a chunk does (AgentCore
  itself waits up to 15 minutes for a synchronous answer);
- `cut_next` sends that many answers' status and headers, then half the body, then drops the connection.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"


@dataclass(frozen=True)
class Received:
    """One InvokeAgentRuntime request as the shim saw it."""

    arn: str
    qualifier: str | None
    session_id: str
    content_type: str | None
    accept: str | None
    signed: bool


class AgentCoreShim:
    """Serve InvokeAgentRuntime on 127.0.0.1, forwarding to the runtime at `runtime_url`."""

    def __init__(self, runtime_url: str) -> None:
        self.runtime_url = runtime_url
        self.received: list[Received] = []
        self.throttle_next = 0
        self.delay_seconds = 0.0
        self.cut_next = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        """The shim's base URL, for AWS_ENDPOINT_URL_BEDROCK_AGENTCORE."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> AgentCoreShim:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _take_throttle(self) -> bool:
        with self._lock:
            if self.throttle_next > 0:
                self.throttle_next -= 1
                return True
            return False

    def _take_cut(self) -> bool:
        with self._lock:
            if self.cut_next > 0:
                self.cut_next -= 1
                return True
            return False

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        shim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Keep the test output clean."""

            def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the caller stopped waiting (its read timeout)
                    self.close_connection = True

            def _error(self, status: int, error_type: str, message: str) -> None:
                body = json.dumps({"message": message}).encode()
                self._send(status, body, "application/json", {"x-amzn-ErrorType": error_type})

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                parts = url.path.split("/")
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if len(parts) != 4 or parts[1] != "runtimes" or parts[3] != "invocations":
                    self._error(404, "ResourceNotFoundException", f"no such operation: {url.path}")
                    return
                session_id = self.headers.get(SESSION_HEADER, "")
                signed = self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 ")
                shim.received.append(Received(
                    arn=unquote(parts[2]), qualifier=parse_qs(url.query).get("qualifier", [None])[0],
                    session_id=session_id, content_type=self.headers.get("Content-Type"),
                    accept=self.headers.get("Accept"), signed=signed,
                ))
                if not signed:
                    self._error(403, "AccessDeniedException", "the request is not signed")
                    return
                if not 33 <= len(session_id) <= 256:
                    self._error(400, "ValidationException", "runtimeSessionId must have 33 to 256 characters")
                    return
                if shim._take_throttle():
                    self._error(429, "ThrottlingException", "Rate exceeded")
                    return
                forwarded = httpx.post(
                    f"{shim.runtime_url}/invocations", content=body, timeout=60,
                    headers={"Content-Type": self.headers.get("Content-Type", "application/json"),
                             "Accept": self.headers.get("Accept", "application/json"),
                             SESSION_HEADER: session_id},
                )
                time.sleep(shim.delay_seconds)
                if not forwarded.is_success:
                    self._error(424, "RuntimeClientError", f"Received error ({forwarded.status_code}) from runtime. "
                                "Please check your CloudWatch logs for more information.")
                    return
                content_type = forwarded.headers.get("content-type", "application/json")
                if shim._take_cut():
                    self.send_response(200)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(forwarded.content)))
                    self.end_headers()
                    self.wfile.write(forwarded.content[:len(forwarded.content) // 2])
                    self.close_connection = True
                    return
                self._send(200, forwarded.content, content_type, {SESSION_HEADER: session_id})

        return Handler
