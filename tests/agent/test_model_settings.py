"""Model configuration from the environment, and both providers end to end against loopback stand-ins."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from agent.configure import assistant_from_env, explainer_from_env
from agent.explain import ModelExplainer, TemplateExplainer
from agent.explain.prompt import system_prompt
from agent.handler import handle
from agent.model_settings import ModelConfigError, ModelSettings, build_model, settings_from_env
from tests.agent.model_stubs import BedrockStub, OpenAIStub
from tests.agent.servers import free_port
from tests.conftest import AS_OF, seed_example

OPENAI_ENV = {"SEGMENT_MODEL_PROVIDER": "openai", "SEGMENT_OPENAI_BASE_URL": "http://127.0.0.1:11434/v1/",
              "SEGMENT_OPENAI_MODEL": "llama3.2"}


def seed_payload() -> dict[str, Any]:
    return {**seed_example("example-request"), "asOf": AS_OF.isoformat()}


def template_text(language: Any = "en") -> str:
    from rules import analyze_request

    return TemplateExplainer().explain_analysis(analyze_request(seed_payload()), language).text


# --- reading the environment ---------------------------------------------------------------------------------


@pytest.mark.parametrize("env", [{}, {"SEGMENT_MODEL_PROVIDER": ""}, {"SEGMENT_MODEL_PROVIDER": "None"}])
def test_no_provider_means_template_only(env: dict[str, str]) -> None:
    assert settings_from_env(env) is None
    assert isinstance(explainer_from_env(env), TemplateExplainer)
    assert assistant_from_env(env) is None


def test_bedrock_settings() -> None:
    env = {"SEGMENT_MODEL_PROVIDER": "Bedrock", "SEGMENT_MODEL_ID": "eu.anthropic.claude-sonnet-4-v1:0",
           "AWS_REGION": "eu-central-1", "SEGMENT_MODEL_TIMEOUT_S": "7.5"}

    assert settings_from_env(env) == ModelSettings(provider="bedrock", model_id="eu.anthropic.claude-sonnet-4-v1:0",
                                                   timeout_s=7.5, region="eu-central-1")
    assert isinstance(explainer_from_env(env), ModelExplainer)


def test_openai_settings() -> None:
    env = {**OPENAI_ENV, "SEGMENT_OPENAI_API_KEY": "sk-local", "SEGMENT_MODEL_MAX_TOKENS": "300"}

    assert settings_from_env(env) == ModelSettings(provider="openai", model_id="llama3.2", timeout_s=20.0,
                                                   max_tokens=300, base_url="http://127.0.0.1:11434/v1",
                                                   api_key="sk-local")


def test_the_api_key_stays_out_of_the_repr() -> None:
    settings = settings_from_env({**OPENAI_ENV, "SEGMENT_OPENAI_API_KEY": "sk-very-secret"})

    assert "sk-very-secret" not in repr(settings)


def test_a_password_in_the_base_url_stays_out_of_the_repr() -> None:
    settings = settings_from_env({**OPENAI_ENV, "SEGMENT_OPENAI_BASE_URL": "https://admin:hunter2@llm.example/v1"})

    assert settings is not None
    assert settings.base_url == "https://admin:hunter2@llm.example/v1"  # the client still gets it
    assert "base_url='https://***@llm.example/v1'" in repr(settings)


@pytest.mark.parametrize(("env", "message"), [
    ({"SEGMENT_MODEL_PROVIDER": "gpt"}, "SEGMENT_MODEL_PROVIDER must be bedrock, openai or none, got 'gpt'"),
    ({"SEGMENT_MODEL_PROVIDER": "bedrock"}, "SEGMENT_MODEL_ID is required when SEGMENT_MODEL_PROVIDER is 'bedrock'"),
    ({"SEGMENT_MODEL_PROVIDER": "openai", "SEGMENT_OPENAI_MODEL": "m"},
     "SEGMENT_OPENAI_BASE_URL is required when SEGMENT_MODEL_PROVIDER is 'openai'"),
    ({**OPENAI_ENV, "SEGMENT_OPENAI_MODEL": " "},
     "SEGMENT_OPENAI_MODEL is required when SEGMENT_MODEL_PROVIDER is 'openai'"),
    ({**OPENAI_ENV, "SEGMENT_OPENAI_BASE_URL": "localhost:11434"},
     "SEGMENT_OPENAI_BASE_URL must be an http(s) URL, got 'localhost:11434'"),
    ({**OPENAI_ENV, "SEGMENT_OPENAI_BASE_URL": "ftp://admin:hunter2@models.example/v1"},
     "SEGMENT_OPENAI_BASE_URL must be an http(s) URL, got 'ftp://***@models.example/v1'"),
    ({**OPENAI_ENV, "SEGMENT_OPENAI_BASE_URL": "admin:hunter2@models.example:8000"},
     "SEGMENT_OPENAI_BASE_URL must be an http(s) URL, got '***@models.example:8000'"),
    ({**OPENAI_ENV, "SEGMENT_MODEL_TIMEOUT_S": "soon"}, "SEGMENT_MODEL_TIMEOUT_S must be a number, got 'soon'"),
    ({**OPENAI_ENV, "SEGMENT_MODEL_TIMEOUT_S": "0"},
     "SEGMENT_MODEL_TIMEOUT_S must be above 0 and at most 300, got '0'"),
    ({**OPENAI_ENV, "SEGMENT_MODEL_TIMEOUT_S": "301"},
     "SEGMENT_MODEL_TIMEOUT_S must be above 0 and at most 300, got '301'"),
    # A fraction was cut to a whole number before: "1.9" asked for answers of one token.
    ({**OPENAI_ENV, "SEGMENT_MODEL_MAX_TOKENS": "1.9"}, "SEGMENT_MODEL_MAX_TOKENS must be a whole number, got '1.9'"),
    ({**OPENAI_ENV, "SEGMENT_MODEL_MAX_TOKENS": "0"}, "SEGMENT_MODEL_MAX_TOKENS must be from 1 to 100000, got '0'"),
    ({**OPENAI_ENV, "SEGMENT_MODEL_MAX_TOKENS": "100001"},
     "SEGMENT_MODEL_MAX_TOKENS must be from 1 to 100000, got '100001'"),
])
def test_invalid_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ModelConfigError) as raised:
        settings_from_env(env)

    assert str(raised.value) == message


def test_built_models_carry_the_bound_as_their_client_timeout() -> None:
    from strands.models.bedrock import BedrockModel
    from strands.models.openai import OpenAIModel

    bedrock = build_model(ModelSettings(provider="bedrock", model_id="m-1", region="us-west-2", timeout_s=9))
    openai = build_model(ModelSettings(provider="openai", model_id="m-2", base_url="http://127.0.0.1:1/v1",
                                       timeout_s=9))

    assert isinstance(bedrock, BedrockModel)
    assert (bedrock.config["model_id"], bedrock.config["streaming"]) == ("m-1", False)
    assert bedrock.client.meta.region_name == "us-west-2"
    assert (bedrock.client.meta.config.read_timeout, bedrock.client.meta.config.retries["total_max_attempts"]) == (9, 1)
    assert isinstance(openai, OpenAIModel)
    assert openai.client_args == {"base_url": "http://127.0.0.1:1/v1", "api_key": "not-needed", "timeout": 9,
                                  "max_retries": 0}


# --- OpenAI-compatible server on loopback ----------------------------------------------------------------------


@pytest.fixture
def openai_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIStub]:
    with OpenAIStub(["## C-1001\nActive skincare lover."]) as stub:
        monkeypatch.setenv("SEGMENT_MODEL_PROVIDER", "openai")
        monkeypatch.setenv("SEGMENT_OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("SEGMENT_OPENAI_MODEL", "qwen2.5:3b")
        monkeypatch.setenv("SEGMENT_OPENAI_API_KEY", "sk-test")
        # Generous: a loaded CI machine answers slowly; the timeout test sets its own short bound.
        monkeypatch.setenv("SEGMENT_MODEL_TIMEOUT_S", "10")
        yield stub


def test_openai_compatible_model_explains(openai_env: OpenAIStub) -> None:
    reply = handle(seed_payload(), explainer=explainer_from_env())

    assert reply.body["explanation"]["content"][0]["text"] == "## C-1001\nActive skincare lover."
    assert reply.body["explanationSource"] == "model"
    [request] = openai_env.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert request["body"]["model"] == "qwen2.5:3b"
    assert request["body"]["messages"][0] == {"role": "system", "content": system_prompt("en")}
    assert request["body"]["max_tokens"] == 1024


def test_openai_timeout_falls_back_to_the_template(openai_env: OpenAIStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_MODEL_TIMEOUT_S", "0.5")
    openai_env.delay_s = 3.0

    started = time.perf_counter()
    reply = handle(seed_payload(), explainer=explainer_from_env())

    assert reply.body["explanationSource"] == "template"
    assert reply.body["explanation"]["content"][0]["text"] == template_text()
    assert time.perf_counter() - started < 2.5


def test_an_unreachable_openai_server_falls_back_to_the_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_MODEL_PROVIDER", "openai")
    monkeypatch.setenv("SEGMENT_OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("SEGMENT_OPENAI_MODEL", "m")

    reply = handle(seed_payload(), explainer=explainer_from_env())

    assert (reply.status, reply.body["explanationSource"]) == (200, "template")


# --- Bedrock, through boto3's standard endpoint override ----------------------------------------------------


@pytest.fixture
def bedrock_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockStub]:
    with BedrockStub(["## C-1001 from Bedrock"]) as stub:
        for name, value in {"SEGMENT_MODEL_PROVIDER": "bedrock", "SEGMENT_MODEL_ID": "eu.anthropic.test-v1:0",
                            "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
                            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": stub.endpoint_url,
                            "SEGMENT_MODEL_TIMEOUT_S": "2"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        yield stub


def test_bedrock_model_explains(bedrock_env: BedrockStub) -> None:
    reply = handle({**seed_payload(), "language": "tr"}, explainer=explainer_from_env())

    assert reply.body["explanation"]["content"][0]["text"] == "## C-1001 from Bedrock"
    assert reply.body["explanationSource"] == "model"
    [request] = bedrock_env.requests
    assert request["path"] == "/model/eu.anthropic.test-v1:0/converse"
    assert request["body"]["system"] == [{"text": system_prompt("tr")}]
    assert request["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")


def test_a_throttled_bedrock_gets_the_template_at_once_and_no_retry(bedrock_env: BedrockStub,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Strands' own retry would sleep 4 s and call again, and its second answer would arrive within the bound.
    monkeypatch.setenv("SEGMENT_MODEL_TIMEOUT_S", "10")
    bedrock_env.replies = [{"error": "ThrottlingException", "status": 429,
                            "message": "Too many requests, please wait before trying again."}, "## retried"]

    started = time.perf_counter()
    reply = handle(seed_payload(), explainer=explainer_from_env())

    assert (reply.body["explanationSource"], reply.body["explanation"]["content"][0]["text"]) == (
        "template", template_text())
    assert time.perf_counter() - started < 3
    assert len(bedrock_env.requests) == 1


def test_an_unreachable_bedrock_falls_back_to_the_template(monkeypatch: pytest.MonkeyPatch,
                                                           bedrock_env: BedrockStub) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", f"http://127.0.0.1:{free_port()}")

    reply = handle(seed_payload(), explainer=explainer_from_env())

    assert (reply.body["explanationSource"], reply.body["explanation"]["content"][0]["text"]) == (
        "template", template_text())
