"""The agent's per-customer analyses as one table: a row per customer, columns named like the seed's fields.

Columns are the analysis fields (customerId, ageSegment, churnSegment, ..., missingRegulars, topProducts)
plus one ``<segment>Reason`` text column per reason (``churnSegmentReason``), the names `segment_cohort` uses.
An undecided segment is missing (NaN), never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

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
RESULT_COLUMNS: tuple[str, ...] = ANALYSIS_COLUMNS + tuple(f"{key}Reason" for key in REASON_KEYS)


def results_frame(analyses: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per analysis, in the given order, with exactly `RESULT_COLUMNS`.

    Args:
        analyses: the seed-shaped analysis objects the agent answered.
    """
    columns: dict[str, list[Any]] = {
        name: [a.get(name) for a in analyses] for name in ANALYSIS_COLUMNS
    }
    for key in REASON_KEYS:
        columns[f"{key}Reason"] = [_reason_text(a, key) for a in analyses]
    for name in ("missingRegulars", "topProducts", "warnings"):
        columns[name] = [list(v) if v else [] for v in columns[name]]
    frame = pd.DataFrame(columns, columns=list(RESULT_COLUMNS))
    for name in ("age", "lastPurchaseDaysAgo", "orderCount", "membershipDays"):
        frame[name] = frame[name].astype("Int64")
    for name in ("estimatedBudget", "avgBasket", "avgMonthlySpend", "totalSpent", "medianBasket"):
        frame[name] = frame[name].astype("float64")
    frame["isNewCustomer"] = frame["isNewCustomer"].astype("bool")
    return frame


def _reason_text(analysis: dict[str, Any], key: str) -> str | None:
    reason = (analysis.get("reasons") or {}).get(key)
    return str(reason["text"]) if isinstance(reason, dict) and reason.get("text") is not None else None
