"""What the Regions page shows: the agent's reference profile of each region, as a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

REFERENCE_COLUMNS: tuple[str, ...] = (
    "region", "climateType", "referenceMedianBasket", "trend", "estimatedBudget", "avgMonthlySpend",
)


def reference_frame(profiles: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per region profile (the agent's region-mode analyses), in the given order.

    Columns: ``region, climateType, referenceMedianBasket, trend, estimatedBudget, avgMonthlySpend``; the
    reference median basket is the analysis' ``medianBasket``, the trend its ``affinityCategory``.
    """
    return pd.DataFrame({
        "region": [str(p.get("region")) for p in profiles],
        "climateType": [p.get("climateType") for p in profiles],
        "referenceMedianBasket": pd.array([p.get("medianBasket") for p in profiles], dtype="float64"),
        "trend": [p.get("affinityCategory") for p in profiles],
        "estimatedBudget": pd.array([p.get("estimatedBudget") for p in profiles], dtype="float64"),
        "avgMonthlySpend": pd.array([p.get("avgMonthlySpend") for p in profiles], dtype="float64"),
    }, columns=list(REFERENCE_COLUMNS))


def reference_medians(reference: pd.DataFrame) -> dict[str, float]:
    """Region → reference median basket, for `cohort_view.region_baskets` (regions without one left out)."""
    known = reference.dropna(subset=["referenceMedianBasket"])
    return dict(zip(known["region"], known["referenceMedianBasket"].astype(float), strict=True))
