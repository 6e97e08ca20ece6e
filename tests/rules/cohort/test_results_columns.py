"""Segment's own results fed back in as the input are named as such, not as a file missing columns."""

from __future__ import annotations

import io

import pytest

from rules import InvalidInput
from rules.cohort.columnar_export import flat_frame
from rules.cohort.export import write_csv
from rules.cohort.generate import generate, write
from rules.cohort.read import read_cohort
from rules.cohort.results_columns import RESULTS_ONLY_COLUMNS, results_columns
from rules.cohort.results_parquet import RESULTS_SCHEMA, write_results_parquet
from rules.cohort.segment import segment_cohort
from rules.errors import Problem

RESULTS_PROBLEM = Problem(
    "columns", "the file is segment's results (`segment cohort`, segment_cohort, the dashboard's download), not a "
               "customer export: read the order lines or purchase history the results were made from",
    ["ageSegment", "churnSegment", "valueSegment", "loyaltyTier", "…"])


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    order_lines, _ = write(generate(40, seed=5), tmp_path_factory.mktemp("results"))
    frame = segment_cohort(read_cohort(order_lines), "2026-02-12")
    as_csv, as_parquet = io.BytesIO(), io.BytesIO()
    write_csv(flat_frame(frame), as_csv, bom=True)
    write_results_parquet(frame, as_parquet)
    return as_csv.getvalue(), as_parquet.getvalue()


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_results_file_read_as_the_input_is_said_to_be_results(kind: str, results: tuple[bytes, bytes]) -> None:
    content = results[0] if kind == "csv" else results[1]

    with pytest.raises(InvalidInput) as refused:
        read_cohort(content, name=f"results.{kind}")

    assert refused.value.problems == (RESULTS_PROBLEM,)


def test_a_shops_own_segment_column_beside_its_order_lines_is_read_as_usual() -> None:
    orders = (b"customer_id,order_id,order_date,product_id,quantity,amount,churnSegment,valueSegment\n"
              b"C1,1,2026-01-05,P1,1,10,Aktif,Standard\n")

    cohort = read_cohort(orders)

    assert (cohort.report.rows_accepted, cohort.report.customers) == (1, 1)


def test_the_columns_that_tell_results_are_results_columns() -> None:
    assert set(RESULTS_ONLY_COLUMNS) <= set(RESULTS_SCHEMA.names)
    assert results_columns(["customerId", "orderCount", "totalSpent", "churnSegment", "Tutar"]) == []
