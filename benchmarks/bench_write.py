"""Writing the results and the rejected rows: the column-at-a-time CSV writer against pandas' `to_csv`.

`segment cohort --out results.csv --rejected rejected.csv` and the dashboard's CSV download write through
`rules.cohort.export.write_csv`, which writes text, category, number and boolean columns a whole column at a time
(`rules.cohort.csv_cells`). This times it side by side, in ``--repeats`` interleaved rounds in one process,
with pandas' own writer over the same neutralised table (how every table was written before), checks that
both give the same bytes, and times the Parquet results and the dashboard's downloads for scale.

    .venv/bin/python benchmarks/bench_write.py [--customers 300000 | --file orders.csv] [--repeats 3]
                                               [--downloads 95000]

``--downloads N`` also times the dashboard's CSV and Excel downloads of the first N customers (the Excel
download is xlsxwriter's, cell by cell: about 20 s per 100k customers).
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import export as downloads
from dashboard.results import from_columnar
from rules.cohort.columnar_export import flat_frame
from rules.cohort.export import neutralise_formulas, write_csv
from rules.cohort.generate import generate, write
from rules.cohort.read import read_cohort
from rules.cohort.results_parquet import write_results_parquet
from rules.cohort.segment import segment_cohort


def timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def pandas_csv(frame: pd.DataFrame) -> bytes:
    """The table as pandas' writer gives it, neutralised alike (what `write_csv` wrote before)."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).encode()


def column_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=300_000)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--downloads", type=int, default=0, help="also time the dashboard's downloads of N rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.file or write(generate(args.customers, seed=7), Path(folder))[0]
        cohort = read_cohort(path)
        segmented = segment_cohort(cohort)
        results = flat_frame(segmented)
        rejected = cohort.rejected
        print(f"{path.name}: {len(results):,} customers × {results.shape[1]} columns, {len(rejected):,} rejected rows")
        for name, table in (("results", results), ("rejected rows", rejected)):
            ours, theirs = column_csv(table), pandas_csv(table)
            assert ours == theirs, f"{name}: the two writers disagree"
            print(f"{name}: {len(ours) / 2**20:,.0f} MiB of CSV, the same bytes from both writers")
        rounds = []
        for _ in range(args.repeats):  # interleaved, so load changes hit both alike
            rounds.append({
                "results, column at a time": timed(lambda: column_csv(results)),
                "results, pandas to_csv": timed(lambda: pandas_csv(results)),
                "rejected, column at a time": timed(lambda: column_csv(rejected)),
                "rejected, pandas to_csv": timed(lambda: pandas_csv(rejected)),
                "results, Parquet": timed(lambda: write_results_parquet(segmented, io.BytesIO())),
            })
        medians = {key: statistics.median(run[key] for run in rounds) for key in rounds[0]}
        for key, value in medians.items():
            print(f"{key}: {value:.2f} s (median of {len(rounds)}; rounds "
                  f"{', '.join(f'{run[key]:.2f}' for run in rounds)})")
        for name in ("results", "rejected"):
            ratios = [run[f"{name}, pandas to_csv"] / run[f"{name}, column at a time"] for run in rounds]
            print(f"{name}: column at a time is {statistics.median(ratios):.1f}× faster (median of the rounds' "
                  f"ratios; {min(ratios):.1f}–{max(ratios):.1f}×)")
        if args.downloads:
            shown = from_columnar(segmented.head(args.downloads))
            print(f"dashboard downloads of {len(shown):,} customers: CSV "
                  f"{timed(lambda: downloads.to_csv_bytes(shown)):.2f} s, Excel "
                  f"{timed(lambda: downloads.to_excel_bytes(shown)):.2f} s")


if __name__ == "__main__":
    main()
