"""Reading an order-line CSV into a cohort (`read_cohort`), against pyarrow just parsing the same file.

The issue's target: reading plus segmenting an order-line CSV takes at most 2× the time pyarrow needs to parse
it, and 1,000,000 customers fit in 2 GiB. The three are timed in ``--repeats`` interleaved rounds in one process
(the machine's load changes from minute to minute; ratios measured together are what count); each round's
figures are printed, then the medians, in wall time and in CPU time (all threads: pyarrow parses on every
core, most of `read_cohort` runs on one). Peak memory is measured in a fresh process per step.

    .venv/bin/python benchmarks/bench_read.py [--customers 300000 | --random-lines 3000000 | --file orders.csv]
                                              [--repeats 3]

Without ``--file``, an export is generated with `rules.cohort.generate` (about 10 order lines per customer), or
with ``--random-lines`` the hardest shape: lines in random order, nearly every one its own customer × product.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from rules.cohort.generate import generate, write
from rules.cohort.read import read_cohort
from rules.cohort.segment import segment_cohort

AS_OF = date(2026, 2, 12)


def random_export(lines: int, path: Path) -> Path:
    """The hardest shape: rows in random order, ~3 lines per customer, almost every line its own customer ×
    product (500 products), zero-padded customer ids, 1% returns."""
    rng = np.random.default_rng(0)
    customer = rng.integers(0, max(1, lines // 3), lines)
    order = customer * 10 + rng.integers(0, 4, lines)
    product = rng.integers(0, 500, lines)
    moment = np.datetime64("2024-01-01T00:00") + rng.integers(0, 700 * 1440, lines).astype("timedelta64[m]")
    quantity = rng.integers(1, 6, lines)
    quantity[rng.random(lines) < 0.01] *= -1
    cities = np.array(["İstanbul", "Ankara", "İzmir", "Antalya", "Bursa", "Şanlıurfa"])
    pcsv.write_csv(pa.table({
        "InvoiceNo": pa.array(np.char.add("5", order.astype(str))),
        "StockCode": pa.array(np.char.add("P-", product.astype(str))),
        "Description": pa.array(np.char.add("Product ", product.astype(str))),
        "Quantity": pa.array(quantity),
        "InvoiceDate": pa.array(np.datetime_as_string(moment, unit="m")),
        "UnitPrice": pa.array(np.round(rng.uniform(1, 200, lines), 2)),
        "CustomerID": pa.array(np.char.zfill(customer.astype(str), 7)),
        "City": pa.array(cities[customer % len(cities)]),
    }), path)
    return path


def timed(run: Callable[[], Any]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all threads of the process) of one run."""
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    run()
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def peak_memory(step: str, path: Path) -> float:
    """Peak resident memory (GiB) of a fresh process doing one step."""
    done = subprocess.run([sys.executable, __file__, "--child", step, "--file", str(path)], check=True,
                          capture_output=True, text=True)
    return float(json.loads(done.stdout)["peak_gib"])


def child(step: str, path: Path) -> None:
    clear_refs = Path("/proc/self/clear_refs")
    if clear_refs.exists():  # Linux: forget the peak inherited from the parent process
        clear_refs.write_text("5")
    if step == "parse":
        pcsv.read_csv(path)
    elif step == "read":
        read_cohort(path)
    else:
        segment_cohort(read_cohort(path), AS_OF)
    status = Path("/proc/self/status")
    if status.exists():
        peak_kib = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM"))
    else:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_gib": peak_kib / 2**20}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=300_000)
    parser.add_argument("--random-lines", type=int, default=0,
                        help="instead of a generated export, this many order lines in random order")
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=["parse", "read", "segment"], default=None)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.file
        if path is None and args.random_lines:
            path = random_export(args.random_lines, Path(folder) / "random_orders.csv")
        if path is None:
            started = time.perf_counter()
            path, _ = write(generate(args.customers, seed=7), Path(folder))
            print(f"generated {args.customers:,} customers in {time.perf_counter() - started:.1f} s")
        cohort = read_cohort(path)
        report = cohort.report
        print(f"{path.name}: {path.stat().st_size / 2**20:,.0f} MiB, {report.rows_read:,} rows, "
              f"{report.customers:,} customers, {len(cohort.history):,} history lines")
        rounds = []
        for _ in range(args.repeats):  # interleaved, so load changes hit all three alike
            rounds.append((timed(lambda: pcsv.read_csv(path)), timed(lambda: read_cohort(path)),
                           timed(lambda: segment_cohort(read_cohort(path), AS_OF))))
        for number, ((parse, parse_cpu), (read, read_cpu), (both, both_cpu)) in enumerate(rounds, start=1):
            print(f"round {number}: parse {parse:.2f} s, read_cohort {read:.2f} s = {read / parse:.2f}×, "
                  f"read + segment {both:.2f} s = {both / parse:.2f}×; CPU time {parse_cpu:.2f} / {read_cpu:.2f} / "
                  f"{both_cpu:.2f} s")
        parse, read, both = (float(np.median([r[i][0] for r in rounds])) for i in range(3))
        parse_cpu, read_cpu, both_cpu = (float(np.median([r[i][1] for r in rounds])) for i in range(3))
        print(f"medians over {len(rounds)} rounds:")
        print(f"pyarrow.csv.read_csv (parse only): {parse:.2f} s")
        print(f"read_cohort:                       {read:.2f} s = {read / parse:.2f}× the parse")
        print(f"read_cohort + segment_cohort:      {both:.2f} s = {both / parse:.2f}× the parse (target ≤ 2×)")
        ratios = sorted(r[2][0] / r[0][0] for r in rounds)
        print(f"read + segment vs parse, round by round: {ratios[0]:.2f}× … {ratios[-1]:.2f}×, "
              f"median {float(np.median(ratios)):.2f}×")
        print(f"CPU time (all threads), medians: parse {parse_cpu:.2f} s, read_cohort {read_cpu:.2f} s = "
              f"{read_cpu / parse_cpu:.2f}×, read + segment {both_cpu:.2f} s = {both_cpu / parse_cpu:.2f}×")
        for step in ("parse", "read", "segment"):
            print(f"peak memory, {step:>7}: {peak_memory(step, path):.2f} GiB")


if __name__ == "__main__":
    main()
