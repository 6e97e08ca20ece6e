"""The seed's seven regions, with their reference median baskets (TRY)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from rules.text import fold

_DATA = Path(__file__).with_name("data") / "regions.json"


class ReferenceRegion(BaseModel):
    """One region of the reference table."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    name: str
    climate_type: str = Field(alias="climateType")
    median_basket: float = Field(alias="medianBasket", gt=0)
    trend: str
    seasonal_needs: dict[str, list[str]] = Field(default_factory=dict, alias="seasonalNeeds")
    cities: list[str] = Field(default_factory=list)


@cache
def reference_regions() -> tuple[ReferenceRegion, ...]:
    """The reference regions, in the seed's order."""
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(ReferenceRegion.model_validate(r) for r in raw["regions"])


@cache
def _by_key() -> dict[str, ReferenceRegion]:
    return {fold(r.name): r for r in reference_regions()}


def region_by_name(name: str) -> ReferenceRegion | None:
    """Find a reference region by name, whatever its spelling ("Ic Anadolu" finds "İç Anadolu")."""
    return _by_key().get(fold(name))
