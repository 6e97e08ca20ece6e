"""The `segment` console script: the rule engine's commands plus the agent's (`serve`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from rules import cli as rules_cli


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `segment` console script."""
    return rules_cli.main(argv, extend=_add_commands)


def _add_commands(commands: Any) -> None:
    # agent.serve imports uvicorn, the SDK and Strands only when serving, so `segment analyze` stays light.
    from agent.serve import add_serve_arguments

    serve = commands.add_parser("serve", help="serve the AgentCore runtime (POST /invocations, GET /ping)")
    add_serve_arguments(serve)
    serve.set_defaults(handler=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    from agent.serve import serve

    return serve(args.host, args.port, args.workers)
