"""`segment_cohort`'s frame made flat for CSV: list-valued columns become readable text.

topProducts and missingRegulars become their product ids joined with "|" (the Parquet output keeps the
full lists); warnings are joined with " | ". Unknown lists stay empty cells.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PRODUCT_LIST_COLUMNS = ("topProducts", "missingRegulars")
ID_SEPARATOR = "|"
WARNING_SEPARATOR = " | "


def _joined(column: pd.Series, separator: str, field: str | None) -> pd.Series:
    lists = pa.array(column.array)
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    values = lists.flatten()
    if field is not None:
        values = pc.struct_field(values, field)
    start = lists.offsets[0].as_py()
    offsets = pc.subtract(lists.offsets, start)
    texts = pa.ListArray.from_arrays(offsets, values.cast(pa.large_string()), mask=lists.is_null())
    joined: pd.Series = pc.binary_join(texts, pa.scalar(separator, pa.large_string())).to_pandas()
    return joined


def flat_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose list columns are joined text, ready for CSV."""
    flat = frame.copy()
    for column in PRODUCT_LIST_COLUMNS:
        if column in flat:
            flat[column] = _joined(flat[column], ID_SEPARATOR, "productId")
    if "warnings" in flat:
        flat["warnings"] = _joined(flat["warnings"], WARNING_SEPARATOR, None)
    return flat
