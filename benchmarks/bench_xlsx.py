"""Reading an Excel export (.xlsx) into a cohort, against openpyxl just handing over the same sheet's cells.

`read_cohort` reads a workbook's cells with calamine (`rules.cohort.workbook`); before, openpyxl streamed them
row by row and took most of the time. This writes a generated order-line export as a workbook (typed cells:
dates, numbers, text; written by XlsxWriter as the dashboard's download is) and times, in ``--repeats``
interleaved rounds in one process: `read_cohort` on the workbook; openpyxl's read-only iteration over its
cells and nothing else (what the previous reader needed before building a single column); calamine's own
reading of the cells; and `read_cohort` on the same lines as CSV, for scale. Peak memory of `read_cohort` on
the workbook is measured in a fresh process.

    .venv/bin/python benchmarks/bench_xlsx.py [--customers 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import python_calamine

from rules.cohort.generate import generate, write
from rules.cohort.read import read_cohort


def timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def as_workbook(csv_path: Path, path: Path) -> Path:
    """The order lines as a workbook of typed cells."""
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame["order_date"] = pd.to_datetime(frame["order_date"], errors="coerce")
    for column in ("quantity", "unit_price", "amount"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame.to_excel(path, index=False, engine="xlsxwriter")
    return path


def openpyxl_cells(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return sum(len(row) for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def calamine_cells(path: Path) -> int:
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        return sum(len(row) for row in book.get_sheet_by_index(0).to_python(skip_empty_area=False))


def peak_memory(path: Path) -> float:
    """Peak RSS (GiB) of a fresh process reading the workbook."""
    code = ("import json, resource, sys; from rules.cohort.read import read_cohort; read_cohort(sys.argv[1]); "
            "print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path = write(generate(args.customers, seed=7), Path(folder))[0]
        xlsx_path = as_workbook(csv_path, Path(folder) / "orders.xlsx")
        cohort = read_cohort(xlsx_path)
        assert cohort.report.rows_read == read_cohort(csv_path).report.rows_read
        size = xlsx_path.stat().st_size / 2**20
        print(f"{xlsx_path.name}: {cohort.report.rows_read:,} order lines ({size:.1f} MiB), "
              f"{openpyxl_cells(xlsx_path):,} cells, {cohort.report.customers:,} customers")
        rounds = []
        for _ in range(args.repeats):  # interleaved, so load changes hit all alike
            rounds.append({
                "read_cohort(workbook)": timed(lambda: read_cohort(xlsx_path)),
                "openpyxl, cells only": timed(lambda: openpyxl_cells(xlsx_path)),
                "calamine, cells only": timed(lambda: calamine_cells(xlsx_path)),
                "read_cohort(same lines as CSV)": timed(lambda: read_cohort(csv_path)),
            })
        for key in rounds[0]:
            print(f"{key}: {statistics.median(run[key] for run in rounds):.2f} s (median of {len(rounds)}; rounds "
                  f"{', '.join(f'{run[key]:.2f}' for run in rounds)})")
        ratios = [run["openpyxl, cells only"] / run["read_cohort(workbook)"] for run in rounds]
        print(f"openpyxl alone takes {statistics.median(ratios):.1f}× the whole read (median of the rounds' ratios; "
              f"{min(ratios):.1f}–{max(ratios):.1f}×)")
        print(f"peak memory of read_cohort(workbook) in a fresh process: {peak_memory(xlsx_path):.2f} GiB "
              f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB)")


if __name__ == "__main__":
    main()
