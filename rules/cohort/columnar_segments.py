"""Segment codes and reasons for a whole column of customers, worded exactly as `rules.segments` words them.

Band lists from the rulebook become `np.searchsorted` / comparisons; reasons are assembled from the same
phrases as the scalar classifiers. Integer metrics with few distinct values (ages, day counts) take their
reason from the scalar classifier itself, called once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rules.cohort.columnar_text import (
    TEXT,
    BoolArray,
    FloatArray,
    IntArray,
    fixed_text,
    join,
    money,
    num_text,
    texts_for_ints,
)
from rules.rulebook import LowerBands, LoyaltyTier, UpperBands
from rules.segments import by_upper_bands, num


@dataclass(frozen=True)
class ReasonColumns:
    """One segment dimension for every customer: code (index into `codes`, -1 = null), basis and text."""

    code: IntArray
    codes: list[str]
    basis: IntArray  # index into BASES
    text: pa.Array


BASES = ["rule", "default", "unknown"]
RULE, DEFAULT, UNKNOWN = 0, 1, 2


def by_choice(choice: IntArray, choices: int, build: Callable[[int, IntArray], pa.Array]) -> pa.Array:
    """Texts built per choice (band, mode, …) on that choice's rows only, then put back in row order."""
    narrow = choice.astype(np.int16)
    order = np.argsort(narrow, kind="stable")
    bounds = np.searchsorted(narrow[order], np.arange(choices + 1))
    parts = []
    for k in range(choices):  # a loop over bands, never over customers
        rows = order[bounds[k]: bounds[k + 1]]
        if len(rows):
            parts.append(build(k, rows).cast(TEXT))
    if not parts:
        return pa.array([], TEXT)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(parts).take(pa.array(inverse))


def constant(text: str, rows: IntArray) -> pa.Array:
    """The same text for every row."""
    return pa.array([text], TEXT).take(pa.array(np.zeros(len(rows), dtype=np.int64)))


def upper_band_codes(bands: UpperBands, values: IntArray) -> IntArray:
    """`rules.segments.by_upper_bands` codes: the first band whose inclusive max the value does not exceed."""
    maxima = np.array([b.max for b in bands.bands[:-1]], dtype=np.int64)
    return np.searchsorted(maxima, values, side="left").astype(np.int64)


def lower_band_codes(bands: LowerBands, ratios: FloatArray) -> IntArray:
    """`rules.segments.by_lower_bands` codes: the first band whose exclusive `above` the ratio exceeds."""
    aboves = [b.above for b in bands.bands[:-1] if b.above is not None]
    return np.sum([ratios <= above for above in aboves], axis=0, dtype=np.int64).reshape(len(ratios))


def upper_band_texts(bands: UpperBands, values: IntArray) -> pa.Array:
    """Reason texts of integer bands, from the scalar classifier once per distinct value."""
    return texts_for_ints(values, lambda v: by_upper_bands(bands, v).text)


def lower_band_texts(bands: LowerBands, ratios: FloatArray, rows: IntArray, band: int,
                     detail: Sequence[pa.Array | str] = ()) -> pa.Array:
    """Reason texts of ratio band `band` for `rows`, worded like `rules.segments.by_lower_bands`."""
    name = bands.metric
    this = bands.bands[band]
    upper = bands.bands[band - 1].above if band > 0 else None
    ratio = num_text(ratios[rows])
    pieces: list[pa.Array | str] = [f"{this.code}: "]
    if this.above is not None:
        pieces += [f"{name} ", ratio, f" > {num(this.above)}"]
    if upper is not None:
        pieces += [" and " if this.above is not None else "", f"{name} ", ratio, f" ≤ {num(upper)}"]
    if detail:
        pieces += [" (", *detail, ")"]
    return join(*pieces)


def _tier_met(tier: LoyaltyTier, months: FloatArray, per_month: FloatArray, orders: IntArray) -> BoolArray:
    met = np.ones(len(orders), dtype=np.bool_)
    if tier.min_months is not None:
        met &= months >= tier.min_months
    if tier.min_orders_per_month is not None:
        met &= per_month >= tier.min_orders_per_month
    if tier.min_orders is not None:
        met &= orders >= tier.min_orders
    return met


def loyalty_reasons(tiers: list[LoyaltyTier], months: FloatArray, per_month: FloatArray, orders: IntArray,
                    rows: IntArray) -> tuple[IntArray, pa.Array]:
    """`rules.segments.by_loyalty_tiers` for `rows`: the best tier met, and why each better tier was missed."""
    m, pm, o = months[rows], per_month[rows], orders[rows]
    shown = {"membershipMonths": money(m), "ordersPerMonth": money(pm), "orderCount": o.astype(np.float64)}
    exact = {"membershipMonths": m, "ordersPerMonth": pm, "orderCount": o.astype(np.float64)}
    met = np.array([_tier_met(t, m, pm, o) for t in tiers])
    chosen = np.argmax(met, axis=0).astype(np.int64)

    def conditions(tier: LoyaltyTier) -> list[tuple[str, float]]:
        found = [("membershipMonths", tier.min_months), ("ordersPerMonth", tier.min_orders_per_month),
                 ("orderCount", tier.min_orders)]
        return [(metric, float(threshold)) for metric, threshold in found if threshold is not None]

    def missed(tier: LoyaltyTier, at: IntArray) -> pa.Array:
        # The first condition whose shown (two-decimal) value is below the threshold, as the scalar engine
        # picks; when rounding hides the shortfall, the first condition really short, shown to four decimals.
        tests = conditions(tier)
        pick = np.full(len(at), -1, dtype=np.int64)
        for index, (metric, threshold) in reversed(list(enumerate(tests))):
            pick = np.where(exact[metric][at] < threshold, len(tests) + index, pick)
        for index, (metric, threshold) in reversed(list(enumerate(tests))):
            pick = np.where(shown[metric][at] < threshold, index, pick)

        def text(i: int, sub: IntArray) -> pa.Array:
            metric, threshold = tests[i % len(tests)]
            value = num_text(shown[metric][at[sub]]) if i < len(tests) else fixed_text(exact[metric][at[sub]], 4)
            return join(f"; not {tier.code}: {metric} ", value, f" < {num(threshold)}")

        return by_choice(pick, 2 * len(tests), text)

    def build(k: int, at: IntArray) -> pa.Array:
        tier = tiers[k]
        pieces: list[pa.Array | str] = [f"{tier.code}: "]
        tests = conditions(tier)
        for index, (metric, threshold) in enumerate(tests):
            pieces += [" and " if index else "", f"{metric} ", num_text(shown[metric][at]), f" ≥ {num(threshold)}"]
        if not tests:
            pieces.append("no better tier applies")
        pieces += [missed(tiers[j], at) for j in range(k)]
        return join(*pieces)

    return chosen, by_choice(chosen, len(tiers), build)
