"""Classifiers: a metric and the rulebook's bands in, a segment code and its reason out."""

from __future__ import annotations

from rules.models.analysis import Condition, Reason
from rules.rulebook import LowerBands, LoyaltyTier, UpperBands


def num(value: float | int) -> str:
    """A number as people read it in a reason: integers plain, fractions to two decimals."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def unknown(what: str) -> Reason:
    """The reason for a segment that cannot be decided because `what` is missing."""
    return Reason(code=None, basis="unknown", text=f"unknown: {what}")


def default(code: str, why: str) -> Reason:
    """The reason for a segment set by the seed's documented default for the mode."""
    return Reason(code=code, basis="default", text=f"{code}: {why}")


def by_upper_bands(bands: UpperBands, value: int, metric: str | None = None) -> Reason:
    """The first band whose inclusive `max` the value does not exceed.

    Examples:
        >>> from rules.rulebook import default_rulebook
        >>> by_upper_bands(default_rulebook().churn, 74).text
        'Riskli: lastPurchaseDaysAgo 74 > 60'
    """
    name = metric or bands.metric
    lower: int | None = None
    for band in bands.bands:
        if band.max is None or value <= band.max:
            conditions = []
            if lower is not None:
                conditions.append(Condition(metric=name, value=value, op=">", threshold=lower))
            if band.max is not None:
                conditions.append(Condition(metric=name, value=value, op="<=", threshold=band.max))
            if lower is not None and band.max is not None:
                text = f"{band.code}: {name} {value} in {lower + 1}–{band.max}"
            else:
                text = f"{band.code}: " + " and ".join(f"{name} {value} {c.op.replace('<=', '≤')} "
                                                      f"{c.threshold}" for c in conditions)
            return Reason(code=band.code, basis="rule", text=text, conditions=tuple(conditions))
        lower = band.max
    raise AssertionError("the rulebook guarantees an open last band")


def by_lower_bands(bands: LowerBands, ratio: float, metric: str | None = None, detail: str = "") -> Reason:
    """The first band whose exclusive `above` the ratio exceeds.

    Examples:
        >>> from rules.rulebook import default_rulebook
        >>> by_lower_bands(default_rulebook().diversity, 6 / 17).text
        'Sadık: distinctProducts / orderCount 0.35 ≤ 0.4'
    """
    name = metric or bands.metric
    upper: float | None = None
    suffix = f" ({detail})" if detail else ""
    for band in bands.bands:
        if band.above is None or ratio > band.above:
            conditions = []
            if band.above is not None:
                conditions.append(Condition(metric=name, value=ratio, op=">", threshold=band.above))
            if upper is not None:
                conditions.append(Condition(metric=name, value=ratio, op="<=", threshold=upper))
            parts = []
            if band.above is not None:
                parts.append(f"{name} {num(ratio)} > {num(band.above)}")
            if upper is not None:
                parts.append(f"{name} {num(ratio)} ≤ {num(upper)}")
            text = f"{band.code}: " + " and ".join(parts) + suffix
            return Reason(code=band.code, basis="rule", text=text, conditions=tuple(conditions))
        upper = band.above
    raise AssertionError("the rulebook guarantees an open last band")


def _tier_conditions(tier: LoyaltyTier, months: float, per_month: float, orders: int) -> list[Condition]:
    conditions = []
    if tier.min_months is not None:
        conditions.append(Condition(metric="membershipMonths", value=round(months, 2), op=">=",
                                    threshold=tier.min_months))
    if tier.min_orders_per_month is not None:
        conditions.append(Condition(metric="ordersPerMonth", value=round(per_month, 2), op=">=",
                                    threshold=tier.min_orders_per_month))
    if tier.min_orders is not None:
        conditions.append(Condition(metric="orderCount", value=orders, op=">=", threshold=tier.min_orders))
    return conditions


def _tier_met(tier: LoyaltyTier, months: float, per_month: float, orders: int) -> bool:
    return (
        (tier.min_months is None or months >= tier.min_months)
        and (tier.min_orders_per_month is None or per_month >= tier.min_orders_per_month)
        and (tier.min_orders is None or orders >= tier.min_orders)
    )


def by_loyalty_tiers(tiers: list[LoyaltyTier], months: float, per_month: float, orders: int) -> Reason:
    """The best tier whose every minimum is met; the text also says why each better tier was missed.

    Examples:
        >>> from rules.rulebook import default_rulebook
        >>> by_loyalty_tiers(default_rulebook().loyalty.tiers, 23.3, 17 / 23.3, 17).text
        'Gümüş: orderCount 17 ≥ 3; not Platin: ordersPerMonth 0.73 < 2; not Altın: ordersPerMonth 0.73 < 1'
    """
    missed: list[str] = []
    for tier in tiers:
        conditions = _tier_conditions(tier, months, per_month, orders)
        if _tier_met(tier, months, per_month, orders):
            met = " and ".join(f"{c.metric} {num(c.value)} ≥ {num(c.threshold)}"  # type: ignore[arg-type]
                               for c in conditions) or "no better tier applies"
            text = f"{tier.code}: {met}" + "".join(f"; {m}" for m in missed)
            return Reason(code=tier.code, basis="rule", text=text, conditions=tuple(conditions))
        failed = next(c for c in conditions if c.value < c.threshold)  # type: ignore[operator]
        missed.append(f"not {tier.code}: {failed.metric} {num(failed.value)} < "  # type: ignore[arg-type]
                      f"{num(failed.threshold)}")  # type: ignore[arg-type]
    raise AssertionError("the rulebook guarantees an unconditional last tier")
