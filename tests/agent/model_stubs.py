"""Loopback stand-ins for model servers, speaking their real wire protocols.

- `OpenAIStub`: ``POST {base}/chat/completions`` answered as an SSE stream of chat.completion.chunk
  objects, as OpenAI-compatible servers (Ollama, vLLM, llama.cpp) do; an empty ``tools`` list gets OpenAI's
  HTTP 400, as OpenAI and vLLM answer it.
- `BedrockStub`: ``POST /model/{modelId}/converse`` answered with Bedrock's Converse JSON; boto3 reaches it
  through the standard ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` variable.

Both record every request and play back `replies` (a text, or ``{"tool": name, "args": {...}}``; for Bedrock
also ``{"error": code, "status": 429, "message": ...}``, answered as Bedrock's REST-JSON errors are); `delay_s`
makes them slow.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import unquote


class _Stub:
    def __init__(self, replies: list[Any] | None = None, delay_s: float = 0.0) -> None:
        self.replies = list(replies or [])
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append({"path": unquote(self.path), "body": body, "headers": dict(self.headers)})
                time.sleep(stub.delay_s)
                reply = stub.replies.pop(0) if stub.replies else "stub answer"
                try:
                    stub.answer(self, body, reply)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up (timeout tests)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def answer(self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: Any) -> None:
        raise AssertionError("subclasses answer")

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class OpenAIStub(_Stub):
    """An OpenAI-compatible chat completions server (streaming)."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def answer(self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: Any) -> None:
        if body.get("tools") == []:
            self._answer_error(handler, 400, {
                "message": "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty "
                           "array instead.", "type": "invalid_request_error", "param": "tools", "code": "empty_array"})
            return
        base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body["model"]}

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

        chunks = [choice({"role": "assistant", "content": ""})]
        if isinstance(reply, str):
            chunks += [choice({"content": reply[:5]}), choice({"content": reply[5:]}), choice({}, "stop")]
        else:
            call = {"index": 0, "id": f"call_{len(self.requests)}", "type": "function",
                    "function": {"name": reply["tool"], "arguments": json.dumps(reply["args"])}}
            chunks += [choice({"tool_calls": [call]}), choice({}, "tool_calls")]
        chunks.append({**base, "choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 3,
                                                        "total_tokens": 10}})
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        for chunk in chunks:
            handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()
        handler.close_connection = True


    @staticmethod
    def _answer_error(handler: BaseHTTPRequestHandler, status: int, error: dict[str, Any]) -> None:
        data = json.dumps({"error": error}).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


class BedrockStub(_Stub):
    """Bedrock Runtime's Converse API (non-streaming JSON)."""

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: Any) -> None:
        if isinstance(reply, dict) and "error" in reply:
            self._answer_error(handler, reply)
            return
        if isinstance(reply, str):
            content: list[dict[str, Any]] = [{"text": reply}]
            stop = "end_turn"
        else:
            content = [{"toolUse": {"toolUseId": f"tooluse_{len(self.requests)}", "name": reply["tool"],
                                    "input": reply["args"]}}]
            stop = "tool_use"
        data = json.dumps({
            "output": {"message": {"role": "assistant", "content": content}}, "stopReason": stop,
            "usage": {"inputTokens": 7, "outputTokens": 3, "totalTokens": 10}, "metrics": {"latencyMs": 5},
        }).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _answer_error(handler: BaseHTTPRequestHandler, reply: dict[str, Any]) -> None:
        # Bedrock names the error in the x-amzn-ErrorType header; the body carries only the message.
        data = json.dumps({"message": reply["message"]}).encode()
        handler.send_response(reply["status"])
        handler.send_header("Content-Type", "application/json")
        handler.send_header("x-amzn-ErrorType", f"{reply['error']}:http://internal.amazon.com/coral/com.amazon.bedrock/")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
