"""Customers per second for `analyze_customer`, validation included (issue #2's speed target).

The seed's document claims 0.03 ms (about 30 µs) per customer with a few products. Run by hand:

    .venv/bin/python benchmarks/bench_analyze.py [--customers 20000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rules import analyze_customer

SEED_REQUEST = Path(__file__).resolve().parents[1] / "rules" / "samples" / "request.json"
SEED_US_PER_CUSTOMER = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    six_products = json.loads(SEED_REQUEST.read_text(encoding="utf-8"))["customerData"]
    three_products = json.loads(json.dumps(six_products))
    three_products["customer"]["productHistory"] = three_products["customer"]["productHistory"][:3]
    from datetime import date
    as_of = date(2026, 2, 12)

    for label, payload in (("3 products", three_products), ("6 products", six_products)):
        for _ in range(500):  # warm caches (rulebook, reference tables)
            analyze_customer(payload, as_of)
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            for _ in range(args.customers):
                analyze_customer(payload, as_of)
            runs.append((time.perf_counter() - start) / args.customers * 1e6)
        best, median = min(runs), statistics.median(runs)
        print(f"analyze_customer, {label}: median {median:.1f} µs/customer (best {best:.1f}), "
              f"{1e6 / median:,.0f} customers/s; seed's claim {SEED_US_PER_CUSTOMER:.0f} µs "
              f"→ {SEED_US_PER_CUSTOMER / median:.2f}× the seed")


if __name__ == "__main__":
    main()
