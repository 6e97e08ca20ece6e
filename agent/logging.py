"""Structured logs: one JSON object per line, with the request's id, mode, duration and outcome.

Only whitelisted fields reach a log line, and exceptions are logged as their type and stack frames
without their message, because messages can carry customer data. For the same reason a third-party library's
line keeps its message template and number arguments only: Strands, for one, logs a model's cut-off tool input,
which is customer data, as a text argument.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

# Fields a log call may add through `extra=`; anything else is dropped.
FIELDS = ("requestId", "mode", "outcome", "status", "durationMs", "explanationSource", "customers", "event",
          "errorType", "problemLocations")

# Loggers whose text arguments are shown: ours never log customer data, and uvicorn's are addresses and signals
# (its access log, which would show paths, is off). Any other logger's text arguments are left out.
_TRUSTED = frozenset({"agent", "rules", "dashboard", "uvicorn"})

_FIELD_VALUE = re.compile(r"=<([^<>]*)>")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

# Third-party loggers that are chatty at INFO or may log message contents at DEBUG.
_QUIET = {name: logging.WARNING for name in ("strands", "bedrock_agentcore", "botocore", "boto3", "urllib3", "openai",
                                             "httpx", "httpcore", "uvicorn.access", "opentelemetry")}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line: timestamp, level, logger, message and the whitelisted fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if "requestId" not in entry:
            request_id = _served_request_id()
            if request_id:
                entry["requestId"] = request_id
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["errorType"] = type(error).__name__
            entry["stack"] = [f"{frame.filename}:{frame.lineno} in {frame.name}"
                              for frame in traceback.extract_tb(error.__traceback__)]
        return json.dumps(entry, ensure_ascii=False, default=str)


def _message(record: logging.LogRecord) -> str:
    """The record's message; a third-party record's with every argument but a number replaced by its type, and
    in one it built itself, every ``key=<value>`` that is no number shown as ``key=<…>`` (Strands writes values
    so: ``tool_name=<…> | invalid tool name pattern``, the name being whatever the model sent)."""
    if record.name.partition(".")[0] in _TRUSTED:
        return record.getMessage()
    if not record.args:
        return _FIELD_VALUE.sub(lambda m: m.group(0) if _NUMBER.fullmatch(m.group(1)) else "=<…>",
                                record.getMessage())
    args = record.args
    shown: tuple[object, ...] | dict[str, object] = (
        {key: _number_or_type(value) for key, value in args.items()} if isinstance(args, Mapping)
        else tuple(_number_or_type(value) for value in args))
    try:
        return str(record.msg) % shown
    except (TypeError, ValueError, KeyError):  # e.g. "%d" given "<str>": the template alone still says what happened
        return str(record.msg)


def _number_or_type(value: object) -> object:
    # A status code, a duration or a count says what happened; text may be a customer's data.
    return value if isinstance(value, int | float) else f"<{type(value).__name__}>"


def _served_request_id() -> str | None:
    """The id of the request being served, which AgentCore's runtime sets; our handler uses the same id. So a
    line logged while serving it (AgentCore's own "Invocation returned HTTP 400") carries it too.

    Looked up only when the runtime is loaded: the command line stays light, and without it nothing is served.
    """
    context = sys.modules.get("bedrock_agentcore.runtime.context")
    request_id = context.BedrockAgentCoreContext.get_request_id() if context is not None else None
    return request_id if isinstance(request_id, str) else None


def configure_logging(level: str | None = None, stream: TextIO | None = None) -> None:
    """Send every log record to stderr as JSON lines (the process's entry point calls this once).

    Args:
        level: the root level; `SEGMENT_LOG_LEVEL` or INFO when None.
        stream: where the lines go; stderr when None.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel((level or os.environ.get("SEGMENT_LOG_LEVEL") or "INFO").upper())
    for name, quiet_level in _QUIET.items():
        logging.getLogger(name).setLevel(quiet_level)
    # BedrockAgentCoreApp adds its own stderr handler unless its logger has one: records go to root instead.
    agentcore = logging.getLogger("bedrock_agentcore.app")
    if not agentcore.handlers:
        agentcore.addHandler(logging.NullHandler())


def configure_logging_once() -> None:
    """`configure_logging`, unless the root logger has a handler already (the host set logging up, or this ran).

    For a process whose entry point is not ours but which runs the agent in it: the dashboard, whose in-process
    backend calls the handler, and so Strands. Without a handler, Python's last resort would print their warnings
    and errors with every argument and exception message, customer data included.
    """
    if not logging.getLogger().handlers:
        configure_logging()


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration: its loggers write JSON lines through the root handler too."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "agent.logging.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
    }
