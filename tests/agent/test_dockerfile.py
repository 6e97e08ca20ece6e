"""The Dockerfile builds the AgentCore runtime image; no Docker engine runs here, so its parts are checked."""

from __future__ import annotations

import re

from tests.agent import dockerfile
from tests.agent.test_serve import RUNTIME_COMMAND


def test_every_stage_is_a_pinned_slim_python_for_arm64() -> None:
    froms = [ins.args for ins in dockerfile.instructions() if ins.keyword == "FROM"]

    assert froms
    for args in froms:
        assert re.fullmatch(r"--platform=linux/arm64 python:3\.11\.\d+-slim-bookworm( AS \w+)?", args), args


def test_the_command_is_the_one_the_tests_run() -> None:
    assert dockerfile.cmd() == RUNTIME_COMMAND == ["opentelemetry-instrument", "python", "-m", "agent"]


def test_it_listens_on_all_interfaces_on_port_8080() -> None:
    env = dockerfile.env()
    assert (env["SEGMENT_HOST"], env["SEGMENT_PORT"]) == ("0.0.0.0", "8080")
    assert [ins.args for ins in dockerfile.final_stage() if ins.keyword == "EXPOSE"] == ["8080"]


def test_it_runs_as_a_non_root_user_after_installing() -> None:
    stage = dockerfile.final_stage()
    users = [i for i, ins in enumerate(stage) if ins.keyword == "USER"]
    runs = [i for i, ins in enumerate(stage) if ins.keyword == "RUN"]

    assert len(users) == 1
    assert stage[users[0]].args not in ("root", "0", "0:0")
    assert users[0] > max(runs)
    assert "useradd --create-home --uid 10001" in " ".join(ins.args for ins in stage if ins.keyword == "RUN")


def test_only_the_runtime_dependencies_are_installed() -> None:
    runs = " ".join(ins.args for ins in dockerfile.final_stage() if ins.keyword == "RUN")
    copies = [ins.args for ins in dockerfile.instructions() if ins.keyword == "COPY"]

    assert "[agent]" in runs
    assert not any(extra in runs for extra in ("[dev]", "[dashboard]", "[agent,"))
    assert copies == ["pyproject.toml README.md ./", "rules ./rules", "agent ./agent", "--from=build /wheels /wheels"]


def test_the_health_check_asks_ping() -> None:
    options, command = dockerfile.healthcheck()

    assert options == ["--interval=30s", "--timeout=5s", "--start-period=20s", "--retries=3"]
    assert command[:2] == ["python", "-c"]
    assert "/ping" in command[2]


def test_dockerignore_lets_only_the_runtime_sources_in() -> None:
    lines = (dockerfile.DOCKERFILE.parent / ".dockerignore").read_text(encoding="utf-8").splitlines()

    assert [line for line in lines if line and not line.startswith("#")] == [
        "*", "!pyproject.toml", "!README.md", "!rules/", "!agent/", "**/__pycache__", "**/*.py[co]"]


def test_agentcore_observability_is_switched_on() -> None:
    env = dockerfile.env()
    runs = " ".join(ins.args for ins in dockerfile.final_stage() if ins.keyword == "RUN")

    assert "aws-opentelemetry-distro" in runs
    assert {k: env[k] for k in ("AGENT_OBSERVABILITY_ENABLED", "OTEL_PYTHON_DISTRO", "OTEL_PYTHON_CONFIGURATOR",
                                "SEGMENT_METRICS", "OTEL_SEMCONV_STABILITY_OPT_IN")} == {
        "AGENT_OBSERVABILITY_ENABLED": "true", "OTEL_PYTHON_DISTRO": "aws_distro",
        "OTEL_PYTHON_CONFIGURATOR": "aws_configurator", "SEGMENT_METRICS": "cloudwatch",
        "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_unredacted_attributes="}
    assert dockerfile.cmd()[0] == "opentelemetry-instrument"
