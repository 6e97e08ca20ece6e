"""Helpers for the segment tests: build cohorts in code, and read a row back as the analysis JSON it mirrors."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from rules import Rulebook, analyze_customer
from rules.cohort.model import CUSTOMER_COLUMNS, HISTORY_COLUMNS, Cohort, IngestReport
from rules.cohort.segment import REASON_KEYS, cohort_region_medians

ANALYSIS_COLUMNS = (
    "customerId", "mode", "city", "region", "climateType", "age", "ageSegment", "gender", "churnSegment",
    "valueSegment", "loyaltyTier", "affinityCategory", "affinityType", "diversityProfile", "estimatedBudget",
    "avgBasket", "avgMonthlySpend", "lastPurchaseDaysAgo", "orderCount", "totalSpent", "membershipDays",
    "missingRegulars", "topProducts", "message", "asOf", "rulebookVersion", "isNewCustomer", "medianBasket",
    "medianBasketSource", "warnings",
)
REASON_COLUMNS = tuple(f"{key}{part}" for key in REASON_KEYS for part in ("Reason", "Basis"))
ALL_COLUMNS = ANALYSIS_COLUMNS + REASON_COLUMNS


def make_cohort(customers: list[dict[str, Any]], history: list[dict[str, Any]]) -> Cohort:
    """A cohort from plain rows, with the contract's dtypes (missing keys are <NA>)."""
    customer_frame = pd.DataFrame({
        column: pd.Series([row.get(column) for row in customers], dtype=dtype)
        for column, dtype in CUSTOMER_COLUMNS.items()
    })
    history_frame = pd.DataFrame({
        column: pd.Series([row.get(column, math.nan if dtype == "float64" else None) for row in history],
                          dtype=dtype)
        for column, dtype in HISTORY_COLUMNS.items()
    })
    report = IngestReport(rows_read=len(history), rows_accepted=len(history), rows_rejected=0,
                          customers=len(customers), format="purchase_history")
    return Cohort(customers=customer_frame, history=history_frame, report=report)


def plain(value: Any) -> Any:
    """A frame cell as the JSON value it stands for (NaN / <NA> → None, numpy scalars → Python)."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def row_json(frame: pd.DataFrame, position: int) -> dict[str, Any]:
    """One row of `segment_cohort`'s frame as a dict of JSON values."""
    return {column: plain(frame[column].iloc[position]) for column in ALL_COLUMNS}


def expected_json(cohort: Cohort, customer_id: str, as_of: date,
                  medians: dict[str, float] | None = None, rulebook: Rulebook | None = None) -> dict[str, Any]:
    """What the scalar engine says about one customer, flattened to the frame's columns."""
    if medians is None:
        medians = cohort_region_medians(cohort, as_of)
    analysis = analyze_customer(cohort.customer_data(customer_id, medians), as_of, rulebook=rulebook).model_dump(
        mode="json", by_alias=True)
    flat = {column: analysis.get(column) for column in ANALYSIS_COLUMNS}
    for key in REASON_KEYS:
        flat[f"{key}Reason"] = analysis["reasons"][key]["text"]
        flat[f"{key}Basis"] = analysis["reasons"][key]["basis"]
    return flat
