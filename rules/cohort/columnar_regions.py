"""Each customer's region, resolved once per distinct (region name, city) by the scalar engine's own resolver.

Customers are grouped by the text that decides their region (their region name, else their city); each group
is resolved by `rules.regions.resolve_region`, so the batch and the single-customer paths cannot disagree.
Regions that the reference table does not know get the cohort's own median basket: the median avgBasket of
the cohort's customers with purchases in that region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_numbers import BoolArray, FloatArray, IntArray
from rules.cohort.columnar_text import TEXT
from rules.models.request import CUSTOMER_DATA
from rules.reference import region_by_name
from rules.regions import ResolvedRegion, resolve_region
from rules.segments import num, unknown
from rules.text import fold

_SOURCE_WORDS = {"request": "the request", "reference": "the reference table",
                 "cohort": "this cohort's own median, as the region is not in the reference table"}


@dataclass(frozen=True)
class RegionTable:
    """Per region group: what the analysis says about the region. `group[c]` is customer c's group."""

    group: IntArray
    name: pa.Array
    climate_type: pa.Array
    median: FloatArray
    source: pa.Array
    trend: pa.Array
    trend_basis: pa.Array
    trend_text: pa.Array
    value_unknown_text: pa.Array
    value_detail_tail: pa.Array
    warning: pa.Array

    @property
    def has_median(self) -> BoolArray:
        return ~np.isnan(self.median)


def region_codes(values: pa.Array) -> tuple[IntArray, list[str]]:
    """Region (or city) names as codes (-1 for null) into their distinct names."""
    encoded = pc.dictionary_encode(values)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def cohort_medians(
    region_codes: IntArray, names: list[str], has_history: BoolArray, avg_basket: FloatArray
) -> dict[int, float]:
    """Region code → the median avgBasket (rounded, as reported) of its customers with purchases.

    Only regions not in the reference table, and only positive medians (a median basket must be positive).
    Spellings of one name ("Atlantis", "ATLANTIS") are one region, as they are for the reference regions.
    """
    keys: dict[str, int] = {}
    key_of = np.array([keys.setdefault(fold(name), len(keys)) for name in names] + [-1], dtype=np.int64)
    foreign = np.array([region_by_name(name) is None for name in names] + [False], dtype=np.bool_)
    chosen = np.flatnonzero(has_history & foreign[region_codes])
    if len(chosen) == 0:
        return {}
    codes = key_of[region_codes[chosen]]
    order = np.lexsort((avg_basket[chosen], codes))
    codes, values = codes[order], avg_basket[chosen][order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.append(starts, len(codes)))
    low = values[starts + (sizes - 1) // 2]
    high = values[starts + sizes // 2]
    medians = (low + high) / 2.0
    by_key = {int(key): float(m) for key, m in zip(codes[starts], medians, strict=True) if m > 0}
    return {code: by_key[int(key)] for code, key in enumerate(key_of[:-1]) if int(key) in by_key}


def resolve_regions(
    regions: tuple[IntArray, list[str]], cities: tuple[IntArray, list[str]], has_history: BoolArray,
    avg_basket: FloatArray
) -> tuple[RegionTable, dict[str, float]]:
    """Every customer's resolved region, and the cohort medians used for regions outside the reference.

    Args:
        regions: each customer's region name (trimmed; null when unknown), as `region_codes` gives them.
        cities: each customer's city (trimmed; null when unknown), the same way.
        has_history: customers with purchases (only they have an avgBasket).
        avg_basket: each customer's avgBasket, rounded to cents as reported.
    """
    (codes_of_regions, region_names), (city_codes, city_names) = regions, cities
    medians = cohort_medians(np.where(codes_of_regions >= 0, codes_of_regions, len(region_names)), region_names,
                             has_history, avg_basket)
    requests: list[dict[str, Any]] = []
    for code, name in enumerate(region_names):
        request: dict[str, Any] = {"customer": {"region": name}}
        if code in medians:
            request["region"] = {"name": name, "medianBasket": medians[code], "medianBasketSource": "cohort"}
        requests.append(request)
    requests += [{"city": name, "customer": {"city": name}} for name in city_names]
    requests.append({"customer": {}})
    resolved = [resolve_region(CUSTOMER_DATA.validate_python(r)) for r in requests]
    group = np.where(codes_of_regions >= 0, codes_of_regions,
                     np.where(city_codes >= 0, len(region_names) + city_codes, len(requests) - 1))
    table = _table(group, resolved)
    return table, {region_names[code]: median for code, median in medians.items()}


def _table(group: IntArray, resolved: list[ResolvedRegion]) -> RegionTable:
    def texts(values: list[str | None]) -> pa.Array:
        return pa.array(values, TEXT)

    trend_reasons = [
        unknown(f"no trend for the region ({r.name})") if r.trend is None else None for r in resolved
    ]
    return RegionTable(
        group=group,
        name=texts([r.name for r in resolved]),
        climate_type=texts([r.climate_type for r in resolved]),
        median=np.array([r.median_basket or np.nan for r in resolved], dtype=np.float64),
        source=texts([r.median_source for r in resolved]),
        trend=texts([r.trend for r in resolved]),
        trend_basis=texts(["unknown" if t else "default" for t in trend_reasons]),
        trend_text=texts([t.text if t else f"{r.trend}: trend of region {r.name}"
                          for t, r in zip(trend_reasons, resolved, strict=True)]),
        value_unknown_text=texts([unknown(f"no median basket for the region ({r.name or r.how})").text
                                  for r in resolved]),
        value_detail_tail=texts([
            f" vs median basket {num(r.median_basket)} of {r.name}, "
            f"from {_SOURCE_WORDS[r.median_source or 'request']})" if r.median_basket else None
            for r in resolved
        ]),
        warning=texts([None if r.median_basket is not None else
                       f"region unresolved or without a median basket ({r.how}): no median for valueSegment"
                       for r in resolved]),
    )
