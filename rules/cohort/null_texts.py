"""The cell texts that mean "no value", whatever the file: what databases and spreadsheets write for a missing
one, and Excel's error values (a lookup that found nothing, a formula whose cells were deleted)."""

from __future__ import annotations

EXCEL_ERRORS = ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!"]
NULL_TEXTS = ["", "NULL", "null", "Null", "NaN", "nan", "N/A", "n/a", "None", "none", "NA", *EXCEL_ERRORS]
