"""Excel's error values (``#REF!``, ``#VALUE!``, …) in the columns read as text: no value, counted in a warning.

A formula that failed gives no customer id, product or city: kept, ``#REF!`` would be a customer of its own and
``#VALUE!`` a city. It is no value there, as ``#N/A`` is (`rules.cohort.null_texts`): a row without its customer
id or product is rejected as such, an attribute is unknown. In number and date columns the error stays a value
that could not be worked out (a ``bad_amount``, never quantity × unit price; a ``bad_date``).

The error is recognised by its text, in a workbook (where the cell is of the error type and its XML gives its
text) and in delimited text alike, so that one table gives the same rows as a workbook and as CSV.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.load import Loaded

# Excel's error values but #N/A (a null text already); #GETTING_DATA has no "!" (Excel writes it so).
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#SPILL!", "#CALC!", "#GETTING_DATA",
                "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!")
TEXT_ROLES = ("customer_id", "order_id", "product_id", "product_name", "category", "status", "city", "region",
              "gender")
_ERRORS = pa.array(ERROR_VALUES, pa.string())


def without_error_values(loaded: Loaded, used: Mapping[str, str]) -> Loaded:
    """The file with the error values of its text columns (``used``: canonical name → column) as no value, a
    warning per column naming them; its rejected rows still show them (``shown``)."""
    table, warnings = loaded.table, list(loaded.warnings)
    for role in TEXT_ROLES:
        column = used.get(role)
        if column is None or not _may_hold_an_error(table[column]):
            continue
        texts = table[column]
        found = pc.is_in(texts, value_set=_ERRORS)
        if not pc.any(found).as_py():
            continue
        counted = Counter(pc.filter(texts, found).to_pylist())
        listed = ", ".join(f"{error} ×{count}" for error, count in counted.most_common())
        warnings.append(f"{role} ({column!r}): {counted.total()} cell(s) hold an Excel error value ({listed}), a "
                        "formula that failed: read as no value")
        cleared = pc.if_else(found, pa.scalar(None, texts.type), texts)
        table = table.set_column(table.column_names.index(column), column, cleared)
    if table is loaded.table:
        return loaded
    return replace(loaded, table=table, shown=loaded.as_shown, warnings=warnings)


def _may_hold_an_error(column: pa.ChunkedArray) -> bool:
    """Whether a text column may hold an error value: a ``#`` in its characters (a scan of their bytes, far
    cheaper than comparing every row's text). Columns of other types (numbers, dates) hold none."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return pa.types.is_string(kind.value_type) and any(
            _may_hold_an_error(pa.chunked_array([chunk.dictionary])) for chunk in column.chunks)
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return False
    return any(b"#" in data.to_pybytes() for data in (chunk.buffers()[2] for chunk in column.chunks) if data)
