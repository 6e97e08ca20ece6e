"""The seed's seven regions, with their reference median baskets (TRY), found by any of their names."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

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
def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(_DATA.read_text(encoding="utf-8"))
    return raw


@cache
def reference_regions() -> tuple[ReferenceRegion, ...]:
    """The reference regions, in the seed's order."""
    return tuple(ReferenceRegion.model_validate(r) for r in _raw()["regions"])


def region_key(name: str) -> str:
    """The key a region name is looked up by: folded, without a trailing "Bölgesi" or "Region", with only its
    letters and digits (so "Güney Doğu Anadolu Bölgesi" and "Güneydoğu Anadolu" are one key).

    Examples:
        >>> region_key("Güney Doğu Anadolu Bölgesi") == region_key("GUNEYDOGU ANADOLU") == "guneydoguanadolu"
        True
    """
    words = fold(name).split()
    if len(words) > 1 and words[-1] in _suffixes():
        words = words[:-1]
    return re.sub(r"[^a-z0-9]", "", "".join(words))


@cache
def _suffixes() -> frozenset[str]:
    return frozenset(fold(suffix) for suffix in _raw()["nameSuffixes"])


@cache
def _by_key() -> dict[str, ReferenceRegion]:
    regions = {r.name: r for r in reference_regions()}
    keys = {region_key(alias): regions[official] for alias, official in _raw()["aliases"].items()}
    keys.update({region_key(r.name): r for r in reference_regions()})
    return keys


def region_by_name(name: str) -> ReferenceRegion | None:
    """Find a reference region by name, whatever its spelling or spacing, also by its English name or with
    "Bölgesi" / "Region" after it ("Ic Anadolu", "Central Anatolia" and "İç Anadolu Bölgesi" find "İç Anadolu").
    """
    return _by_key().get(region_key(name))
