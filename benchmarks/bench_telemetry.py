"""What CloudWatch metrics cost a request: `record()` and whole invocations, metrics off vs on vs CloudWatch down.

Three recorders, measured side by side in one run, in interleaved repeats:

- off: `NullRecorder` (``SEGMENT_METRICS=off``);
- cloudwatch: `CloudWatchRecorder` publishing to a local CloudWatch (moto's server on 127.0.0.1);
- outage: `CloudWatchRecorder` whose endpoint refuses connections (every publish fails).

For each: the cost of one `record()` call, and the time of one in-process invocation (`agent.handler.handle`
with the template explainer, the seed's example customer). Ratios are against "off" in the same repeat.

Run by hand (figures are noisy on a busy 2-core machine; the best repeat is the steadiest):

    .venv/bin/python benchmarks/bench_telemetry.py [--calls 20000] [--invocations 2000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moto.server import ThreadedMotoServer

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
    return CloudWatchRecorder(flush_seconds=1.0, queue_size=1_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000, help="record() calls per measurement")
    parser.add_argument("--invocations", type=int, default=2_000, help="invocations per measurement")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto_url = f"http://{host}:{port}"
    payload = {**json.loads(SEED_REQUEST.read_text(encoding="utf-8")), "asOf": "2026-02-12", "explain": True}
    explainer = TemplateExplainer()

    kinds = ("off", "cloudwatch", "outage")
    record_us: dict[str, list[float]] = {k: [] for k in kinds}
    invoke_us: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(args.repeats):
        for kind in kinds:
            # Separate recorders, so the invocations do not compete with the backlog of the record() loop.
            recorder = make_recorder(kind, moto_url)
            record_us[kind].append(per_call_us(lambda r=recorder: r.record(RECORD), args.calls))
            recorder.close(timeout=30)
            recorder = make_recorder(kind, moto_url)
            invoke_us[kind].append(
                per_call_us(lambda r=recorder: handle(payload, explainer=explainer, recorder=r), args.invocations)
            )
            recorder.close(timeout=30)
    server.stop()

    print(f"record(): {args.calls} calls; invocations: {args.invocations} (in-process handle, template explainer)")
    print(
        f"{'recorder':<12}{'record() µs best':>18}{'median':>10}{'invocation µs best':>22}{'median':>10}{'vs off':>9}"
    )
    off_best = min(invoke_us["off"])
    for kind in kinds:
        best = min(invoke_us[kind])
        print(
            f"{kind:<12}{min(record_us[kind]):>18.2f}{statistics.median(record_us[kind]):>10.2f}"
            f"{best:>22.1f}{statistics.median(invoke_us[kind]):>10.1f}{best / off_best:>9.3f}"
        )


if __name__ == "__main__":
    main()
