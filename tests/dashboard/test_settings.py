"""Configuration: the backend from the environment or secrets, with clear errors naming the variable."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.settings import Settings, SettingsError, load_settings

ARN = "arn:aws:bedrock-agentcore:eu-central-1:123456789012:runtime/segment_agent-AbC123"


def test_nothing_configured_is_the_in_process_agent() -> None:
    assert load_settings({}) == Settings()
    assert Settings().target == "agent.handler.handle"


def test_a_runtime_url_selects_the_url_backend() -> None:
    settings = load_settings({"SEGMENT_RUNTIME_URL": "http://127.0.0.1:8080/"})

    assert (settings.backend, settings.runtime_url, settings.target) == ("url", "http://127.0.0.1:8080",
                                                                          "http://127.0.0.1:8080")


def test_an_arn_selects_agentcore_in_its_region() -> None:
    settings = load_settings({"SEGMENT_AGENT_RUNTIME_ARN": ARN})

    assert (settings.backend, settings.aws_region, settings.qualifier) == ("arn", "eu-central-1", "DEFAULT")


def test_the_environment_wins_over_secrets() -> None:
    settings = load_settings({"SEGMENT_BACKEND": "inprocess", "SEGMENT_MAX_CONCURRENCY": "8"},
                             {"SEGMENT_BACKEND": "arn", "SEGMENT_AGENT_RUNTIME_ARN": ARN, "SEGMENT_CHUNK_SIZE": 250})

    assert settings == Settings(backend="inprocess", agent_runtime_arn=ARN, aws_region="eu-central-1",
                                max_concurrency=8, chunk_size=250)


def test_every_number_and_the_as_of_day_are_read() -> None:
    settings = load_settings({
        "SEGMENT_TIMEOUT_SECONDS": "30.5", "SEGMENT_MAX_ATTEMPTS": "2", "SEGMENT_AS_OF": "2026-02-12",
        "SEGMENT_AGENT_QUALIFIER": "canary", "SEGMENT_AWS_REGION": "us-west-2", "SEGMENT_AGENT_RUNTIME_ARN": ARN,
    })

    assert settings == Settings(backend="arn", agent_runtime_arn=ARN, qualifier="canary", aws_region="us-west-2",
                                timeout_seconds=30.5, max_attempts=2, as_of=date(2026, 2, 12))


def test_the_chunk_byte_budget_is_read_in_megabytes_and_stays_below_the_runtimes_default_limit() -> None:
    from agent.json_guard import DEFAULT_MAX_BODY_MB

    assert load_settings({"SEGMENT_CHUNK_MAX_MB": "0.9"}).chunk_max_bytes == 900_000
    assert load_settings({}, {"SEGMENT_CHUNK_MAX_MB": 30}).chunk_max_bytes == 30_000_000
    assert Settings().chunk_max_bytes == 24_000_000
    assert Settings().chunk_max_bytes < DEFAULT_MAX_BODY_MB * 1_000_000
    # Up to InvokeAgentRuntime's 100 MB for the AgentCore backend; a runtime URL may take more (SEGMENT_MAX_BODY_MB).
    assert load_settings({"SEGMENT_AGENT_RUNTIME_ARN": ARN, "SEGMENT_CHUNK_MAX_MB": "100"}).chunk_max_bytes == 10**8
    assert load_settings({"SEGMENT_RUNTIME_URL": "http://127.0.0.1:8080", "SEGMENT_CHUNK_MAX_MB": "500"}) \
        .chunk_max_bytes == 500_000_000


@pytest.mark.parametrize(("env", "message"), [
    ({"SEGMENT_BACKEND": "lambda"}, "SEGMENT_BACKEND must be one of inprocess, url, arn, got 'lambda'"),
    ({"SEGMENT_BACKEND": "url"}, "SEGMENT_BACKEND=url needs SEGMENT_RUNTIME_URL"),
    ({"SEGMENT_RUNTIME_URL": "127.0.0.1:8080"}, "SEGMENT_RUNTIME_URL must be an http(s) URL, got '127.0.0.1:8080'"),
    ({"SEGMENT_BACKEND": "arn"}, "SEGMENT_BACKEND=arn needs SEGMENT_AGENT_RUNTIME_ARN"),
    ({"SEGMENT_AGENT_RUNTIME_ARN": "my-agent"}, "SEGMENT_AGENT_RUNTIME_ARN must look like"),
    ({"SEGMENT_MAX_CONCURRENCY": "0"}, "SEGMENT_MAX_CONCURRENCY must be a positive int, got '0'"),
    ({"SEGMENT_TIMEOUT_SECONDS": "soon"}, "SEGMENT_TIMEOUT_SECONDS must be a positive float, got 'soon'"),
    ({"SEGMENT_TIMEOUT_SECONDS": "nan"}, "SEGMENT_TIMEOUT_SECONDS must be a positive float, got 'nan'"),
    ({"SEGMENT_CHUNK_MAX_MB": "0"}, "SEGMENT_CHUNK_MAX_MB must be a positive float, got '0'"),
    ({"SEGMENT_CHUNK_MAX_MB": "inf"}, "SEGMENT_CHUNK_MAX_MB must be a positive float, got 'inf'"),
    ({"SEGMENT_CHUNK_MAX_MB": "24MB"}, "SEGMENT_CHUNK_MAX_MB must be a positive float, got '24MB'"),
    ({"SEGMENT_CHUNK_MAX_MB": "2000"}, "SEGMENT_CHUNK_MAX_MB must be from 0.000001 (one byte) to 1024 (the most "
                                       "SEGMENT_MAX_BODY_MB lets a runtime take), got '2000'"),
    ({"SEGMENT_CHUNK_MAX_MB": "1e-9"}, "SEGMENT_CHUNK_MAX_MB must be from 0.000001 (one byte) to 1024"),
    ({"SEGMENT_AGENT_RUNTIME_ARN": ARN, "SEGMENT_CHUNK_MAX_MB": "100.5"},
     "SEGMENT_CHUNK_MAX_MB must be at most 100 with the AgentCore backend (InvokeAgentRuntime's largest payload), "
     "got '100.5'"),
    ({"SEGMENT_AS_OF": "12.02.2026"}, "SEGMENT_AS_OF must be a YYYY-MM-DD date, got '12.02.2026'"),
])
def test_invalid_settings_name_the_variable_and_value(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env)

    assert str(caught.value).startswith(message)
