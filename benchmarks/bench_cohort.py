"""Cohort benchmarks (issue #3): columnar `segment_cohort` against a per-customer loop, memory, and file reading.

Run by hand (figures are printed; ratios are measured side by side in one run):

    .venv/bin/python benchmarks/bench_cohort.py                 # all three, 1,000,000 customers
    .venv/bin/python benchmarks/bench_cohort.py --only speed --customers 200000

1. speed: `segment_cohort` over N customers (about 3 products each; every field, top products and missing
   regulars included) against a plain Python loop of `analyze_customer`. The loop is timed on a random sample
   (--sample, 20,000 by default) of the same customers and extrapolated to N per customer; the batch is timed
   on all N. The cohort is laid out as `read_cohort` returns it (customers by id, history by customer and
   product); a second timing shuffles the history rows to show the general path.
2. memory: peak resident memory (VmHWM) of a fresh process that builds the N-customer cohort and segments it,
   against the 2 GiB budget.
3. read: `read_cohort` + `segment_cohort` of a generated order-line CSV against `pyarrow.csv.read_csv` of the
   same file (the cost of merely parsing it).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rules import analyze_customer
from rules.cohort.model import Cohort, IngestReport
from rules.cohort.segment import segment_cohort
from rules.reference import product_catalog, provinces

AS_OF = date(2026, 2, 12)
GIB = 1 << 30


def build_cohort(customers: int, seed: int = 0) -> Cohort:
    """A cohort as `read_cohort` returns it: about 3 products per customer, 3% new customers, some gaps."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:07d}" for i in range(customers)], dtype=object)
    cities = np.array(list(provinces()), dtype=object)
    city = cities[rng.integers(0, len(cities), customers)]
    region = np.full(customers, None, dtype=object)
    foreign = rng.random(customers) < 0.005
    region[foreign] = "Kıbrıs"
    age = pd.array(rng.integers(18, 80, customers), dtype="Int64")
    age[rng.random(customers) < 0.03] = pd.NA
    member_days = rng.integers(30, 2000, customers)
    registered = pd.Series(pd.Timestamp(AS_OF) - pd.to_timedelta(member_days, unit="D"))
    registered[rng.random(customers) < 0.04] = pd.NaT

    sizes = np.clip(rng.poisson(2.0, customers), 0, 9) + 1
    sizes[rng.random(customers) < 0.03] = 0
    owner = np.repeat(np.arange(customers), sizes)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    catalog = list(product_catalog()) + [f"P-{9000 + i}" for i in range(192)]  # 211 ids, a prime
    base = rng.integers(0, len(catalog), customers)[owner]
    step = rng.integers(1, len(catalog), customers)[owner]
    product = (base + position * step) % len(catalog)  # distinct within a customer
    order = np.lexsort((np.array(catalog)[product], owner))
    owner, product = owner[order], product[order]
    orders = rng.integers(1, 9, len(owner))
    gap = rng.choice([14.0, 21.0, 30.0, 45.0, 60.0, 90.0], len(owner))
    last_ago = np.minimum(rng.integers(0, 700, len(owner)), member_days[owner])
    first_ago = np.minimum(last_ago + (orders - 1) * gap.astype(np.int64), member_days[owner])
    prices = np.round(rng.integers(2, 40, len(catalog)) * 10 - 0.1, 2)
    quantity = orders * rng.integers(1, 3, len(owner))
    day = np.datetime64(AS_OF.isoformat(), "ns")
    one_day = np.timedelta64(1, "D")
    names = {p.product_id: p.product_name for p in product_catalog().values()}
    categories = {p.product_id: p.category for p in product_catalog().values()}
    kinds = ["SKINCARE", "MAKEUP", "FRAGRANCE", "HAIRCARE", "PERSONALCARE", "WELLNESS"]
    ids_of_lines = np.array(catalog, dtype=object)[product]
    line_orders = np.bincount(owner, weights=orders, minlength=customers).astype(np.int64)
    most = np.zeros(customers, dtype=np.int64)
    np.maximum.at(most, owner, orders)
    total_orders = pd.array(most + (line_orders - most) // 2, dtype="Int64")
    total_orders[(sizes == 0) | (rng.random(customers) < 0.5)] = pd.NA

    customers_frame = pd.DataFrame({
        "customer_id": pd.Series(ids, dtype="string"), "city": pd.Series(city, dtype="string"),
        "region": pd.Series(region, dtype="string"), "age": age,
        "gender": pd.Series(np.where(rng.random(customers) < 0.8, "F", "M"), dtype="string"),
        "registered_at": registered.astype("datetime64[ns]"), "total_orders": total_orders,
    })
    history = pd.DataFrame({
        "customer_id": pd.Series(ids[owner], dtype="string"),
        "product_id": pd.Series(ids_of_lines, dtype="string"),
        "product_name": pd.Series([names.get(p, f"Ürün {p}") for p in catalog], dtype="string").take(product)
        .reset_index(drop=True),
        "category": pd.Series([categories.get(p, kinds[i % len(kinds)]) for i, p in enumerate(catalog)],
                              dtype="string").take(product).reset_index(drop=True),
        "total_quantity": quantity.astype(np.int64),
        "total_spent": np.round(quantity * prices[product], 2),
        "order_count": orders.astype(np.int64),
        "first_purchase": day - first_ago * one_day,
        "last_purchase": day - last_ago * one_day,
        "avg_days_between": np.where(orders > 1, (first_ago - last_ago) / np.maximum(orders - 1, 1), np.nan),
    })
    # read_cohort lists the customers with purchases first, in the history's order, then the others.
    customers_frame = pd.concat([customers_frame[sizes > 0], customers_frame[sizes == 0]], ignore_index=True)
    report = IngestReport(rows_read=len(history), rows_accepted=len(history), rows_rejected=0,
                          customers=customers, format="purchase_history")
    return Cohort(customers=customers_frame, history=history, report=report)


def customer_payloads(cohort: Cohort, rows: list[int]) -> list[dict[str, Any]]:
    """`customerData` objects for the sampled customers, built from the tables (setup, not timed)."""
    wanted = cohort.customers.iloc[rows]
    chosen = set(wanted["customer_id"])
    history = cohort.history[cohort.history["customer_id"].isin(chosen)]
    lines: dict[str, list[dict[str, Any]]] = {c: [] for c in chosen}
    for line in history.itertuples(index=False):
        lines[line.customer_id].append({
            "productId": line.product_id, "productName": line.product_name, "category": line.category,
            "totalQuantity": int(line.total_quantity), "totalSpent": float(line.total_spent),
            "orderCount": int(line.order_count), "firstPurchase": line.first_purchase.date().isoformat(),
            "lastPurchase": line.last_purchase.date().isoformat(),
            "avgDaysBetween": None if np.isnan(line.avg_days_between) else float(line.avg_days_between),
        })
    payloads = []
    for row in wanted.itertuples(index=False):
        customer = {
            "customerId": row.customer_id, "city": row.city, "region": None if pd.isna(row.region) else row.region,
            "age": None if pd.isna(row.age) else int(row.age), "gender": row.gender,
            "registeredAt": None if pd.isna(row.registered_at) else row.registered_at.date().isoformat(),
            "totalOrders": None if pd.isna(row.total_orders) else int(row.total_orders),
            "productHistory": lines[row.customer_id],
        }
        payloads.append({"customerId": row.customer_id, "city": row.city, "customer": customer})
    return payloads


def best_of(repeats: int, run: Callable[[], object]) -> tuple[float, float]:
    """(best, median) wall time of `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def bench_speed(customers: int, sample: int, repeats: int) -> None:
    print(f"building a cohort of {customers:,} customers …", flush=True)
    cohort = build_cohort(customers)
    print(f"  {len(cohort.history):,} history rows ({len(cohort.history) / customers:.2f} per customer)")
    rows = sorted(random.Random(1).sample(range(customers), min(sample, customers)))
    payloads = customer_payloads(cohort, rows)
    for payload in payloads[:200]:  # warm the rule engine's caches
        analyze_customer(payload, AS_OF)

    def loop() -> None:
        for payload in payloads:
            analyze_customer(payload, AS_OF)

    segment_cohort(cohort, AS_OF)  # warm imports and reference tables
    # Interleave the two, so that both see the same machine load. CPU time (all threads) is noted too: on a
    # busy machine it shows the work done, whatever share of the cores each side got.
    batch_times, loop_times, batch_cpu, loop_cpu = [], [], [], []
    for _ in range(repeats):
        cpu = time.process_time()
        batch_times.append(best_of(1, lambda: segment_cohort(cohort, AS_OF))[0])
        batch_cpu.append(time.process_time() - cpu)
        cpu = time.process_time()
        loop_times.append(best_of(1, loop)[0] / len(payloads))
        loop_cpu.append((time.process_time() - cpu) / len(payloads))
    per_customer = statistics.median(loop_times)
    batch = statistics.median(batch_times)
    loop_total = per_customer * customers
    print(f"analyze_customer loop: {per_customer * 1e6:.1f} µs/customer (median of {repeats} runs over "
          f"{len(payloads):,} sampled customers) → {loop_total:.1f} s extrapolated to {customers:,}")
    print(f"segment_cohort:        {batch:.2f} s for {customers:,} (median of {repeats}, best "
          f"{min(batch_times):.2f} s) = {batch / customers * 1e6:.2f} µs/customer")
    print(f"speed-up:              {loop_total / batch:.0f}× (median vs median; best vs best "
          f"{min(loop_times) * customers / min(batch_times):.0f}×)")
    loop_cpu_total, batch_cpu_median = statistics.median(loop_cpu) * customers, statistics.median(batch_cpu)
    print(f"CPU time:              loop {loop_cpu_total:.1f} s extrapolated, batch {batch_cpu_median:.2f} s "
          f"(all threads) → {loop_cpu_total / batch_cpu_median:.0f}×")
    print(f"machine load (1-minute average) during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    shuffled = Cohort(cohort.customers, cohort.history.sample(frac=1.0, random_state=2).reset_index(drop=True),
                      cohort.report)
    best, median = best_of(max(1, repeats // 2), lambda: segment_cohort(shuffled, AS_OF))
    print(f"segment_cohort, history rows shuffled (general path): {median:.2f} s (best {best:.2f} s) "
          f"→ {loop_total / median:.0f}×")


def _status(field: str) -> int:
    """A size from /proc/self/status, in bytes: VmRSS now, VmHWM the peak of this program.

    (getrusage's ru_maxrss would do, but Linux carries it over from the parent across fork and exec.)
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _resident() -> int:
    return _status("VmRSS")


def _memory_child(customers: int) -> None:
    cohort = build_cohort(customers)
    gc.collect()
    built = _status("VmHWM")
    holding = _resident()
    frame = segment_cohort(cohort, AS_OF)
    peak = _status("VmHWM")
    print(json.dumps({"built": built, "holding": holding, "peak": peak, "after": _resident(), "rows": len(frame)}))


def bench_memory(customers: int) -> None:
    result = subprocess.run([sys.executable, __file__, "--memory-child", str(customers)], capture_output=True,
                            text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"peak memory, {customers:,} customers: {figures['peak'] / GIB:.2f} GiB for the whole process, "
          f"budget 2 GiB → {'within' if figures['peak'] < 2 * GIB else 'OVER'}")
    print(f"  the cohort held {figures['holding'] / GIB:.2f} GiB before segmenting (building it peaked at "
          f"{figures['built'] / GIB:.2f} GiB); cohort and results together {figures['after'] / GIB:.2f} GiB")


def bench_read(customers: int, repeats: int) -> None:
    import pyarrow.csv as pa_csv

    from rules.cohort.generate import generate, write
    from rules.cohort.read import read_cohort

    with tempfile.TemporaryDirectory() as folder:
        order_lines, attributes = write(generate(customers, seed=3), Path(folder))
        size = order_lines.stat().st_size
        read_cohort(order_lines)  # warm
        parse_best, parse = best_of(repeats, lambda: pa_csv.read_csv(order_lines))
        full_best, full = best_of(repeats, lambda: segment_cohort(read_cohort(order_lines), AS_OF))
        read_best, read = best_of(repeats, lambda: read_cohort(order_lines))
        cohort = read_cohort(order_lines)
        segment_best, segment = best_of(repeats, lambda: segment_cohort(cohort, AS_OF))
        with_attributes_best, with_attributes = best_of(
            repeats, lambda: segment_cohort(read_cohort(order_lines, customers=attributes), AS_OF))
    print(f"order-line CSV of {customers:,} customers, {size / 1e6:.0f} MB:")
    print(f"  pyarrow.csv.read_csv:                {parse:.2f} s (best {parse_best:.2f})")
    print(f"  read_cohort + segment_cohort:        {full:.2f} s (best {full_best:.2f}) → {full / parse:.2f}× "
          f"the parse (target ≤ 2×)")
    print(f"    of which read_cohort {read:.2f} s (best {read_best:.2f}), segment_cohort {segment:.2f} s "
          f"(best {segment_best:.2f}) for {len(cohort.customers):,} customers, {len(cohort.history):,} history rows")
    print(f"  … with the customers file as well:   {with_attributes:.2f} s (best {with_attributes_best:.2f}) → "
          f"{with_attributes / parse:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="customers in the timed per-customer loop")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--read-customers", type=int, default=100_000,
                        help="customers in the generated order-line CSV of the read benchmark")
    parser.add_argument("--only", choices=["speed", "memory", "read"], default=None)
    parser.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child is not None:
        _memory_child(args.memory_child)
        return
    if args.only in (None, "speed"):
        bench_speed(args.customers, args.sample, args.repeats)
    if args.only in (None, "memory"):
        bench_memory(args.customers)
    if args.only in (None, "read"):
        bench_read(args.read_customers, args.repeats)


if __name__ == "__main__":
    main()
