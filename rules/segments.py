"""Classifiers: a metric and the rulebook's bands in, a segment code and its reason out.

Each dimension's bands are prepared once (`UpperBandTable`, `LowerBandTable`, `LoyaltyTable`), with every
band's conditions and text ready-made, so that classifying a customer only compares and fills in the value.
`Classifiers` holds the tables of one rulebook.

Speed, per customer, is a goal of the engine: reasons are built as trusted models (`rules.models.trusted`),
and a reason that depends on whole numbers only is built once per value and shared (`Classifiers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, ParamSpec, cast

from rules.models.analysis import Condition, Op, Reason
from rules.models.trusted import trusted
from rules.rulebook import LowerBands, LoyaltyTier, Rulebook, UpperBands

Number = float | int
Metric = Literal["membershipMonths", "ordersPerMonth", "orderCount"]
_Args = ParamSpec("_Args")

# Metrics with few distinct values (ages, day counts, small order counts) give the same reason to many
# customers. A Reason is immutable, so it is built once per value and shared; the bound keeps memory small.
_SHARED_REASONS_PER_DIMENSION = 8192
_RULEBOOKS_PREPARED = 16


def reason(
    code: str | None, basis: Literal["rule", "default", "unknown"], text: str,
    conditions: tuple[Condition, ...] = (),
) -> Reason:
    """A `Reason` from values the engine computed (not validated again)."""
    return trusted(Reason, {"code": code, "basis": basis, "text": text, "conditions": conditions})


def condition(metric: str, value: Number, op: Op, threshold: Number) -> Condition:
    """A `Condition` from values the engine computed."""
    return {"metric": metric, "value": value, "op": op, "threshold": threshold}


def num(value: Number) -> str:
    """A number as people read it in a reason: integers plain, fractions to two decimals.

    Examples:
        >>> num(3), num(3.0), num(2.999), num(0.5)
        ('3', '3', '3.00', '0.50')
    """
    return f"{value:.2f}" if value % 1 else str(int(value))


@lru_cache(maxsize=1024)
def unknown(what: str) -> Reason:
    """The reason for a segment that cannot be decided because `what` is missing."""
    return reason(None, "unknown", f"unknown: {what}")


@lru_cache(maxsize=1024)
def default(code: str, why: str) -> Reason:
    """The reason for a segment set by the seed's documented default for the mode."""
    return reason(code, "default", f"{code}: {why}")


@dataclass(frozen=True, slots=True)
class _UpperBand:
    code: str
    max: int | None
    lower: int | None  # the previous band's max: this band starts above it
    text_head: str     # the reason's text up to the value ...
    text_tail: str     # ... and after it


class UpperBandTable:
    """Integer bands (`max` inclusive, ascending, the last one open), ready to classify."""

    def __init__(self, bands: UpperBands, metric: str | None = None) -> None:
        self.metric = metric or bands.metric
        self._bands: list[_UpperBand] = []
        lower: int | None = None
        for band in bands.bands:
            if lower is not None and band.max is not None:
                tail = f" in {lower + 1}–{band.max}"
            elif band.max is not None:
                tail = f" ≤ {band.max}"
            else:
                tail = f" > {lower}"
            self._bands.append(_UpperBand(band.code, band.max, lower, f"{band.code}: {self.metric} ", tail))
            lower = band.max

    def classify(self, value: int) -> Reason:
        """The first band whose inclusive `max` the value does not exceed."""
        for band in self._bands:
            if band.max is None or value <= band.max:
                conditions: list[Condition] = []
                if band.lower is not None:
                    conditions.append(condition(self.metric, value, ">", band.lower))
                if band.max is not None:
                    conditions.append(condition(self.metric, value, "<=", band.max))
                return reason(band.code, "rule", f"{band.text_head}{value}{band.text_tail}", tuple(conditions))
        raise AssertionError("the rulebook guarantees an open last band")


@dataclass(frozen=True, slots=True)
class _LowerBand:
    code: str
    above: float | None
    upper: float | None     # the previous band's `above`: this band reaches up to it
    text_tails: list[str]   # what follows "<metric> <ratio>" in the text, one per condition


