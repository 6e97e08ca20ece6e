"""The `segment` command line: the rule engine's subcommands.

The agent package adds its own subcommands (`serve`) through `main(extend=...)`, so this module never
imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rules.analyze import analyze_request
from rules.errors import InvalidInput

EXIT_OK, EXIT_INVALID = 0, 2

Subparsers = Any  # argparse's _SubParsersAction is private


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _read_json(path: str) -> Any:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    return json.loads(text)


def seed_response(analysis_json: dict[str, Any]) -> dict[str, Any]:
    """The seed's response envelope around an analysis."""
    return {"analysis": analysis_json, "timestamp": datetime.now(UTC).isoformat()}


def _cmd_analyze(args: argparse.Namespace) -> int:
    try:
        payload = _read_json(args.request)
    except (OSError, json.JSONDecodeError) as error:
        print(f"error: cannot read {args.request}: {error}", file=sys.stderr)
        return EXIT_INVALID
    try:
        analysis = analyze_request(payload, args.as_of)
    except InvalidInput as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    response = seed_response(analysis.model_dump(mode="json", by_alias=True))
    print(json.dumps(response, ensure_ascii=False, indent=2))
    return EXIT_OK


def build_parser() -> tuple[argparse.ArgumentParser, Subparsers]:
    """The parser with the rule engine's subcommands; callers may add more to the returned subparsers."""
    parser = argparse.ArgumentParser(prog="segment", description="Customer segmentation from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="analyse one request (the seed's customerData JSON)")
    analyze.add_argument("request", metavar="REQUEST.json", help="request file, or - for standard input")
    analyze.add_argument("--as-of", type=_iso_day, default=None, metavar="YYYY-MM-DD",
                         help="the day to analyse for (default: the request's asOf, else today in UTC)")
    analyze.set_defaults(handler=_cmd_analyze)
    return parser, commands


def main(argv: Sequence[str] | None = None, extend: Callable[[Subparsers], None] | None = None) -> int:
    """Run the command line; returns the exit code (2 for invalid input)."""
    parser, commands = build_parser()
    if extend is not None:
        extend(commands)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
