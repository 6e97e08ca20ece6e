"""The cell texts that mean "no value" in a delimited file or a workbook: what databases and spreadsheets write
for a missing one, and Excel's ``#N/A`` (a lookup that found nothing).

Excel's other error values (``#DIV/0!``, ``#REF!``, ``#VALUE!``, …) are not among them: a formula that failed
is a value that could not be worked out, not a missing one. In an amount cell, no value would be replaced by
quantity × unit price, where the error makes the row ``bad_amount``. Only in the columns read as text (ids,
products, places) are they no value (`rules.cohort.error_values`).
"""

from __future__ import annotations

NULL_TEXTS = ["", "NULL", "null", "Null", "NaN", "nan", "N/A", "n/a", "#N/A", "None", "none", "NA"]
