"""A table written as CSV a whole column at a time: each cell as pandas' `to_csv` writes it, text cells defused
(`rules.cohort.formula_cells`) and quoted only where needed (RFC 4180), rows joined by Arrow's compute functions.

pandas' writer formats and quotes every cell in Python, about half a microsecond a cell: some 20 s for the
results of a million customers. Here each column becomes an Arrow text array in a few passes, a slice of rows at
a time, so a large table never exists twice over as text. A column whose type has no such writer here (a mixed
object column, dates, float32) makes `csv_columns` answer None, and the caller writes the table through pandas.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import BinaryIO, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_numbers import FloatArray
from rules.cohort.columnar_strings import TEXT
from rules.cohort.columnar_text import join
from rules.cohort.formula_cells import defused, defused_texts
from rules.cohort.pieces import WORKERS

Cells = Callable[[int, int], pa.Array]
"""The CSV cells of a column's rows ``start`` to ``stop``, quoted where needed, never null."""

ROWS_AT_ONCE: Final = 32_768
_QUOTE_MARKS = '",\r\n'  # a bare "\r" too: a reader would end the row there
_NEEDS_QUOTES = f"[{_QUOTE_MARKS}]"
# Python writes floats below this or from this magnitude on with an exponent, and Arrow from 1e10 on: those few are
# written by Python (`repr`), the others by Arrow with Python's ".0" on whole numbers.
_SMALLEST_PLAIN, _LARGEST_PLAIN = 1e-4, 1e10


def quoted(texts: pa.Array) -> pa.Array:
    """Texts as CSV cells: in double quotes, with quotes doubled, when they hold a quote, comma or line end."""
    needs = pc.match_substring_regex(texts, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return texts
    enclosed = join('"', pc.replace_substring(texts, '"', '""'), '"')
    return pc.if_else(needs, enclosed, texts)


def header_line(names: list[object]) -> str:
    """The header row: column names defused and quoted as cells are (a missing name empty, as pandas writes it),
    ended by a line break."""
    cells = []
    for name in names:
        text = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(defused(name))
        if any(mark in text for mark in _QUOTE_MARKS):
            text = '"' + text.replace('"', '""') + '"'
        cells.append(text)
    return ",".join(cells) + "\n"


def csv_columns(frame: pd.DataFrame) -> list[Cells] | None:
    """Each column's cell writer, or None when some column's type has none (`column_cells`), the table has
    fewer than two columns (where the csv module quotes an empty cell, so that its row is no empty line) or
    column names on several levels (one header row each)."""
    if frame.shape[1] < 2 or isinstance(frame.columns, pd.MultiIndex):
        return None
    columns = [column_cells(frame.iloc[:, place]) for place in range(frame.shape[1])]
    if any(cells is None for cells in columns):
        return None
    return [cells for cells in columns if cells is not None]


def write_rows(columns: list[Cells], rows: int, out: BinaryIO, rows_at_once: int = ROWS_AT_ONCE) -> None:
    """Write ``rows`` rows of cells, each line ended by "\\n", ``rows_at_once`` rows per slice.

    A slice's columns are written on `WORKERS` threads (Arrow's compute functions let go of the GIL).
    """
    with ThreadPoolExecutor(WORKERS) as pool:
        for start in range(0, rows, rows_at_once):
            stop = min(start + rows_at_once, rows)
            pieces: list[pa.Array | str] = []
            for texts in pool.map(partial(_slice, start=start, stop=stop), columns):
                pieces += [texts, ","]
            pieces[-1] = "\n"
            out.write(text_bytes(join(*pieces)))


def _slice(cells: Cells, start: int, stop: int) -> pa.Array:
    return cells(start, stop)


def text_bytes(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of a large_string array's texts, one after another, without a copy."""
    if len(texts) == 0 or texts.buffers()[2] is None:
        return memoryview(b"")
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)
    return memoryview(texts.buffers()[2])[int(offsets[texts.offset]): int(offsets[texts.offset + len(texts)])]


def column_cells(column: pd.Series) -> Cells | None:
    """The cell writer for a column of text, categories, integers, 64-bit floats or booleans; None for any other
    type.

    Text (and category names, which come from the data too) is defused and quoted; numbers and booleans are
    written as pandas writes them; a missing value is an empty cell.
    """
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _category_cells(column)
    if pd.api.types.is_bool_dtype(dtype):
        flags = _arrow(column)
        return lambda start, stop: _texts(pc.if_else(flags[start:stop], "True", "False"))
    if pd.api.types.is_integer_dtype(dtype):
        integers = _arrow(column)
        return lambda start, stop: _texts(pc.cast(integers[start:stop], TEXT))
    if dtype in (np.float64, pd.Float64Dtype()):  # float32 is written as float32's shortest text
        floats = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return lambda start, stop: _float_texts(floats[start:stop])
    if pd.api.types.is_string_dtype(dtype) and _all_text(column):
        texts = _arrow(column).cast(TEXT)
        return lambda start, stop: quoted(defused_texts(_texts(texts[start:stop])))
    return None


def _category_cells(column: pd.Series) -> Cells | None:
    """Categories written once each, then picked per row (an empty cell for a missing one)."""
    names = column_cells(pd.Series(column.cat.categories))
    if names is None:
        return None
    table = pa.concat_arrays([names(0, len(column.cat.categories)), pa.array([""], TEXT)])
    codes = column.cat.codes.to_numpy().astype(np.int32)
    codes[codes < 0] = len(table) - 1
    return lambda start, stop: table.take(pa.array(codes[start:stop]))


def _float_texts(values: FloatArray) -> pa.Array:
    """Floats as Python's `repr` writes them (``250.0``, ``1e-05``, ``inf``), NaN an empty cell."""
    texts = pc.cast(pa.array(values, from_pandas=True), TEXT)
    whole = pc.match_substring_regex(texts, "^-?[0-9]+$")
    texts = pc.if_else(whole, join(texts, ".0"), texts)
    size = np.abs(values)
    odd = np.flatnonzero(np.isfinite(values) & (size != 0) & ((size < _SMALLEST_PLAIN) | (size >= _LARGEST_PLAIN)))
    if len(odd):
        mask = np.zeros(len(values), dtype=np.bool_)
        mask[odd] = True
        texts = pc.replace_with_mask(texts, pa.array(mask), pa.array([repr(float(values[p])) for p in odd], TEXT))
    return _texts(texts)


def _all_text(column: pd.Series) -> bool:
    """Whether every value present is a str (an object column may hold anything)."""
    if column.dtype != object:
        return True
    return pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")


def _arrow(column: pd.Series) -> pa.Array:
    """The column as one Arrow array (missing values null)."""
    array = pa.array(column, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _texts(texts: pa.Array) -> pa.Array:
    """Large-string texts with nulls as empty cells."""
    return texts.cast(TEXT).fill_null("")

