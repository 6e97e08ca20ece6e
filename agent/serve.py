"""Serving the runtime with uvicorn: `segment serve` and `python -m agent` (the container's command).

This module stays light (no uvicorn, SDK or Strands import until `serve` runs), so that the `segment`
command line starts fast for its other subcommands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from agent.logging import configure_logging, uvicorn_log_config
from rules.cli import at_least

if TYPE_CHECKING:
    from bedrock_agentcore import BedrockAgentCoreApp

# Seconds uvicorn lets requests in flight finish after SIGTERM/SIGINT before it closes them.
GRACEFUL_SHUTDOWN_S = 30
EXIT_CONFIG_ERROR = 2


def add_serve_arguments(parser: argparse.ArgumentParser, env: Mapping[str, str] | None = None) -> None:
    """--host, --port and --workers, defaulting to SEGMENT_HOST, SEGMENT_PORT and SEGMENT_WORKERS."""
    env = os.environ if env is None else env
    parser.add_argument("--host", default=env.get("SEGMENT_HOST", "127.0.0.1"),
                        help="address to bind (default: $SEGMENT_HOST or 127.0.0.1; 0.0.0.0 in the container)")
    parser.add_argument("--port", type=_port, default=env.get("SEGMENT_PORT", "8080"),
                        help="port (default: $SEGMENT_PORT or 8080, AgentCore's port)")
    parser.add_argument("--workers", type=_positive, default=env.get("SEGMENT_WORKERS", "1"),
                        help="worker processes (default: $SEGMENT_WORKERS or 1)")


def serve(host: str, port: int, workers: int = 1) -> int:
    """Serve the runtime until SIGTERM or SIGINT, then shut down gracefully.

    Each worker process builds its own app from the environment (`app_from_env`); they share nothing.

    Returns:
        The exit code: 0 after a graceful shutdown, 2 when the model or metrics configuration is invalid.
    """
    import uvicorn

    from agent.json_guard import BodyLimitError, max_body_bytes
    from agent.model_settings import ModelConfigError, settings_from_env
    from agent.telemetry.config import MetricsConfigError, load_metrics_config

    configure_logging()
    try:  # fail here, once, rather than with a traceback in every worker
        settings_from_env()
        load_metrics_config(os.environ)
        max_body_bytes()
    except (ModelConfigError, MetricsConfigError, BodyLimitError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    uvicorn.run(
        "agent.serve:app_from_env", factory=True, host=host, port=port, workers=workers,
        log_config=uvicorn_log_config(), access_log=False, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    return 0


def app_from_env() -> BedrockAgentCoreApp:
    """The app factory uvicorn calls in each worker process."""
    from agent.app import create_app

    configure_logging()
    return create_app()


_positive = at_least(1)


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a port: {text!r}")
    return value
