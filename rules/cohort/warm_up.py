"""Compile the cohort kernels ahead of first use: ``python -m rules.cohort.warm_up``.

numba compiles a kernel the first time a process calls it and caches the machine code on disk
(`rules.cohort.compiled`). On a new installation that first time costs about 12 s, paid by whoever reads and
segments the first cohort (a dashboard upload, a CLI run). `make` runs this module once after installing, so
the cache is filled before anyone waits for it: it reads and segments a small generated export (with a
customers file), which takes every kernel of the usual path.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from rules.cohort.generate import DEFAULT_AS_OF, generate, write
from rules.cohort.read import read_cohort
from rules.cohort.segment import segment_cohort
from rules.cohort.times_of_day import times_of_day_ok

logger = logging.getLogger(__name__)

WARM_UP_CUSTOMERS = 300


def warm_up() -> float:
    """Read and segment a small generated export once; returns the seconds it took."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        order_lines, customers = write(generate(WARM_UP_CUSTOMERS, seed=1), Path(folder))
        segment_cohort(read_cohort(order_lines, customers=customers), DEFAULT_AS_OF)
    times_of_day_ok(pa.array(["12.02.2026 10:30"]))  # day-first dates with times, as many shops export them
    return time.perf_counter() - started


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logger.info("cohort kernels compiled and cached in %.1f s", warm_up())


if __name__ == "__main__":
    main()
