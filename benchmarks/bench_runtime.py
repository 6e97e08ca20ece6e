"""Latency of a customerData invocation over HTTP on loopback, beside GET /ping in the same run (issue #4).

The runtime is started exactly as the container starts it (`python -m agent`, template explainer, INFO
logs), on 127.0.0.1 and a free port. One persistent keep-alive client then alternates a /ping and an
invocation of the seed's example customer, so that machine noise hits both equally. Target: the
invocation's p50 within 2x of /ping's p50.

Run by hand:

    .venv/bin/python benchmarks/bench_runtime.py [--requests 3000] [--max-seconds 120]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SEED_REQUEST = REPO / "rules" / "samples" / "request.json"
TARGET_RATIO = 2.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_runtime(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SEGMENT_HOST": "127.0.0.1", "SEGMENT_PORT": str(port), "SEGMENT_MODEL_PROVIDER": "",
           "SEGMENT_METRICS": "off"}
    process = subprocess.Popen([sys.executable, "-m", "agent"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the runtime did not start")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call: Any) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"unexpected status {response.status_code}: {response.text[:200]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="timed requests of each kind")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests of each kind first")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop timing after this long")
    args = parser.parse_args()

    payload = {**json.loads(SEED_REQUEST.read_text(encoding="utf-8")), "asOf": "2026-02-12"}
    body = json.dumps(payload).encode()
    headers = {"content-type": "application/json"}
    port = free_port()
    process = start_runtime(port)
    ping_ms: list[float] = []
    invoke_ms: list[float] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            ping = lambda: client.get("/ping")  # noqa: E731 - tiny closures read best here
            invoke = lambda: client.post("/invocations", content=body, headers=headers)  # noqa: E731
            explained = invoke().json()
            assert explained["explanationSource"] == "template", explained["explanationSource"]
            for _ in range(args.warmup):
                timed(ping)
                timed(invoke)
            deadline = time.monotonic() + args.max_seconds
            for _ in range(args.requests):
                ping_ms.append(timed(ping))
                invoke_ms.append(timed(invoke))
                if time.monotonic() > deadline:
                    break
    finally:
        process.terminate()
        process.wait(timeout=30)

    rows = [("GET /ping", ping_ms), ("POST /invocations (customerData, template)", invoke_ms)]
    print(f"{'request':45} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for name, samples in rows:
        print(f"{name:45} {len(samples):6d} {percentile(samples, 0.5):8.3f} {percentile(samples, 0.99):8.3f} "
              f"{statistics.fmean(samples):8.3f}")
    ratio = percentile(invoke_ms, 0.5) / percentile(ping_ms, 0.5)
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"p50 ratio invocation / ping: {ratio:.2f} (target <= {TARGET_RATIO:.0f}: {verdict})")
    print(f"p99 ratio invocation / ping: {percentile(invoke_ms, 0.99) / percentile(ping_ms, 0.99):.2f}")


if __name__ == "__main__":
    main()
