"""Which region a request is about, and where its median basket comes from.

A request's own region object wins; fields it leaves out are filled from the reference table by name.
With no region object, the customer's region name or city (any of the 81 provinces) finds the region.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    given = data.region
    customer = data.customer
    city = data.city or (customer.city if customer else None)
    if given is not None:
        ref = region_by_name(given.name)
        median = given.median_basket if given.median_basket is not None else (ref and ref.median_basket)
        source: MedianSource | None = None
        if given.median_basket is not None:
            source = given.median_basket_source
        elif ref is not None:
            source = "reference"
        return ResolvedRegion(
            name=given.name,
            climate_type=given.climate_type or (ref.climate_type if ref else None),
            median_basket=median or None,
            trend=given.trend or (ref.trend if ref else None),
            median_source=source,
            how="region object of the request",
        )
    if customer is not None and customer.region:
        name, how = customer.region, "customer.region"
    elif city and (province := province_region(city)):
        name, how = province, f"province of city {city}"
    else:
        return ResolvedRegion(None, None, None, None, None, "no region object, region name or known city")
    ref = region_by_name(name)
    if ref is None:
        return ResolvedRegion(name, None, None, None, None, f"{how}; not in the reference table")
    return ResolvedRegion(ref.name, ref.climate_type, ref.median_basket, ref.trend, "reference", how)