class LowerBandTable:
    """Ratio bands (`above` exclusive, descending, the last one open), ready to classify."""

    def __init__(self, bands: LowerBands, metric: str | None = None) -> None:
        self.metric = metric or bands.metric
        self._bands: list[_LowerBand] = []
        upper: float | None = None
        for band in bands.bands:
            tails = []
            if band.above is not None:
                tails.append(f" > {num(band.above)}")
            if upper is not None:
                tails.append(f" ≤ {num(upper)}")
            self._bands.append(_LowerBand(band.code, band.above, upper, tails))
            upper = band.above

    def classify(self, ratio: float, detail: str = "") -> Reason:
        """The first band whose exclusive `above` the ratio exceeds; `detail` is added to the text."""
        for band in self._bands:
            if band.above is None or ratio > band.above:
                conditions: list[Condition] = []
                if band.above is not None:
                    conditions.append(condition(self.metric, ratio, ">", band.above))
                if band.upper is not None:
                    conditions.append(condition(self.metric, ratio, "<=", band.upper))
                shown = f"{self.metric} {num(ratio)}"
                tails = band.text_tails
                if len(tails) == 1:
                    text = f"{band.code}: {shown}{tails[0]}"
                else:
                    text = f"{band.code}: " + " and ".join([shown + tail for tail in tails])
                return reason(band.code, "rule", f"{text} ({detail})" if detail else text, tuple(conditions))
        raise AssertionError("the rulebook guarantees an open last band")


@dataclass(frozen=True, slots=True)
class _Minimum:
    metric: Metric
    position: int  # of the metric's value in `LoyaltyTable.classify`'s (months, per month, orders)
    threshold: Number
    met_tail: str     # what follows the value when the minimum is met ...
    missed_tail: str  # ... and when it is missed


@dataclass(frozen=True, slots=True)
class _Tier:
    code: str
    minimums: list[_Minimum]

    def met(self, shown: tuple[Number, ...], missed: list[str]) -> Reason:
        parts = []
        conditions = []
        for m in self.minimums:
            value = shown[m.position]
            parts.append(f"{m.metric} {num(value)}{m.met_tail}")
            conditions.append(condition(m.metric, value, ">=", m.threshold))
        text = f"{self.code}: {' and '.join(parts) or 'no better tier applies'}"
        if missed:
            text += "; " + "; ".join(missed)
        return reason(self.code, "rule", text, tuple(conditions))

    def missed(self, shown: tuple[Number, ...], actual: tuple[Number, ...]) -> str:
        """Why the tier was missed: its first minimum that reads as missed at two decimals.

        When two decimals round the missed value up to its threshold (0.9992 orders a month against 1), the
        value is shown with four decimals instead, so that the text still reads as a miss.
        """
        for m in self.minimums:
            if shown[m.position] < m.threshold:
                return f"not {self.code}: {m.metric} {num(shown[m.position])}{m.missed_tail}"
        m = next(m for m in self.minimums if actual[m.position] < m.threshold)
        return f"not {self.code}: {m.metric} {actual[m.position]:.4f}{m.missed_tail}"


def _tier(tier: LoyaltyTier) -> _Tier:
    stated: list[tuple[Metric, Number | None]] = [
        ("membershipMonths", tier.min_months), ("ordersPerMonth", tier.min_orders_per_month),
        ("orderCount", tier.min_orders),
    ]
    return _Tier(tier.code, [
        _Minimum(metric, position, threshold, f" ≥ {num(threshold)}", f" < {num(threshold)}")
        for position, (metric, threshold) in enumerate(stated) if threshold is not None
    ])


class LoyaltyTable:
    """Loyalty tiers, best first (the last one states no minimum), ready to classify."""

    def __init__(self, tiers: list[LoyaltyTier]) -> None:
        self._tiers = [_tier(tier) for tier in tiers]

    def classify(self, months: float, per_month: float, orders: int) -> Reason:
        """The best tier whose every minimum is met; the text also says why each better tier was missed."""
        actual = (months, per_month, orders)
        # Conditions and texts show rates to two decimals; the comparisons use the exact values.
        shown = (round(months, 2), round(per_month, 2), orders)
        missed: list[str] = []
        for tier in self._tiers:
            for minimum in tier.minimums:
                if actual[minimum.position] < minimum.threshold:
                    missed.append(tier.missed(shown, actual))
                    break
            else:
                return tier.met(shown, missed)
        raise AssertionError("the rulebook guarantees an unconditional last tier")


