"""`segment serve`: its options, their environment defaults, and a command line that stays light."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import _add_commands
from agent.serve import add_serve_arguments
from rules.cli import build_parser


def parse(argv: list[str]) -> argparse.Namespace:
    parser, commands = build_parser()
    _add_commands(commands)
    return parser.parse_args(argv)


def test_serve_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SEGMENT_HOST", "SEGMENT_PORT", "SEGMENT_WORKERS"):
        monkeypatch.delenv(name, raising=False)

    args = parse(["serve"])

    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8080, 1)


def test_serve_options() -> None:
    args = parse(["serve", "--host", "0.0.0.0", "--port", "9001", "--workers", "3"])

    assert (args.host, args.port, args.workers) == ("0.0.0.0", 9001, 3)


def test_environment_defaults() -> None:
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser, {"SEGMENT_HOST": "0.0.0.0", "SEGMENT_PORT": "8081", "SEGMENT_WORKERS": "2"})

    args = parser.parse_args([])

    assert (args.host, args.port, args.workers) == ("0.0.0.0", 8081, 2)


@pytest.mark.parametrize("argv", [["serve", "--port", "0"], ["serve", "--port", "70000"],
                                  ["serve", "--workers", "0"], ["serve", "--port", "http"]])
def test_invalid_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        parse(argv)

    assert raised.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_the_command_line_imports_no_server_or_model_code() -> None:
    heavy = ("uvicorn", "strands", "bedrock_agentcore", "starlette", "boto3", "openai")
    code = ("import sys, agent.cli; from rules.cli import build_parser; p, c = build_parser(); "
            "agent.cli._add_commands(c); p.parse_args(['analyze', 'x.json']); "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))")

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)

    assert result.stdout.strip() == "[]"


def test_the_console_script_lists_serve() -> None:
    segment = str(Path(sys.executable).parent / "segment")

    listing = subprocess.run([segment, "--help"], capture_output=True, text=True, timeout=60, check=True)
    serve_help = subprocess.run([segment, "serve", "--help"], capture_output=True, text=True, timeout=60, check=True)

    assert "serve     serve the AgentCore runtime (POST /invocations, GET /ping)" in listing.stdout
    assert "--workers WORKERS" in serve_help.stdout
