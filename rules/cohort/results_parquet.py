"""`segment_cohort`'s frame as Parquet, always with the same schema.

Left to itself, Arrow types a column from its values: a region column of a cohort without regions comes out
as ``dictionary<null>``, a reason column with few texts gets 8-bit codes and one with more 16-bit ones. Files
of two runs then disagree, and read together one of them loses its values. `RESULTS_SCHEMA` gives every
column the type of its documented dtype (see `segment_cohort`): few-valued texts (pandas categoricals) are
dictionary-encoded text with 32-bit codes, other texts plain text, ``age`` and the day counts 64-bit integers,
money 64-bit floats, and the list columns the product structs `rules.cohort.columnar_products` builds.
"""

from __future__ import annotations

import os
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rules.cohort.columnar_products import MISSING_REGULAR, TOP_PRODUCT
from rules.cohort.columnar_text import TEXT
from rules.cohort.segment import REASON_KEYS

CODED = pa.dictionary(pa.int32(), TEXT)  # a pandas categorical: few distinct texts
# Reasons with a number of the customer's own in them have about as many texts as customers.
_PLAIN_TEXT_REASONS = ("valueSegment", "affinityCategory")

RESULTS_SCHEMA = pa.schema([
    ("customerId", TEXT), ("mode", CODED), ("city", TEXT), ("region", CODED), ("climateType", CODED),
    ("age", pa.int64()), ("ageSegment", CODED), ("gender", TEXT), ("churnSegment", CODED), ("valueSegment", CODED),
    ("loyaltyTier", CODED), ("affinityCategory", CODED), ("affinityType", CODED), ("diversityProfile", CODED),
    ("estimatedBudget", pa.float64()), ("avgBasket", pa.float64()), ("avgMonthlySpend", pa.float64()),
    ("lastPurchaseDaysAgo", pa.int64()), ("orderCount", pa.int64()), ("totalSpent", pa.float64()),
    ("membershipDays", pa.int64()), ("missingRegulars", pa.list_(MISSING_REGULAR)),
    ("topProducts", pa.list_(TOP_PRODUCT)), ("message", CODED), ("asOf", CODED), ("rulebookVersion", CODED),
    ("isNewCustomer", pa.bool_()), ("medianBasket", pa.float64()), ("medianBasketSource", CODED),
    ("warnings", pa.list_(CODED)),
    *[field for key in REASON_KEYS for field in (
        (f"{key}Reason", TEXT if key in _PLAIN_TEXT_REASONS else CODED), (f"{key}Basis", CODED))],
])


def results_table(frame: pd.DataFrame) -> pa.Table:
    """The results as an Arrow table of `RESULTS_SCHEMA`, without pandas' metadata (pandas cannot read back
    the dtype names of nested Arrow columns it wrote)."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    return table.cast(RESULTS_SCHEMA)


def write_results_parquet(frame: pd.DataFrame, target: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the results as Parquet of `RESULTS_SCHEMA`; ``pd.read_parquet(path, dtype_backend="pyarrow")``
    gives the lists back as Arrow lists."""
    pq.write_table(results_table(frame), target)
