"""A Strands `Model` that plays back a script: the offline stand-in for Bedrock or an OpenAI server.

Each `stream` call takes the next scripted step:

- a `str`: the model answers with that text;
- ``{"tool": name, "input": {...}}``: the model calls a tool (its result comes back in the next call);
  ``{"tool": name, "raw_input": "..."}`` streams that text as the arguments, e.g. JSON cut off as models do;
- an `Exception` instance: the model call raises it.

`delay_s` makes every call wait that long first (for timeouts). `calls` records what each call received
(messages, tool specs, system prompt), so tests can assert what the model was told.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterable
from typing import Any, Literal

from pydantic import BaseModel
from strands.models import Model
from strands.types.content import Messages
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolSpec

Step = str | dict[str, Any] | Exception


class ScriptedModel(Model):
    """Plays back `script`, one step per model call."""

    def __init__(self, script: list[Step], *, delay_s: float = 0.0) -> None:
        self.script = list(script)
        self.delay_s = delay_s
        self.config: dict[str, Any] = {"model_id": "scripted"}
        self.calls: list[dict[str, Any]] = []

    def update_config(self, **model_config: Any) -> None:
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        return self.config

    async def structured_output(
        self, output_model: type[BaseModel], prompt: Messages, system_prompt: str | None = None, **kwargs: Any
    ) -> AsyncGenerator[dict[str, Any], None]:
        raise AssertionError("the runtime never asks for structured output")
        yield {}  # makes this an async generator, as the interface requires

    async def stream(
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        **kwargs: Any,
    ) -> AsyncIterable[StreamEvent]:
        self.calls.append({"messages": json.loads(json.dumps(messages)), "tool_specs": tool_specs,
                           "system_prompt": system_prompt})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if not self.script:
            raise AssertionError("ScriptedModel: the script has no step left")
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        yield {"messageStart": {"role": "assistant"}}
        stop: Literal["end_turn", "tool_use"]
        if isinstance(step, str):
            yield {"contentBlockStart": {"start": {}}}
            yield {"contentBlockDelta": {"delta": {"text": step}}}
            yield {"contentBlockStop": {}}
            stop = "end_turn"
        else:
            tool_id = step.get("id", f"tooluse_{len(self.calls)}")
            yield {"contentBlockStart": {"start": {"toolUse": {"toolUseId": tool_id, "name": step["tool"]}}}}
            raw_input = step["raw_input"] if "raw_input" in step else json.dumps(step["input"])
            yield {"contentBlockDelta": {"delta": {"toolUse": {"input": raw_input}}}}
            yield {"contentBlockStop": {}}
            stop = "tool_use"
        yield {"messageStop": {"stopReason": stop}}
        yield {"metadata": {"usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
                            "metrics": {"latencyMs": 1}}}

    def user_texts(self, call: int = 0) -> list[str]:
        """The text blocks of the user messages the `call`-th model call received."""
        return [block["text"] for message in self.calls[call]["messages"] if message["role"] == "user"
                for block in message["content"] if "text" in block]
