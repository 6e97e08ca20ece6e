"""Taking a file's original rows back out of a table of many batches (rejected rows, examples, copies)."""

from __future__ import annotations

from datetime import time

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.rejects import cell_text, take_rows


def _batches() -> pa.Table:
    """Three batches of 0, 4 and 3 rows; the dictionary column has a different dictionary in each."""
    schema = pa.schema([("id", pa.string()), ("product", pa.dictionary(pa.int32(), pa.string()))])
    batches = [pa.record_batch([pa.array(ids, pa.string()), pa.array(products).dictionary_encode()], schema=schema)
               for ids, products in ((["0"], ["x"]), (["a", "b", None, "d"], ["P1", "P2", "P1", None]),
                                     (["e", "f", "g"], ["P3", "P1", "P3"]))]
    return pa.Table.from_batches([batches[0].slice(0, 0), batches[1], batches[2]])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=10))
def test_rows_equal_tables_own_take(positions: list[int]) -> None:
    table = _batches()
    chosen = np.array(positions, dtype=np.int64)

    taken = take_rows(table, chosen)

    assert taken.schema == table.schema
    assert taken.to_pylist() == table.take(pa.array(chosen, pa.int64())).to_pylist()


def test_rows_across_batches_keep_their_values() -> None:
    taken = take_rows(_batches(), np.array([1, 3, 4, 6], dtype=np.int64))

    assert taken.to_pylist() == [{"id": "b", "product": "P2"}, {"id": "d", "product": None},
                                 {"id": "e", "product": "P3"}, {"id": "g", "product": "P3"}]


def test_times_of_every_unit_show_no_fraction_of_a_second_when_none_has_one() -> None:
    times = [time(10, 0), time(23, 59, 59), None]
    shown = [cell_text(pa.array(times, kind)).to_pylist() for kind in (pa.time32("ms"), pa.time64("us"))]

    assert shown == [["10:00:00", "23:59:59", None]] * 2
