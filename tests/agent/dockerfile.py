"""A small reader of the repository's Dockerfile: its instructions, final stage, CMD, ENV and HEALTHCHECK."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """Every instruction, continuation lines joined, comments dropped."""
    out: list[Instruction] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = pending + line
        pending = ""
        keyword, _, args = text.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip()))
    return out


def final_stage(path: Path = DOCKERFILE) -> list[Instruction]:
    """The instructions of the last stage, its FROM first."""
    found = instructions(path)
    start = max(i for i, ins in enumerate(found) if ins.keyword == "FROM")
    return found[start:]


def exec_form(args: str) -> list[str]:
    """A JSON (exec) form argument list; anything else is an error (shell form is not allowed here)."""
    value = json.loads(args)
    if not (isinstance(value, list) and all(isinstance(part, str) for part in value)):
        raise AssertionError(f"not an exec-form list: {args}")
    return value


def cmd(path: Path = DOCKERFILE) -> list[str]:
    [command] = [ins for ins in final_stage(path) if ins.keyword == "CMD"]
    return exec_form(command.args)


def env(path: Path = DOCKERFILE) -> dict[str, str]:
    """The final stage's ENV, in the KEY=value form."""
    values: dict[str, str] = {}
    for ins in final_stage(path):
        if ins.keyword == "ENV":
            for pair in shlex.split(ins.args):
                key, _, value = pair.partition("=")
                values[key] = value
    return values


def healthcheck(path: Path = DOCKERFILE) -> tuple[list[str], list[str]]:
    """The HEALTHCHECK's options and its exec-form command."""
    [check] = [ins for ins in final_stage(path) if ins.keyword == "HEALTHCHECK"]
    options, _, command = check.args.partition("CMD ")
    return options.split(), exec_form(command)
