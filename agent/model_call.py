"""One Strands agent invocation with a time bound.

The agent runs in its own daemon thread; the caller waits at most `timeout_s`. When the bound passes, the
agent is told to cancel (it stops at its next safe point) and the caller goes on without it. The model
client's own timeout is set to the same bound (see `model_settings.build_model`), so the thread ends soon
after, and `bounded_agent` turns Strands' own retries off, so that nothing retries behind the caller's back.
"""

from __future__ import annotations

import contextvars
import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future, wait
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from strands import Agent
    from strands.agent import AgentResult
    from strands.hooks import HookCallback, HookProvider
    from strands.models import Model
    from strands.types.tools import AgentTool

MAX_TURNS = 8  # model turns per invocation: enough for a few tool calls, bounded against loops

# Reasoning that local models (DeepSeek-R1, Qwen3, QwQ on Ollama, on vLLM without a reasoning parser, on llama.cpp
# with --reasoning-format none) and Claude (before a tool call) write into the answer's text as <think> or
# <thinking> blocks. When the chat template itself opens the block, the answer holds only its closing tag.
_REASONING_BLOCK = re.compile(r"<(think|thinking)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_UP_TO_CLOSING_TAG = re.compile(r"^.*</(?:think|thinking)>", re.DOTALL | re.IGNORECASE)
_UNCLOSED_BLOCK = re.compile(r"<(?:think|thinking)>.*", re.DOTALL | re.IGNORECASE)


class ModelFailed(Exception):  # noqa: N818 - it names what happened, like TimeoutError
    """The model did not give a usable answer. The message says why, never what the data was."""


def bounded_agent(model: Model, system_prompt: str, tools: Sequence[AgentTool] = (),
                  hooks: Sequence[HookProvider | HookCallback[Any]] = ()) -> Agent:
    """A new Strands agent for one `invoke_bounded` call: silent, and without Strands' retries.

    Strands retries a throttled model call itself, after 4, 8, 16, 32 and 64 s, and a cancelled agent still
    sleeps and retries: the caller would wait out its whole bound for nothing while the abandoned thread kept
    calling a model that had just said it was overloaded. Without them, throttling is one failed call, answered
    at once (by the template, or with a 503 for a free question).
    """
    from strands import Agent

    return Agent(model=model, system_prompt=system_prompt, tools=list(tools), hooks=list(hooks),
                 callback_handler=None, retry_strategy=None)


def invoke_bounded(agent: Agent, prompt: str, timeout_s: float) -> str:
    """Ask `agent` and return its final text.

    Args:
        agent: a fresh agent (one per invocation; agents keep conversation state).
        prompt: the user message.
        timeout_s: the longest the caller waits.

    Raises:
        ModelFailed: the model raised, timed out, or answered with no text.
    """
    from strands.types.agent import Limits

    answer: Future[AgentResult] = Future()

    def run() -> None:
        try:
            answer.set_result(agent(prompt, limits=Limits(turns=MAX_TURNS)))
        except BaseException as error:
            answer.set_exception(error)

    # In a copy of the caller's context, so that what Strands logs carries the request's id (a context variable).
    call_context = contextvars.copy_context()
    threading.Thread(target=call_context.run, args=(run,), name="segment-model-call", daemon=True).start()
    done, _ = wait([answer], timeout=timeout_s)
    if not done:
        agent.cancel()
        raise ModelFailed(f"no answer within {timeout_s:g} s")
    error = answer.exception()
    if error is not None:
        raise ModelFailed(f"the model call failed ({type(error).__name__})") from error
    result = answer.result()
    text = without_reasoning(str(result))
    if result.stop_reason not in ("end_turn", "stop_sequence") or not text:
        raise ModelFailed(f"the model stopped without a usable answer (stop reason {result.stop_reason})")
    return text


def without_reasoning(text: str) -> str:
    """`text` without the model's reasoning blocks, stripped; empty when it held nothing else.

    Examples:
        >>> without_reasoning("<think>C-1 is in Izmir, so...</think>\\n## C-1\\nActive.")
        '## C-1\\nActive.'
        >>> without_reasoning("The template opened the block.</think>\\nActive."), without_reasoning("<think>cut off")
        ('Active.', '')
    """
    text = _REASONING_BLOCK.sub("", text)
    text = _UP_TO_CLOSING_TAG.sub("", text, count=1)
    return _UNCLOSED_BLOCK.sub("", text, count=1).strip()
