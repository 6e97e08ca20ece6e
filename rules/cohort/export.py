"""Writing tables for spreadsheets safely: text cells that a spreadsheet would run as a formula are defused.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (also after spaces, or after a tab or carriage return, which
some spreadsheets skip) is a formula to Excel and LibreOffice, and a customer name like ``=HYPERLINK(...)`` in an
export would run when opened. Such cells get a leading apostrophe, which spreadsheets show as text; so do column
names, which come from the uploaded file in the rejected rows. Plain numbers (``-12,50``, a return's quantity)
are not formulas and stay as they are.
"""

from __future__ import annotations

import csv
import os
import re
from typing import BinaryIO, Literal

import pandas as pd

from rules.cohort.model import Cohort

_FORMULA_START = r"^\s*[=+\-@]|^[\t\r]"
_PLAIN_NUMBER = r"^ *[+-]?\d[\d.,]*$"


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Examples:
        >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "-2", "@x", "ok"]}))["a"].tolist()
        ["'=1+1", '-2', "'@x", 'ok']
    """
    safe = frame.copy()
    safe.columns = pd.Index([_defused(name) for name in safe.columns])
    for column in safe.columns:
        values = safe[column]
        if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
            continue
        text = values.astype("string")
        risky = text.str.contains(_FORMULA_START, regex=True) & ~text.str.fullmatch(_PLAIN_NUMBER)
        risky = risky.fillna(False).astype(bool)
        if risky.any():
            safe[column] = values.astype(object).where(~risky, "'" + text.astype(object))
            if values.dtype != object:
                safe[column] = safe[column].astype(values.dtype)
    return safe


def _defused(name: object) -> object:
    """A column name that cannot run as a formula either."""
    if isinstance(name, str) and re.match(_FORMULA_START, name) and not re.fullmatch(_PLAIN_NUMBER, name):
        return "'" + name
    return name


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
    """Write ``frame`` as UTF-8 CSV for spreadsheets: formulas neutralised, lines ending in ``\\n``, quoted as
    `csv_quoting` says.

    Args:
        frame: the table (list columns already made text).
        target: a path, or a binary file object.
        bom: start with a UTF-8 byte order mark, without which Excel on Windows reads the file in the ANSI code
            page (İstanbul shows as Ä°stanbul); pandas, Python's ``utf-8-sig`` and most tools skip it. Files
            opened by people get one; a stream into another program does not.
    """
    safe = neutralise_formulas(frame)
    safe.to_csv(target, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\n",
                quoting=csv_quoting(safe))


def write_rejected(cohort: Cohort, path: str | os.PathLike[str] | BinaryIO, *, bom: bool = False) -> int:
    """Write the cohort's rejected rows as UTF-8 CSV (formulas neutralised; ``bom`` as for `write_csv`); returns
    how many rows were written."""
    write_csv(cohort.rejected, path, bom=bom)
    return len(cohort.rejected)
