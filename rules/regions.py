"""Which region a request is about, and where its median basket comes from.

A request's own region object wins; fields it leaves out are filled from the reference table by name.
With no region object, the customer's region name or city (any of the 81 provinces) finds the region.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rules.models.request import CustomerData
from rules.reference import province_region, region_by_name

MedianSource = Literal["request", "reference", "cohort"]


@dataclass(frozen=True, slots=True)
class ResolvedRegion:
    """The region an analysis uses. Any field may be unknown (None)."""

    name: str | None
    climate_type: str | None
    median_basket: float | None
    trend: str | None
    median_source: MedianSource | None
    how: str


def resolve_region(data: CustomerData) -> ResolvedRegion:
    """Resolve the region of a request: request object, then customer's region, then city."""
    given = data.get("region")
    customer = data.get("customer")
    if given is not None:
        return _from_region_object(given["name"], given.get("climateType"), given.get("medianBasket"),
                                   given.get("trend"), given.get("medianBasketSource", "request"))
    if customer is not None and customer.get("region"):
        return _from_name(customer["region"], "customer.region")
    city = data.get("city") or (customer.get("city") if customer else None)
    return _from_city(city) if city else _UNRESOLVED


# Resolving folds names for the reference lookups (Unicode normalisation), which costs more than the rest of
# an analysis' rules. The same few regions and cities come back customer after customer, the reference tables
# never change and a ResolvedRegion is frozen, so each resolution is computed once and shared.


@lru_cache(maxsize=4096)
def _from_region_object(
    name: str, climate_type: str | None, median_basket: float | None, trend: str | None, source: MedianSource,
) -> ResolvedRegion:
    ref = region_by_name(name)
    median = median_basket if median_basket is not None else (ref and ref.median_basket)
    median_source: MedianSource | None = None
    if median_basket is not None:
        median_source = source
    elif ref is not None:
        median_source = "reference"
    return ResolvedRegion(
        name=name,
        climate_type=climate_type or (ref.climate_type if ref else None),
        median_basket=median or None,
        trend=trend or (ref.trend if ref else None),
        median_source=median_source,
        how="region object of the request",
    )


@lru_cache(maxsize=4096)
def _from_city(city: str) -> ResolvedRegion:
    province = province_region(city)
    return _from_name(province, f"province of city {city}") if province else _UNRESOLVED


@lru_cache(maxsize=4096)
def _from_name(name: str, how: str) -> ResolvedRegion:
    ref = region_by_name(name)
    if ref is None:
        return ResolvedRegion(name, None, None, None, None, f"{how}; not in the reference table")
    return ResolvedRegion(ref.name, ref.climate_type, ref.median_basket, ref.trend, "reference", how)


_UNRESOLVED = ResolvedRegion(None, None, None, None, None, "no region object, region name or known city")
