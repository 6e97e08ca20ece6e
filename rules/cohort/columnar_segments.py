"""Segment codes and reasons for a whole column of customers, worded exactly as `rules.segments` words them.

Band lists from the rulebook become `np.searchsorted` / comparisons. Each reason column is rendered in one
pass: every row picks its template (its band, or the unknown or default wording of its mode) and the pieces
a template does not use are null, so they drop out. Integer metrics with few distinct values (ages, day
counts) take their reason from the scalar classifier itself, called once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rules.cohort.columnar_numbers import BoolArray, FloatArray, IntArray, money
from rules.cohort.columnar_render import Pieces, Texts, render
from rules.cohort.columnar_text import TEXT, Coded, fixed_text, number_pieces, texts_where
from rules.rulebook import LowerBands, LoyaltyTier, UpperBands
from rules.segments import by_upper_bands, num

BASES = ["rule", "default", "unknown"]
RULE, DEFAULT, UNKNOWN = 0, 1, 2


@dataclass(frozen=True)
class ReasonColumns:
    """One segment dimension for every customer: code (index into `codes`, -1 = null), basis and text."""

    code: IntArray
    codes: list[str]
    basis: IntArray  # index into BASES
    text: pa.Array | pa.ChunkedArray | Coded


def table(texts: list[str]) -> pa.Array:
    """A small lookup table of texts."""
    return pa.array(texts, TEXT)


def constant_where(text: str, present: BoolArray) -> Texts:
    """`text` where `present`, left out elsewhere."""
    return Texts(table([text]), 0, present)


def upper_band_codes(bands: UpperBands, values: IntArray) -> IntArray:
    """`rules.segments.by_upper_bands` codes: the first band whose inclusive max the value does not exceed."""
    maxima = np.array([b.max for b in bands.bands[:-1]], dtype=np.int64)
    return np.searchsorted(maxima, values, side="left").astype(np.int64)


def lower_band_codes(bands: LowerBands, ratios: FloatArray) -> IntArray:
    """`rules.segments.by_lower_bands` codes: the first band whose exclusive `above` the ratio exceeds."""
    aboves = [b.above for b in bands.bands[:-1] if b.above is not None]
    return np.sum([ratios <= above for above in aboves], axis=0, dtype=np.int64).reshape(len(ratios))


def int_reasons(values: IntArray, present: BoolArray, describe: Callable[[int], str], absent: str) -> Coded:
    """``describe(v)`` where `present` (called once per distinct value), the text `absent` elsewhere."""
    shown = values[present]
    low = int(shown.min()) if len(shown) else 0
    span = int(shown.max()) - low + 1 if len(shown) else 1
    seen = np.zeros(span, dtype=np.bool_)
    seen[shown - low] = True
    distinct = np.flatnonzero(seen)
    slot = np.full(span, len(distinct), dtype=np.int64)
    slot[distinct] = np.arange(len(distinct))
    texts = table([*(describe(int(v) + low) for v in distinct), absent])
    return Coded(np.where(present, slot[np.clip(values - low, 0, span - 1)], len(distinct)), texts)


def upper_band_reasons(bands: UpperBands, values: IntArray, present: BoolArray, absent: str) -> Coded:
    """Reasons of integer bands where `present`, from the scalar classifier once per distinct value."""
    return int_reasons(values, present, lambda v: by_upper_bands(bands, v).text, absent)


def lower_band_pieces(bands: LowerBands, ratios: FloatArray, band: IntArray, rule: BoolArray, lead_in: str = ""
                      ) -> Pieces:
    """The rule part of `rules.segments.by_lower_bands` texts where `rule`, ending with `lead_in`.

    The caller appends the detail (after `lead_in`, e.g. " (avgBasket ") and its closing parenthesis.
    """
    name = bands.metric
    heads, firsts, seconds, both = [], [], [], []
    upper: float | None = None
    for b in bands.bands:
        heads.append(f"{b.code}: {name} ")
        if b.above is not None and upper is not None:
            firsts.append(f" > {num(b.above)} and {name} ")
            seconds.append(f" ≤ {num(upper)}{lead_in}")
            both.append(True)
        elif b.above is not None:
            firsts.append(f" > {num(b.above)}{lead_in}")
            seconds.append("")
            both.append(False)
        else:
            firsts.append(f" ≤ {num(upper)}{lead_in}" if upper is not None else lead_in)
            seconds.append("")
            both.append(False)
        upper = b.above
    pieces: Pieces = [texts_where(table(heads), band, rule), *number_pieces(ratios, rule),
                      texts_where(table(firsts), band, rule)]
    twice = rule & np.array(both, dtype=np.bool_)[band]
    if twice.any():
        pieces += [*number_pieces(ratios, twice), texts_where(table(seconds), band, twice)]
    return pieces


@dataclass(frozen=True)
class _Minimum:
    metric: str
    threshold: float


def _minimums(tier: LoyaltyTier) -> list[_Minimum]:
    found = [("membershipMonths", tier.min_months), ("ordersPerMonth", tier.min_orders_per_month),
             ("orderCount", tier.min_orders)]
    return [_Minimum(metric, float(threshold)) for metric, threshold in found if threshold is not None]


def loyalty_codes(tiers: list[LoyaltyTier], months: FloatArray, per_month: FloatArray, orders: IntArray) -> IntArray:
    """The index of the best loyalty tier whose every minimum is met."""
    exact = {"membershipMonths": months, "ordersPerMonth": per_month, "orderCount": orders}
    met = np.ones((len(tiers), len(orders)), dtype=np.bool_)
    for k, tier in enumerate(tiers):
        for minimum in _minimums(tier):
            met[k] &= exact[minimum.metric] >= minimum.threshold
    best: IntArray = np.argmax(met, axis=0).astype(np.int64)
    return best


def loyalty_reasons(tiers: list[LoyaltyTier], months: FloatArray, per_month: FloatArray, orders: IntArray,
                    rule: BoolArray, absent: Texts) -> tuple[IntArray, pa.Array]:
    """`rules.segments.by_loyalty_tiers` where `rule`: the best tier met, and why each better tier was missed.

    Returns:
        The tier index per row (0 where not `rule`) and the texts (`absent`'s where not `rule`).
    """
    exact = {"membershipMonths": months, "ordersPerMonth": per_month, "orderCount": orders.astype(np.float64)}
    shown = {"membershipMonths": money(months), "ordersPerMonth": money(per_month),
             "orderCount": orders.astype(np.float64)}
    rows = len(orders)
    chosen = np.where(rule, loyalty_codes(tiers, months, per_month, orders), 0)
    minimums = [_minimums(t) for t in tiers]
    width = max(len(m) for m in minimums)

    pieces: Pieces = []
    for i in range(max(width, 1)):
        # Condition i of the chosen tier: "Platin: membershipMonths " / " and ordersPerMonth ", value, " ≥ 2".
        has = np.array([len(m) > i for m in minimums], dtype=np.bool_)
        present = rule & has[chosen]
        lead = [(f"{t.code}: " if i == 0 else " and ") + (f"{m[i].metric} " if len(m) > i else
                                                          "no better tier applies" if i == 0 else "")
                for t, m in zip(tiers, minimums, strict=True)]
        pieces.append(texts_where(table(lead), chosen, rule & (has[chosen] | (i == 0))))
        values = np.zeros(rows)
        for k, m in enumerate(minimums):
            if len(m) > i:
                values = np.where(chosen == k, shown[m[i].metric], values)
        pieces += number_pieces(values, present)
        pieces.append(texts_where(table([f" ≥ {num(m[i].threshold)}" if len(m) > i else "" for m in minimums]),
                                  chosen, present))
    for j, tier in enumerate(tiers[:-1]):
        if not minimums[j]:  # a tier without minimums is always met: no tier after it is ever chosen
            break
        pieces += _missed_pieces(tier.code, minimums[j], exact, shown, rule & (chosen > j))
    return chosen, render(*pieces, absent)


def _missed_pieces(code: str, minimums: list[_Minimum], exact: dict[str, FloatArray], shown: dict[str, FloatArray],
                   present: BoolArray) -> Pieces:
    """"; not Platin: ordersPerMonth 0.73 < 2": the first minimum that reads as missed at two decimals, as the
    scalar engine picks it; when rounding hides the miss, the first one really missed, to four decimals."""
    count = len(minimums)
    pick = np.full(len(present), -1, dtype=np.int64)
    for index, minimum in reversed(list(enumerate(minimums))):
        pick = np.where(exact[minimum.metric] < minimum.threshold, count + index, pick)
    for index, minimum in reversed(list(enumerate(minimums))):
        pick = np.where(shown[minimum.metric] < minimum.threshold, index, pick)
    hidden = present & (pick >= count)
    pick = np.where(present, pick % count, 0)
    values = np.zeros(len(present))
    exact_values = np.zeros(len(present))
    for index, minimum in enumerate(minimums):
        values = np.where(pick == index, shown[minimum.metric], values)
        exact_values = np.where(pick == index, exact[minimum.metric], exact_values)
    pieces: Pieces = [texts_where(table([f"; not {code}: {m.metric} " for m in minimums]), pick, present)]
    pieces += number_pieces(values, present & ~hidden)
    if hidden.any():
        rows = np.flatnonzero(hidden)
        four = fixed_text(exact_values[rows], 4)
        slot = np.zeros(len(present), dtype=np.int64)
        slot[rows] = np.arange(len(rows))
        pieces.append(texts_where(four, slot, hidden))
    pieces.append(texts_where(table([f" < {num(m.threshold)}" for m in minimums]), pick, present))
    return pieces
