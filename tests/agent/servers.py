"""Real uvicorn servers on 127.0.0.1 for the agent's tests: in a thread, or as a process."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

REPO = Path(__file__).resolve().parents[2]
STARTUP_S = 30.0


def free_port() -> int:
    """A port that was free a moment ago (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def threaded_server(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread; yields its base URL and stops it (lifespan included) after."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class ServerProcess:
    """A server process and the file its stderr (its JSON log lines) goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


@contextmanager
def server_process(command: Sequence[str], env: Mapping[str, str], port: int, log: Path) -> Iterator[ServerProcess]:
    """Run `command` (a server) from the repository root until it answers /ping; SIGTERM it after the block."""
    with log.open("wb") as sink:
        process = subprocess.Popen(list(command), cwd=REPO, env={**os.environ, **env}, stdout=sink, stderr=sink)
        server = ServerProcess(process, log)
        try:
            wait_for_ping(f"http://127.0.0.1:{port}", server)
            yield server
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then wait (SIGKILL only if it hangs); returns the exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def wait_for_ping(base_url: str, server: ServerProcess | None = None) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server is not None and server.process.poll() is not None:
            raise AssertionError(f"server exited with {server.process.returncode}: {server.log_lines()}")
        try:
            if httpx.get(f"{base_url}/ping", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base_url}/ping did not answer within {STARTUP_S} s")
