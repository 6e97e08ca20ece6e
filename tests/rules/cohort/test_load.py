"""Loading files into Arrow tables (`rules.cohort.load`): what the parse leaves behind."""

from __future__ import annotations

import io
import threading
import time
import weakref
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from rules.cohort.load import load


def test_the_parse_returns_only_once_arrow_has_let_go_of_its_row_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    # Arrow's threaded reader may drop the Python row handler on one of its own threads after `read_csv` has
    # returned; a process that exits meanwhile aborts. This reader does so 0.2 s late, as Arrow's can.
    real_read_csv = pcsv.read_csv
    handlers: list[weakref.ref[Any]] = []

    def late_letting_go(source: Any, **options: Any) -> Any:
        held = [options["parse_options"].invalid_row_handler]
        handlers.append(weakref.ref(held[0]))
        threading.Timer(0.2, held.clear).start()
        return real_read_csv(source, **options)

    monkeypatch.setattr(pcsv, "read_csv", late_letting_go)
    started = time.perf_counter()

    loaded = load(b"customer_id,order_date,amount\nC1,2026-01-05,10\nC2,2026-01-05,10,extra\n")

    assert loaded.table.num_rows == 1
    assert handlers
    assert [handler() for handler in handlers] == [None] * len(handlers)  # no handler outlives the parse
    assert time.perf_counter() - started >= 0.2


def test_sparks_int96_timestamps_keep_days_beyond_the_range_of_nanoseconds() -> None:
    # Spark's legacy timestamps; in nanoseconds 2500-01-01 would wrap around to 1915-06-14, a day like any other.
    written = [datetime(2025, 1, 5, 10, 30), datetime(2300, 1, 1), datetime(2500, 1, 1), datetime(1650, 1, 1), None]
    buffer = io.BytesIO()
    pq.write_table(pa.table({"order_date": pa.array(written, pa.timestamp("us"))}), buffer,
                   use_deprecated_int96_timestamps=True)

    loaded = load(buffer.getvalue())

    assert loaded.table.column("order_date").to_pylist() == written


def test_parquet_32_bit_floats_are_the_numbers_they_print_as() -> None:
    # Spark's FloatType, Polars' Float32: widened bit for bit, 123456.78 would be 123456.78125.
    written = np.array([10.1, 123456.78, 0.7, np.nan, np.inf, -2.5], dtype=np.float32)
    buffer = io.BytesIO()
    pq.write_table(pa.table({"amount": pa.array(written, mask=np.array([0, 0, 0, 0, 0, 1], dtype=bool))}), buffer)

    amounts = load(buffer.getvalue()).table.column("amount")

    assert amounts.type == pa.float64()
    assert amounts.to_pylist()[:3] == [10.1, 123456.78, 0.7]
    assert np.isnan(amounts[3].as_py())
    assert amounts.to_pylist()[4:] == [float("inf"), None]
