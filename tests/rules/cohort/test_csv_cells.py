"""CSV written a column at a time: the bytes pandas' writer gives for the same (defused) table."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.csv_cells import column_cells, csv_columns, header_line, quoted, write_rows
from rules.cohort.formula_cells import defused

TEXT = st.one_of(st.none(), st.text(st.sampled_from(list('=+-@0123456789., aZİş";\n\t')), max_size=6),
                 st.text(max_size=5).map(lambda text: text.replace("\r", "")))
FLOAT = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e12, 1e12).map(lambda x: round(x, 2)),
                  st.integers(-10**12, 10**12).map(float), st.sampled_from([0.0, -0.0, 1e-4, 9.999e-5, 1e10, 1e16]))


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 12))
    column = st.lists(TEXT, min_size=rows, max_size=rows)
    names = draw(st.lists(st.text(st.sampled_from(list('ab=,"\n ')), min_size=1, max_size=4), min_size=6,
                          max_size=6, unique=True))
    floats = draw(st.lists(FLOAT, min_size=rows, max_size=rows))
    integers = draw(st.lists(st.one_of(st.none(), st.integers(-2**63, 2**63 - 1)), min_size=rows, max_size=rows))
    flags = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    return pd.DataFrame({
        names[0]: pd.array(draw(column), dtype="str"),
        names[1]: pd.Categorical(draw(column)),
        names[2]: np.array(floats, dtype=np.float64),
        names[3]: pd.array(integers, dtype="Int64"),
        names[4]: np.array(flags, dtype=np.bool_),
        names[5]: pd.Series(draw(column), dtype=object),
    })


def _written(frame: pd.DataFrame) -> bytes:
    columns = csv_columns(frame)
    assert columns is not None
    out = io.BytesIO()
    out.write(header_line(list(frame.columns)).encode())
    write_rows(columns, len(frame), out, rows_at_once=5)
    return out.getvalue()


def _pandas_written(frame: pd.DataFrame) -> bytes:
    """pandas' own writer over the table with every text defused (categories as their texts)."""
    expected = frame.copy()
    expected.columns = pd.Index([defused(name) for name in frame.columns])
    for place in (0, 1, 5):
        expected.isetitem(place, frame.iloc[:, place].astype(object).map(defused).array)
    text = expected.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return text.encode()


@settings(max_examples=300, deadline=None)
@given(frames())
def test_the_bytes_are_those_pandas_writes(frame: pd.DataFrame) -> None:
    assert _written(frame) == _pandas_written(frame)


def test_text_is_defused_and_quoted_only_where_needed() -> None:
    frame = pd.DataFrame({"id": ["C1", "C2", "C3", None], "=name": ['a, "b"', "=1+1", "x\ry", ""],
                          "n": [1.0, 250.0, math.nan, 1e-05], "flag": [True, False, True, False]})

    assert _written(frame) == (b"id,'=name,n,flag\n"
                               b'C1,"a, ""b""",1.0,True\n'
                               b"C2,'=1+1,250.0,False\n"
                               b'C3,"x\ry",,True\n'
                               b",,1e-05,False\n")


def test_a_category_is_written_once_and_picked_per_row() -> None:
    regions = pd.Series(pd.Categorical(["Marmara", None, "=cmd", "Marmara"]))

    cells = column_cells(regions)

    assert cells is not None
    assert cells(0, 4).to_pylist() == ["Marmara", "", "'=cmd", "Marmara"]
    assert cells(1, 3).to_pylist() == ["", "'=cmd"]


def test_columns_without_a_cell_writer_leave_the_table_to_pandas() -> None:
    assert csv_columns(pd.DataFrame({"a": ["x"], "day": pd.to_datetime(["2026-01-02"])})) is None
    assert csv_columns(pd.DataFrame({"a": ["x"], "mixed": pd.Series([1], dtype=object)})) is None
    assert csv_columns(pd.DataFrame({"only": [""]})) is None  # the csv module writes "" for its empty row
    assert csv_columns(pd.DataFrame({"f": np.array([0.1], dtype=np.float32), "a": ["x"]})) is None
    assert csv_columns(pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "b"), ("a", "c")]))) is None


def test_a_column_without_a_name_has_an_empty_header_cell() -> None:
    frame = pd.DataFrame({None: [1], "a": pd.array([None], dtype="Float64")})

    assert _written(frame) == frame.to_csv(index=False).encode() == b",a\n1,\n"


def test_quotes_are_doubled_inside_quoted_cells() -> None:
    assert quoted(pa.array(['say "hi"', "plain", "a\nb", None], pa.large_string())).to_pylist() == [
        '"say ""hi"""', "plain", '"a\nb"', None]
