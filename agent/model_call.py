"""One Strands agent invocation with a time bound.

The agent runs in its own daemon thread; the caller waits at most `timeout_s`. When the bound passes, the
agent is told to cancel (it stops at its next safe point) and the caller goes on without it. The model
client's own timeout is set to the same bound (see `model_settings.build_model`), so the thread ends soon
after.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import Future, wait
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from strands import Agent
    from strands.agent import AgentResult

MAX_TURNS = 8  # model turns per invocation: enough for a few tool calls, bounded against loops


class ModelFailed(Exception):  # noqa: N818 - it names what happened, like TimeoutError
    """The model did not give a usable answer. The message says why, never what the data was."""


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
    text = str(result).strip()
    if result.stop_reason not in ("end_turn", "stop_sequence") or not text:
        raise ModelFailed(f"the model stopped without a usable answer (stop reason {result.stop_reason})")
    return text
