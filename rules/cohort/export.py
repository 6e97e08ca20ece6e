"""Writing tables for spreadsheets safely: text cells that a spreadsheet would run as a formula are defused.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (also after spaces, or after a tab or carriage return, which
some spreadsheets skip) is a formula to Excel and LibreOffice, and a customer name like ``=HYPERLINK(...)`` in an
export would run when opened. Such cells get a leading apostrophe, which spreadsheets show as text; so do column
names, which come from the uploaded file in the rejected rows, and category names (a region or city is the
data's). Plain numbers (``-12,50``, a return's quantity) are not formulas and stay as they are
(`rules.cohort.formula_cells`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import math
import os
from typing import Any, BinaryIO, Literal

import pandas as pd
import pyarrow as pa

from rules.cohort.csv_cells import csv_columns, header_line, write_rows
from rules.cohort.formula_cells import defused, defused_texts, is_formula
from rules.cohort.model import Cohort


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, category names and column names cannot run as spreadsheet formulas.

    Examples:
        >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "-2", "@x", "ok"]}))["a"].tolist()
        ["'=1+1", '-2', "'@x", 'ok']
    """
    safe = frame.copy()
    safe.columns = pd.Index([defused(name) for name in frame.columns])
    for place in range(safe.shape[1]):
        safe.isetitem(place, _defused_column(safe.iloc[:, place]).array)
    return safe


def _defused_column(values: pd.Series) -> pd.Series:
    """A column with its formula-like texts defused (the same column when none is)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        names = list(values.cat.categories)
        renamed = [defused(name) for name in names]
        if renamed == names:
            return values
        if len(set(renamed)) == len(renamed):
            return values.cat.rename_categories(renamed)
        return values.astype(object).map(defused)  # "=x" beside "'=x": no longer two categories
    if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
        return values
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return values.map(_defused_object)
    array = pa.array(values, from_pandas=True)
    texts = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    safe = defused_texts(texts)
    if safe is texts:
        return values
    return pd.Series(safe.to_pandas(), index=values.index, name=values.name).astype(values.dtype)


def _defused_object(value: Any) -> Any:
    """Anything in an object column, judged by its text as a CSV writer would write it (a missing value stays)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return value
    return f"'{value}" if is_formula(str(value)) else value


def csv_quoting(frame: pd.DataFrame) -> Literal[0, 2]:
    """How to quote ``frame``'s CSV: minimally, or every text cell and column name when one holds a bare carriage
    return (with "\\n" line ends the csv module quotes cells holding "\\n" only, and a reader would split the row
    at "\\r"); a column name of the uploaded file may hold one, as the rejected rows' header does."""
    if any(isinstance(name, str) and "\r" in name for name in frame.columns):
        return csv.QUOTE_NONNUMERIC
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
            continue  # numbers and dates hold no carriage return; text, categoricals and Arrow columns may
        if bool(values.astype("string").str.contains("\r", regex=False).fillna(False).any()):
            return csv.QUOTE_NONNUMERIC
    return csv.QUOTE_MINIMAL


def write_csv(frame: pd.DataFrame, target: str | os.PathLike[str] | BinaryIO, *, bom: bool = False) -> None:
    """Write ``frame`` as UTF-8 CSV for spreadsheets: formulas neutralised, lines ending in ``\\n``, cells quoted
    where they hold a quote, comma or line end, values written as pandas writes them.

    Text, category, number and boolean columns are written a whole column at a time (`rules.cohort.csv_cells`);
    a table with a column of another type (dates, mixed objects) is written through pandas, quoted as
    `csv_quoting` says.

    Args:
        frame: the table (list columns already made text).
        target: a path, or a binary file object.
        bom: start with a UTF-8 byte order mark, without which Excel on Windows reads the file in the ANSI code
            page (İstanbul shows as Ä°stanbul); pandas, Python's ``utf-8-sig`` and most tools skip it. Files
            opened by people get one; a stream into another program does not.
    """
    columns = csv_columns(frame)
    if columns is None:
        safe = neutralise_formulas(frame)
        safe.to_csv(target, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\n",
                    quoting=csv_quoting(safe))
        return
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(target, "wb")) if isinstance(target, str | os.PathLike) else target
        if bom:
            out.write(codecs.BOM_UTF8)
        out.write(header_line(list(frame.columns)).encode("utf-8"))
        write_rows(columns, len(frame), out)


def write_rejected(cohort: Cohort, path: str | os.PathLike[str] | BinaryIO, *, bom: bool = False) -> int:
    """Write the cohort's rejected rows as UTF-8 CSV (formulas neutralised; ``bom`` as for `write_csv`); returns
    how many rows were written."""
    write_csv(cohort.rejected, path, bom=bom)
    return len(cohort.rejected)
