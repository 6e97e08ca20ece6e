"""Dashboard speed on a 100,000-customer cohort: upload → charts, and a rerun after a filter change.

    .venv/bin/python benchmarks/bench_dashboard.py [--customers 100000] [--seed 1]

The cohort is an order-line CSV from the project's generator (customer attributes joined on, as one file),
cached under `benchmarks/.data/`. Two ways of timing, side by side in one run:

1. The Cohort page's functions, stage by stage (exactly what the page calls):
   upload → charts = hash the bytes, `read_cohort`, segment with the in-process backend (the rule engine's
   columnar path), KPIs, every chart figure and the win-back table; rerun = filter, KPIs, every figure, the
   win-back table. With ``--compare-handler`` it also times the same cohort through the agent's handler in
   chunked cohort payloads (what the URL and AgentCore backends make the runtime do, without the network),
   and checks both give the same table.
2. The whole page in Streamlit's AppTest (script, widgets, Arrow and Plotly serialisation included):
   upload → charts = the run after `file_uploader.set_value`; rerun = the run after a filter is picked.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from dashboard import charts, sources
from dashboard.client import make_client
from dashboard.cohort_view import filter_customers, kpis, missing_regular_opportunities
from dashboard.segmenting import segment_with_agent
from dashboard.settings import settings_from_environment
from rules.cohort.generate import DEFAULT_AS_OF, generate

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / ".data"
FILTER = {"churnSegment": ["Riskli"], "loyaltyTier": ["Gümüş", "Bronz"]}
T = TypeVar("T")


def timed(label: str, step: Callable[[], T], laps: dict[str, float]) -> T:
    started = time.perf_counter()
    result = step()
    laps[label] = time.perf_counter() - started
    return result


def cohort_file(customers: int, seed: int) -> Path:
    """The benchmark's order-line CSV (generated once, then reused)."""
    path = DATA / f"cohort_{customers}_{seed}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        generated = generate(customers, seed=seed, as_of=DEFAULT_AS_OF)
        lines = generated.order_lines.merge(generated.customers, on="customer_id", how="left")
        lines.to_csv(path, index=False, float_format="%.2f", lineterminator="\n")
    return path


def handler_path(cohort: Any, frame: Any) -> float:
    """Seconds to segment the cohort through `agent.handler.handle` in chunks; checks the table is the same."""
    import pandas as pd

    from dashboard.client.cohorts import segment_remotely
    from dashboard.segmenting import chunk_size

    settings = settings_from_environment()
    started = time.perf_counter()
    segments = segment_remotely(make_client(settings), cohort, as_of=DEFAULT_AS_OF, session_id="bench-" + "0" * 32,
                                chunk_size=chunk_size(settings), chunk_max_bytes=settings.chunk_max_bytes,
                                max_workers=1)
    seconds = time.perf_counter() - started
    pd.testing.assert_frame_equal(segments.frame, frame)
    return seconds


def page_functions(content: bytes, name: str, runs: int, compare: bool) -> dict[str, Any]:
    """Stage timings of the page's functions (upload → charts once; the filter rerun `runs` times)."""
    settings = settings_from_environment()
    client = make_client(settings)
    laps: dict[str, float] = {}
    file = timed("hash", lambda: sources.CohortFile.from_bytes(name, content), laps)
    cohort = timed("read_cohort", lambda: sources.read(file), laps)
    segmented = timed("segment (in-process)", lambda: segment_with_agent(
        cohort, client, settings, as_of=DEFAULT_AS_OF, session_id="bench-" + "0" * 32), laps)
    frame = segmented.frame

    def page(selection: dict[str, list[str]]) -> None:
        shown = filter_customers(frame, selection)
        kpis(shown)
        figures = charts.overview_figures(shown)
        for figure in figures.values():
            figure.to_plotly_json()
        missing_regular_opportunities(shown)

    timed("KPIs + charts + win-back", lambda: page({}), laps)
    reruns = []
    for _ in range(runs):
        started = time.perf_counter()
        page(FILTER)
        reruns.append(time.perf_counter() - started)
    return {"laps": laps, "upload_to_charts": sum(laps.values()), "rerun": statistics.median(reruns),
            "customers": len(frame), "rows": cohort.report.rows_read, "invocations": segmented.invocations,
            "filtered": len(filter_customers(frame, FILTER)),
            "handler": handler_path(cohort, frame) if compare else None}


def whole_page(content: bytes, name: str, runs: int) -> dict[str, float]:
    """The Cohort page in AppTest: the run after the upload, then reruns after a filter change."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "dashboard" / "streamlit_app.py"), default_timeout=900)
    at.run()
    at.session_state["as_of"] = DEFAULT_AS_OF
    at.file_uploader(key="cohort_upload").set_value((name, content, "text/csv"))
    started = time.perf_counter()
    at.run()
    upload = time.perf_counter() - started
    if at.exception or at.error or len(at.get("plotly_chart")) < 8:
        raise SystemExit(f"the page did not show the charts: {[e.value for e in at.exception or at.error]}")
    reruns = []
    for index in range(runs):
        selection = FILTER["churnSegment"] if index % 2 == 0 else ["Aktif"]
        at.multiselect(key="filter_churnSegment").set_value(selection)
        started = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - started)
    return {"upload_to_charts": upload, "rerun": statistics.median(reruns)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--compare-handler", action="store_true",
                        help="also segment through the agent's handler in chunked cohort payloads")
    args = parser.parse_args()

    path = cohort_file(args.customers, args.seed)
    content = path.read_bytes()
    print(f"cohort: {path.name}, {len(content) / 1e6:.1f} MB")
    functions = page_functions(content, path.name, args.reruns, args.compare_handler)
    print(f"{functions['rows']:,} order lines → {functions['customers']:,} customers")
    print("\n1. the page's functions")
    for label, seconds in functions["laps"].items():
        print(f"   {label:<26} {seconds:8.2f} s")
    print(f"   {'upload → charts':<26} {functions['upload_to_charts']:8.2f} s")
    print(f"   {'rerun after a filter':<26} {functions['rerun']:8.2f} s  (median of {args.reruns}; "
          f"{functions['filtered']:,} customers match)")
    if functions["handler"] is not None:
        columnar = functions["laps"]["segment (in-process)"]
        print(f"   {'segment via the handler':<26} {functions['handler']:8.2f} s  (chunked cohort payloads, same "
              f"table; {functions['handler'] / columnar:.0f}× the in-process columnar path)")
    page = whole_page(content, path.name, args.reruns)
    print("\n2. the whole page in Streamlit's AppTest")
    print(f"   {'upload → charts':<26} {page['upload_to_charts']:8.2f} s")
    print(f"   {'rerun after a filter':<26} {page['rerun']:8.2f} s  (median of {args.reruns})")


if __name__ == "__main__":
    main()
