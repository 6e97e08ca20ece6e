"""Every customer's analysis as one table: a row per customer, columns named like the seed's fields.

Columns are the analysis fields (customerId, ageSegment, churnSegment, ..., missingRegulars, topProducts)
plus ``<segment>Reason`` (the reason's text) and ``<segment>Basis`` (rule, default or unknown) per reason,
the names `rules.segment_cohort` uses. An undecided segment is missing (NaN), never guessed. The table is
built the same way whichever backend answered: from the agent's analysis objects (`results_frame`) or from
the rule engine's columnar frame (`from_columnar`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

# The analysis fields in the seed's order, then the additions the dashboard shows.
ANALYSIS_COLUMNS: tuple[str, ...] = (
    "customerId", "mode", "city", "region", "climateType", "age", "ageSegment", "gender", "churnSegment",
    "valueSegment", "loyaltyTier", "affinityCategory", "affinityType", "diversityProfile", "estimatedBudget",
    "avgBasket", "avgMonthlySpend", "lastPurchaseDaysAgo", "orderCount", "totalSpent", "membershipDays",
    "missingRegulars", "topProducts", "message", "asOf", "rulebookVersion", "isNewCustomer", "medianBasket",
    "medianBasketSource", "warnings",
)
REASON_KEYS: tuple[str, ...] = (
    "ageSegment", "churnSegment", "valueSegment", "loyaltyTier", "affinityCategory", "affinityType",
    "diversityProfile",
)
REASON_COLUMNS: tuple[str, ...] = tuple(f"{key}{part}" for key in REASON_KEYS for part in ("Reason", "Basis"))
RESULT_COLUMNS: tuple[str, ...] = ANALYSIS_COLUMNS + REASON_COLUMNS
LIST_COLUMNS: tuple[str, ...] = ("missingRegulars", "topProducts", "warnings")
INT_COLUMNS: tuple[str, ...] = ("age", "lastPurchaseDaysAgo", "orderCount", "membershipDays")
FLOAT_COLUMNS: tuple[str, ...] = ("estimatedBudget", "avgBasket", "avgMonthlySpend", "totalSpent", "medianBasket")
TEXT_COLUMNS: tuple[str, ...] = tuple(
    c for c in RESULT_COLUMNS if c not in (*LIST_COLUMNS, *INT_COLUMNS, *FLOAT_COLUMNS, "isNewCustomer")
)


def results_frame(analyses: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per analysis object (the agent's JSON), in the given order, with exactly `RESULT_COLUMNS`."""
    columns: dict[str, list[Any]] = {name: [a.get(name) for a in analyses] for name in ANALYSIS_COLUMNS}
    for key in REASON_KEYS:
        columns[f"{key}Reason"] = [_reason(a, key, "text") for a in analyses]
        columns[f"{key}Basis"] = [_reason(a, key, "basis") for a in analyses]
    return _typed(pd.DataFrame(columns, columns=list(RESULT_COLUMNS)))


def from_columnar(frame: pd.DataFrame) -> pd.DataFrame:
    """`rules.segment_cohort`'s frame as the same table `results_frame` builds from analysis objects.

    Categoricals become text, Arrow list columns become lists of dicts (empty where unknown), so a cohort
    segmented by the columnar engine and one segmented through the agent's JSON compare equal.
    """
    out = frame.reindex(columns=list(RESULT_COLUMNS)).copy()
    for name in LIST_COLUMNS:
        # Arrow converts a whole list column at once (~10× faster than value by value through pandas), and
        # faster still once dictionary-encoded texts are plain strings.
        array = pa.array(out[name].array)
        lists = array.cast(_plain(array.type)).to_pylist()
        out[name] = pd.Series([items if items is not None else [] for items in lists], index=out.index,
                              dtype=object)
    for name in TEXT_COLUMNS:
        out[name] = out[name].astype(object)
    return _typed(out, lists_done=True)


def _plain(arrow_type: pa.DataType) -> pa.DataType:
    """The same Arrow type with every dictionary-encoded part decoded."""
    if pa.types.is_dictionary(arrow_type):
        return _plain(arrow_type.value_type)
    if pa.types.is_struct(arrow_type):
        return pa.struct([pa.field(f.name, _plain(f.type), f.nullable) for f in arrow_type])
    if pa.types.is_large_list(arrow_type):
        return pa.large_list(_plain(arrow_type.value_type))
    if pa.types.is_list(arrow_type):
        return pa.list_(_plain(arrow_type.value_type))
    return arrow_type


def _typed(frame: pd.DataFrame, *, lists_done: bool = False) -> pd.DataFrame:
    if not lists_done:
        for name in LIST_COLUMNS:
            frame[name] = [list(v) if isinstance(v, list) else [] for v in frame[name]]
    for name in INT_COLUMNS:
        frame[name] = frame[name].astype("Int64")
    for name in FLOAT_COLUMNS:
        frame[name] = frame[name].astype("float64")
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].astype("str")
    frame["isNewCustomer"] = frame["isNewCustomer"].astype("bool")
    return frame


def _reason(analysis: dict[str, Any], key: str, part: str) -> str | None:
    reason = (analysis.get("reasons") or {}).get(key)
    return str(reason[part]) if isinstance(reason, dict) and reason.get(part) is not None else None
