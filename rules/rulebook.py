"""The rulebook: segment definitions as data, loaded from `rulebook.toml` and validated on load.

Every threshold, segment code, English display name and chart colour lives in the TOML file. This module
only gives that data a checked, typed shape; the engine reads thresholds from it and nowhere else.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.models.request import MAX_BUDGET_FACTOR

RULEBOOK_PATH = Path(__file__).with_name("rulebook.toml")

_HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Segment(_Frozen):
    """One segment value: its contract code, English display name and chart colour."""

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    color: str = Field(pattern=_HEX_COLOUR)


class UpperBand(Segment):
    """A band of an integer metric: applies while the value is at most `max` (the last band is open)."""

    max: int | None = None


class LowerBand(Segment):
    """A band of a ratio: applies when the ratio is strictly above `above` (the last band is open)."""

    above: float | None = None


class LoyaltyTier(Segment):
    """A loyalty tier: applies when every minimum it states is met (the last tier states none)."""

    min_months: float | None = None
    min_orders_per_month: float | None = None
    min_orders: int | None = None


def _check_codes_unique(segments: list[UpperBand] | list[LowerBand] | list[LoyaltyTier], where: str) -> None:
    codes = [s.code for s in segments]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{where}: duplicate segment codes {codes}")


class UpperBands(_Frozen):
    """Integer bands in ascending order of `max`."""

    metric: str
    bands: list[UpperBand] = Field(min_length=2)

    @model_validator(mode="after")
    def _ascending_and_open_ended(self) -> Self:
        _check_codes_unique(self.bands, self.metric)
        *closed, last = self.bands
        if last.max is not None or any(b.max is None for b in closed):
            raise ValueError(f"{self.metric}: only the last band may (and must) have no max")
        maxima = [b.max for b in closed if b.max is not None]
        if maxima != sorted(set(maxima)):
            raise ValueError(f"{self.metric}: band maxima must strictly ascend, got {maxima}")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(b.code for b in self.bands)


class LowerBands(_Frozen):
    """Ratio bands in descending order of `above`."""

    metric: str
    bands: list[LowerBand] = Field(min_length=2)

    @model_validator(mode="after")
    def _descending_and_open_ended(self) -> Self:
        _check_codes_unique(self.bands, self.metric)
        *closed, last = self.bands
        if last.above is not None or any(b.above is None for b in closed):
            raise ValueError(f"{self.metric}: only the last band may (and must) have no 'above'")
        thresholds = [b.above for b in closed if b.above is not None]
        if thresholds != sorted(set(thresholds), reverse=True):
            raise ValueError(f"{self.metric}: band thresholds must strictly descend, got {thresholds}")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(b.code for b in self.bands)


class Loyalty(_Frozen):
    """Loyalty tiers, best first."""

    tiers: list[LoyaltyTier] = Field(min_length=2)

    @model_validator(mode="after")
    def _last_tier_unconditional(self) -> Self:
        _check_codes_unique(self.tiers, "loyalty")
        last = self.tiers[-1]
        if (last.min_months, last.min_orders_per_month, last.min_orders) != (None, None, None):
            raise ValueError("loyalty: the last tier is the fallback and must state no minimum")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.tiers)


class MissingRegulars(_Frozen):
    max_avg_days_between: float = Field(gt=0)
    overdue_factor: float = Field(ge=1.0)


class NewCustomerDefaults(_Frozen):
    last_purchase_days_ago: int
    churn: str
    value: str
    loyalty: str
    affinity: str
    diversity: str
    message: str


class RegionProfileDefaults(_Frozen):
    age: str
    churn: str
    value: str
    loyalty: str
    affinity: str
    diversity: str
    last_purchase_days_ago: int
    monthly_spend_median_multiple: float = Field(ge=0)
    message: str


class RegularDefaults(_Frozen):
    message: str


class Rulebook(_Frozen):
    """The validated rulebook."""

    version: str = Field(min_length=1)
    currency: str
    days_per_month: int = Field(gt=0)
    min_months_for_rates: float = Field(gt=0)
    budget_factor: float = Field(gt=0, le=MAX_BUDGET_FACTOR)
    top_products: int = Field(ge=1)
    age: UpperBands
    churn: UpperBands
    value: LowerBands
    affinity: LowerBands
    diversity: LowerBands
    loyalty: Loyalty
    missing_regulars: MissingRegulars
    new_customer: NewCustomerDefaults
    region_profile: RegionProfileDefaults
    regular: RegularDefaults

    @model_validator(mode="after")
    def _defaults_are_known_codes(self) -> Self:
        checks = {
            "new_customer.churn": (self.new_customer.churn, self.churn.codes),
            "new_customer.value": (self.new_customer.value, self.value.codes),
            "new_customer.loyalty": (self.new_customer.loyalty, self.loyalty.codes),
            "new_customer.affinity": (self.new_customer.affinity, self.affinity.codes),
            "new_customer.diversity": (self.new_customer.diversity, self.diversity.codes),
            "region_profile.age": (self.region_profile.age, self.age.codes),
            "region_profile.churn": (self.region_profile.churn, self.churn.codes),
            "region_profile.value": (self.region_profile.value, self.value.codes),
            "region_profile.loyalty": (self.region_profile.loyalty, self.loyalty.codes),
            "region_profile.affinity": (self.region_profile.affinity, self.affinity.codes),
            "region_profile.diversity": (self.region_profile.diversity, self.diversity.codes),
        }
        unknown = [f"{where}={code!r}" for where, (code, known) in checks.items() if code not in known]
        if unknown:
            raise ValueError(f"defaults name codes the rulebook does not define: {', '.join(unknown)}")
        # Charts colour each segment value the same everywhere, so no two values may share a colour.
        colours = [s.color.lower() for segments in self.dimensions.values() for s in segments]
        if len(set(colours)) != len(colours):
            shared = sorted({c for c in colours if colours.count(c) > 1})
            raise ValueError(f"segment colours must be unique, shared: {shared}")
        return self

    @property
    def dimensions(self) -> dict[str, tuple[Segment, ...]]:
        """Segment dimension name → its segments, in rulebook order (as the analysis names them)."""
        return {
            "ageSegment": tuple(self.age.bands),
            "churnSegment": tuple(self.churn.bands),
            "valueSegment": tuple(self.value.bands),
            "loyaltyTier": tuple(self.loyalty.tiers),
            "affinityType": tuple(self.affinity.bands),
            "diversityProfile": tuple(self.diversity.bands),
        }

    def segment(self, code: str) -> Segment:
        """Look a segment up by its code.

        Raises:
            KeyError: the code is not in the rulebook.
        """
        for segments in self.dimensions.values():
            for seg in segments:
                if seg.code == code:
                    return seg
        raise KeyError(code)

    def display_name(self, code: str) -> str:
        """The code with its English name, e.g. ``"Riskli — at risk"``."""
        return f"{code} — {self.segment(code).name}"


def load_rulebook(path: Path | str) -> Rulebook:
    """Read and validate a rulebook file.

    Args:
        path: a TOML file in the shape of the bundled `rulebook.toml`.

    Raises:
        pydantic.ValidationError: the file is not a valid rulebook.
    """
    with Path(path).open("rb") as fh:
        return Rulebook.model_validate(tomllib.load(fh))


@cache
def default_rulebook() -> Rulebook:
    """The bundled rulebook, loaded once per process."""
    return load_rulebook(RULEBOOK_PATH)
