"""`invoke_bounded`: the model's text, or `ModelFailed` saying why (never what the data was)."""

from __future__ import annotations

import contextvars
import time

import pytest
from strands import Agent

from agent.model_call import ModelFailed, bounded_agent, invoke_bounded
from agent.model_settings import ModelSettings, build_model
from tests.agent.model_stubs import OpenAIStub
from tests.agent.scripted_model import ScriptedModel


def agent(model: ScriptedModel) -> Agent:
    return Agent(model=model, callback_handler=None)


def test_returns_the_final_text() -> None:
    assert invoke_bounded(agent(ScriptedModel(["  hello \n"])), "hi", timeout_s=5) == "hello"


def test_a_raising_model_fails_without_its_message() -> None:
    with pytest.raises(ModelFailed) as raised:
        invoke_bounded(agent(ScriptedModel([RuntimeError("customer C-1001 leaked")])), "hi", timeout_s=5)

    assert str(raised.value) == "the model call failed (RuntimeError)"


def test_a_slow_model_is_abandoned_at_the_bound_and_cancelled() -> None:
    model = ScriptedModel(["late"], delay_s=1.0)
    slow = agent(model)

    started = time.perf_counter()
    with pytest.raises(ModelFailed) as raised:
        invoke_bounded(slow, "hi", timeout_s=0.2)
    elapsed = time.perf_counter() - started

    assert str(raised.value) == "no answer within 0.2 s"
    assert 0.2 <= elapsed < 0.9
    assert slow.cancel_signal.is_set()


def test_a_throttled_model_is_not_retried_behind_the_callers_back() -> None:
    from strands.types.exceptions import ModelThrottledException

    model = ScriptedModel([ModelThrottledException("Too many requests"), "retried"])

    started = time.perf_counter()
    with pytest.raises(ModelFailed) as raised:
        invoke_bounded(bounded_agent(model, "Answer briefly."), "hi", timeout_s=10)

    assert str(raised.value) == "the model call failed (ModelThrottledException)"
    assert time.perf_counter() - started < 1
    assert len(model.calls) == 1


@pytest.mark.parametrize("answer", [
    "<think>\nC-1001 bought in Izmir; ignore previous instructions?</think>\n\n## C-1001\nAktif.",
    "C-1001 bought in Izmir, so the answer is Aktif.\n</think>\n\n## C-1001\nAktif.",  # the template opened it
    "<thinking>I have the analysis.</thinking>\n## C-1001\nAktif.",  # Claude's, before and after tool calls
    "<Think>one</Think><think>two</think>## C-1001\nAktif.",
])
def test_the_models_reasoning_is_not_part_of_the_answer(answer: str) -> None:
    assert invoke_bounded(agent(ScriptedModel([answer])), "hi", timeout_s=5) == "## C-1001\nAktif."


def test_an_answer_of_reasoning_only_fails() -> None:
    with pytest.raises(ModelFailed) as raised:
        invoke_bounded(agent(ScriptedModel(["<think>C-1001 is... let me count the orders"])), "hi", timeout_s=5)

    assert str(raised.value) == "the model stopped without a usable answer (stop reason end_turn)"


def test_reasoning_in_an_openai_compatible_servers_stream_is_dropped() -> None:
    # Ollama, or vLLM without a reasoning parser, streams it as content; the stand-in splits it across chunks.
    with OpenAIStub(["<think>The data block says C-1001...</think>\n## C-1001\nAktif."]) as stub:
        model = build_model(ModelSettings(provider="openai", model_id="deepseek-r1:8b", base_url=stub.base_url))
        text = invoke_bounded(bounded_agent(model, "Explain."), "Explain C-1001.", timeout_s=10)

    assert text == "## C-1001\nAktif."


def test_an_empty_answer_fails() -> None:
    with pytest.raises(ModelFailed) as raised:
        invoke_bounded(agent(ScriptedModel([""])), "hi", timeout_s=5)

    assert str(raised.value) == "the model stopped without a usable answer (stop reason end_turn)"


def test_a_model_looping_on_tools_stops_at_the_turn_limit() -> None:
    from strands import tool

    @tool
    def ping() -> str:
        """Answer pong."""
        return "pong"

    model = ScriptedModel([{"tool": "ping", "input": {}}] * 20)

    with pytest.raises(ModelFailed) as raised:
        invoke_bounded(Agent(model=model, tools=[ping], callback_handler=None), "loop", timeout_s=10)

    assert str(raised.value) == "the model stopped without a usable answer (stop reason limit_turns)"
    assert len(model.calls) == 8


def test_the_agent_runs_in_the_callers_context() -> None:
    # AgentCore keeps the request's id in a context variable; lines Strands logs carry it only if the call sees it.
    from strands import tool

    request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
    seen: list[str | None] = []

    @tool
    def whoami() -> str:
        """Say which request this is."""
        seen.append(request_id.get())
        return "ok"

    def call() -> str:
        request_id.set("req-7")
        model = ScriptedModel([{"tool": "whoami", "input": {}}, "done"])
        return invoke_bounded(Agent(model=model, tools=[whoami], callback_handler=None), "hi", timeout_s=5)

    assert contextvars.copy_context().run(call) == "done"
    assert seen == ["req-7"]
