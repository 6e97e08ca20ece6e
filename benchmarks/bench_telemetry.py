"""What CloudWatch metrics cost a request: `record()` and whole invocations, metrics off vs on vs CloudWatch down.

Three recorders, measured side by side in one run, in interleaved repeats:

- off: `NullRecorder` (``SEGMENT_METRICS=off``);
- cloudwatch: `CloudWatchRecorder` publishing to a local CloudWatch (moto's server on 127.0.0.1, in its own
  process, as CloudWatch would be);
- outage: `CloudWatchRecorder` whose endpoint refuses connections (every publish fails).

For each: the cost of one `record()` call; the wall time of one in-process invocation (`agent.handler.handle`
with the template explainer, the seed's example customer); and the process's CPU time per invocation, every
thread included, up to and including `close()`, which publishes what is left: the whole cost of the metrics.
CPU time is steadier than wall time on a busy machine. Ratios are against "off".

Run by hand (figures are noisy on a busy 2-core machine; the best repeat is the steadiest):

    .venv/bin/python benchmarks/bench_telemetry.py [--calls 20000] [--invocations 2000] [--repeats 5]
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
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.explain.template import TemplateExplainer
from agent.handler import handle
from agent.telemetry import CloudWatchRecorder, InvocationRecord, NullRecorder, Recorder

SEED_REQUEST = Path(__file__).resolve().parents[1] / "rules" / "samples" / "request.json"
RECORD = InvocationRecord("customer", "ok", 12.5, "template", {"churnSegment": {"Aktif": 1}, "ageSegment": {"GenZ": 1}})


def closed_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def per_call_us(work: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        work()
    return (time.perf_counter() - started) / calls * 1e6


def make_recorder(kind: str, moto_url: str) -> Recorder:
    if kind == "off":
        return NullRecorder()
    os.environ["AWS_ENDPOINT_URL_CLOUDWATCH"] = moto_url if kind == "cloudwatch" else closed_port_url()
    # A queue big enough for the whole run: the benchmark measures record(), not drops.
    recorder = CloudWatchRecorder(flush_seconds=1.0, queue_size=1_000_000)
    # Warm up: the first flush creates the boto3 client, a one-time cost per process that is not per request.
    recorder.record(RECORD)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stats = recorder.stats()
        if stats.published_records or stats.publish_errors:
            break
        time.sleep(0.05)
    return recorder


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = int(closed_port_url().rsplit(":", 1)[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):
                return process, url
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto's server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000, help="record() calls per measurement")
    parser.add_argument("--invocations", type=int, default=2_000, help="invocations per measurement")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    server, moto_url = start_moto()
    payload = {**json.loads(SEED_REQUEST.read_text(encoding="utf-8")), "asOf": "2026-02-12", "explain": True}
    explainer = TemplateExplainer()

    kinds = ("off", "cloudwatch", "outage")
    record_us: dict[str, list[float]] = {k: [] for k in kinds}
    wall_us: dict[str, list[float]] = {k: [] for k in kinds}
    cpu_us: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(args.repeats):
        for kind in kinds:
            # Separate recorders, so the invocations do not compete with the backlog of the record() loop.
            recorder = make_recorder(kind, moto_url)
            record_us[kind].append(per_call_us(lambda r=recorder: r.record(RECORD), args.calls))
            recorder.close(timeout=30)
            recorder = make_recorder(kind, moto_url)
            cpu_started = time.process_time()
            wall_us[kind].append(
                per_call_us(lambda r=recorder: handle(payload, explainer=explainer, recorder=r), args.invocations)
            )
            recorder.close(timeout=30)
            cpu_us[kind].append((time.process_time() - cpu_started) / args.invocations * 1e6)
    server.kill()  # moto's development server does not always stop on SIGTERM while it is busy
    server.wait(10)

    print(f"record(): {args.calls} calls; invocations: {args.invocations} (in-process handle, template explainer)")
    print(
        f"{'recorder':<12}{'record() µs':>12}{'invocation wall µs':>20}{'vs off':>8}"
        f"{'CPU µs/invocation':>19}{'vs off':>8}   (medians of {args.repeats} repeats)"
    )
    for kind in kinds:
        wall, cpu = statistics.median(wall_us[kind]), statistics.median(cpu_us[kind])
        wall_ratio, cpu_ratio = wall / statistics.median(wall_us["off"]), cpu / statistics.median(cpu_us["off"])
        print(
            f"{kind:<12}{statistics.median(record_us[kind]):>12.2f}{wall:>20.1f}{wall_ratio:>8.3f}"
            f"{cpu:>19.1f}{cpu_ratio:>8.3f}"
        )


if __name__ == "__main__":
    main()
