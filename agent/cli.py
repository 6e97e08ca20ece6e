"""The `segment` console script: the rule engine's commands plus the agent's."""

from __future__ import annotations

from collections.abc import Sequence

from rules import cli as rules_cli


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `segment` console script."""
    return rules_cli.main(argv)
