"""The segments explained for people: every code with its English name, its rule and its colour."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import DIMENSION_TITLES
from rules.rulebook import LowerBands, Rulebook, UpperBands, default_rulebook
from rules.segments import num

METRIC_WORDS: dict[str, str] = {
    "age": "age",
    "lastPurchaseDaysAgo": "days since the last purchase",
    "avgBasket / medianBasket": "average basket ÷ the region's median basket",
    "topCategoryOrderShare": "top category's share of orders",
    "distinctProducts / orderCount": "distinct products ÷ orders",
}


def _upper_rule(bands: UpperBands, index: int) -> str:
    metric = METRIC_WORDS.get(bands.metric, bands.metric)
    band = bands.bands[index]
    previous = bands.bands[index - 1].max if index else None
    if band.max is None:
        return f"{metric} > {previous}"
    if previous is None:
        return f"{metric} ≤ {band.max}"
    return f"{metric} {previous + 1}–{band.max}"


def _lower_rule(bands: LowerBands, index: int) -> str:
    metric = METRIC_WORDS.get(bands.metric, bands.metric)
    band = bands.bands[index]
    previous = bands.bands[index - 1].above if index else None
    parts = []
    if band.above is not None:
        parts.append(f"> {num(band.above)}")
    if previous is not None:
        parts.append(f"≤ {num(previous)}")
    return f"{metric} " + " and ".join(parts)


def rule_text(rulebook: Rulebook, dimension: str, index: int) -> str:
    """The rule of the `index`-th value of a dimension, in words, from the rulebook's thresholds."""
    bands = {"ageSegment": rulebook.age, "churnSegment": rulebook.churn}.get(dimension)
    if bands is not None:
        return _upper_rule(bands, index)
    ratios = {"valueSegment": rulebook.value, "affinityType": rulebook.affinity,
              "diversityProfile": rulebook.diversity}.get(dimension)
    if ratios is not None:
        return _lower_rule(ratios, index)
    tier = rulebook.loyalty.tiers[index]
    minimums = []
    if tier.min_months is not None:
        minimums.append(f"≥ {num(tier.min_months)} months a member")
    if tier.min_orders_per_month is not None:
        minimums.append(f"≥ {num(tier.min_orders_per_month)} orders a month")
    if tier.min_orders is not None:
        minimums.append(f"≥ {tier.min_orders} orders")
    return " and ".join(minimums) if minimums else "every other customer"


def segment_glossary(rulebook: Rulebook | None = None) -> pd.DataFrame:
    """One row per segment value: ``dimension, code, name, rule, colour``, in rulebook order."""
    rules = rulebook or default_rulebook()
    rows = []
    for dimension, segments in rules.dimensions.items():
        for index, segment in enumerate(segments):
            rows.append({
                "dimension": DIMENSION_TITLES.get(dimension, dimension),
                "code": segment.code,
                "name": segment.name,
                "rule": rule_text(rules, dimension, index),
                "colour": segment.color,
            })
    return pd.DataFrame(rows, columns=["dimension", "code", "name", "rule", "colour"])
