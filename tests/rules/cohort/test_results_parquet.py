"""Parquet results have one schema whatever the data, so that files of different runs read together."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rules.cohort.read import read_cohort
from rules.cohort.results_parquet import RESULTS_SCHEMA, results_table, write_results_parquet
from rules.cohort.segment import segment_cohort

AS_OF = date(2026, 2, 12)
ORDERS = (b"customer_id,order_date,product_id,category,amount\nC1,2026-01-05,P1,MAKEUP,10\n"
          b"C2,2026-01-06,P2,SKINCARE,20\nC2,2026-01-20,P2,SKINCARE,20\n")


def test_every_cohort_gives_the_same_schema() -> None:
    cohorts = {
        "regions known": read_cohort(ORDERS, customers=b"customer_id,city,region\nC1,Ankara,\nC2,Lefkosa,Kibris\n"),
        "no region at all": read_cohort(ORDERS),
        "no products": read_cohort(b"customer_id,order_date,amount\nC1,2026-01-05,10\n"),
        "no customer": read_cohort(b"customer_id,order_date,amount\n,2026-01-05,10\n"),
    }

    for name, cohort in cohorts.items():
        frame = segment_cohort(cohort, AS_OF)
        assert list(frame.columns) == RESULTS_SCHEMA.names, name
        assert results_table(frame).schema == RESULTS_SCHEMA, name


def test_files_of_two_runs_read_together_keep_their_values() -> None:
    with_regions = segment_cohort(read_cohort(ORDERS, customers=b"customer_id,region\nC1,Ege\nC2,Marmara\n"), AS_OF)
    without = segment_cohort(read_cohort(ORDERS), AS_OF)
    files = []
    for frame in (without, with_regions):
        buffer = io.BytesIO()
        write_results_parquet(frame, buffer)
        files.append(pq.read_table(pa.BufferReader(buffer.getvalue())))

    both = pa.concat_tables(files)  # refused, or the second file's regions lost, when the types differ

    assert both.column("region").to_pylist() == [None, None, "Ege", "Marmara"]
    assert both.column("climateType").to_pylist() == [None, None, "Sıcak-Nemli", "Metropol"]
    assert isinstance(both.to_pandas()["churnSegment"].dtype, pd.CategoricalDtype)