def by_upper_bands(bands: UpperBands, value: int, metric: str | None = None) -> Reason:
    """The first band whose inclusive `max` the value does not exceed.

    Examples:
        >>> from rules.rulebook import default_rulebook
        >>> by_upper_bands(default_rulebook().churn, 74).text
        'Riskli: lastPurchaseDaysAgo 74 > 60'
    """
    return UpperBandTable(bands, metric).classify(value)


def by_lower_bands(bands: LowerBands, ratio: float, metric: str | None = None, detail: str = "") -> Reason:
    """The first band whose exclusive `above` the ratio exceeds.

    Examples:
        >>> from rules.rulebook import default_rulebook
        >>> by_lower_bands(default_rulebook().diversity, 6 / 17).text
        'Sadık: distinctProducts / orderCount 0.35 ≤ 0.4'
    """
    return LowerBandTable(bands, metric).classify(ratio, detail)


def by_loyalty_tiers(tiers: list[LoyaltyTier], months: float, per_month: float, orders: int) -> Reason:
    """The best tier whose every minimum is met; the text also says why each better tier was missed.

    Examples:
        >>> from rules.rulebook import default_rulebook
        >>> by_loyalty_tiers(default_rulebook().loyalty.tiers, 23.3, 17 / 23.3, 17).text
        'Gümüş: orderCount 17 ≥ 3; not Platin: ordersPerMonth 0.73 < 2; not Altın: ordersPerMonth 0.73 < 1'
    """
    return LoyaltyTable(tiers).classify(months, per_month, orders)


def _shared(classify: Callable[_Args, Reason]) -> Callable[_Args, Reason]:
    """`classify`, returning one Reason shared by every call with the same arguments."""
    return cast(Callable[_Args, Reason], lru_cache(maxsize=_SHARED_REASONS_PER_DIMENSION)(classify))


class Classifiers:
    """One rulebook's classifiers.

    Reasons that depend on a few whole numbers only (age, days since the last purchase, distinct products and
    orders, the top category's orders) come back as shared `Reason` objects. The value and loyalty reasons,
    which differ from customer to customer (a money ratio; membership days with orders), are built per call.
    """

    def __init__(self, rules: Rulebook) -> None:
        self.rules = rules
        self._value = LowerBandTable(rules.value)
        self._affinity = LowerBandTable(rules.affinity)
        self._diversity = LowerBandTable(rules.diversity)
        self._loyalty = LoyaltyTable(rules.loyalty.tiers)
        self.age = _shared(UpperBandTable(rules.age).classify)
        self.churn = _shared(UpperBandTable(rules.churn).classify)
        self.diversity = _shared(self._diversity_of)
        self.affinity_type = _shared(self._affinity_type_of)

    def value(self, ratio: float, detail: str) -> Reason:
        """The value segment of avgBasket / medianBasket."""
        return self._value.classify(ratio, detail)

    def loyalty(self, membership_days: int, orders: int) -> Reason:
        """The loyalty tier of a membership and its orders (months = days / days_per_month)."""
        months = membership_days / self.rules.days_per_month
        per_month = orders / max(months, self.rules.min_months_for_rates)
        return self._loyalty.classify(months, per_month, orders)

    def _diversity_of(self, distinct: int, orders: int) -> Reason:
        return self._diversity.classify(distinct / orders, f"{distinct} distinct products over {orders} orders")

    def _affinity_type_of(self, category: str, category_orders: int, orders: int) -> Reason:
        return self._affinity.classify(category_orders / orders, f"{category}: {category_orders} of {orders} orders")


_PREPARED: dict[int, Classifiers] = {}


def classifiers(rules: Rulebook) -> Classifiers:
    """The classifiers of a rulebook, prepared on its first use.

    Keyed by identity: a rulebook is frozen, and the entry keeps it alive, so that its id is not reused.
    """
    found = _PREPARED.get(id(rules))
    if found is None:
        if len(_PREPARED) >= _RULEBOOKS_PREPARED:  # rulebooks besides the bundled one are rare (tests, what-ifs)
            _PREPARED.clear()
        found = _PREPARED[id(rules)] = Classifiers(rules)
    return found
