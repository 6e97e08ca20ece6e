"""Writing tables for spreadsheets safely: text cells that a spreadsheet would run as a formula are defused.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets skip
before one of those) is a formula to Excel and LibreOffice, and a customer name like ``=HYPERLINK(...)`` in an
export would run when opened. Such cells get a leading apostrophe, which spreadsheets show as text. Plain numbers
(``-12,50``, a return's quantity) are not formulas and stay as they are.
"""

from __future__ import annotations

import os
from typing import BinaryIO

import pandas as pd

from rules.cohort.model import Cohort

_FORMULA_START = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?\d[\d.,]*$"


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Examples:
        >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "-2", "@x", "ok"]}))["a"].tolist()
        ["'=1+1", '-2', "'@x", 'ok']
    """
    safe = frame.copy()
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


def write_rejected(cohort: Cohort, path: str | os.PathLike[str] | BinaryIO) -> int:
    """Write the cohort's rejected rows as UTF-8 CSV (formulas neutralised); returns how many rows were written."""
    rows = neutralise_formulas(cohort.rejected)
    rows.to_csv(path, index=False, encoding="utf-8")
    return len(rows)
