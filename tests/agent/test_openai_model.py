"""`OpenAICompatibleModel`: requests strict OpenAI-compatible servers accept, against the loopback stand-in."""

from __future__ import annotations

from agent.model_call import bounded_agent, invoke_bounded
from agent.model_settings import ModelSettings, build_model
from tests.agent.model_stubs import OpenAIStub


def test_an_agent_without_tools_sends_no_tools_list() -> None:
    # OpenAI and vLLM answer "tools": [] with HTTP 400 (empty_array), and so does the stand-in.
    with OpenAIStub(["## C-1\nA new customer."]) as stub:
        model = build_model(ModelSettings(provider="openai", model_id="qwen3:4b", base_url=stub.base_url))
        text = invoke_bounded(bounded_agent(model, "Explain."), "Explain C-1.", timeout_s=10)

    assert text == "## C-1\nA new customer."
    [request] = stub.requests
    assert "tools" not in request["body"]
    assert request["body"]["messages"] == [{"role": "system", "content": "Explain."},
                                           {"role": "user", "content": [{"type": "text", "text": "Explain C-1."}]}]
