"""Region resolution: each distinct region object, region name or city resolves on its own values."""

from __future__ import annotations

from typing import Any

from rules.models.request import CUSTOMER_DATA
from rules.regions import ResolvedRegion, resolve_region


def resolved(payload: dict[str, Any]) -> ResolvedRegion:
    return resolve_region(CUSTOMER_DATA.validate_python(payload))


def test_region_objects_with_the_same_name_keep_their_own_values() -> None:
    first = resolved({"region": {"name": "Marmara", "medianBasket": 75.0, "trend": "MAKEUP"}})
    second = resolved({"region": {"name": "Marmara", "medianBasket": 80.0, "medianBasketSource": "cohort"}})
    bare = resolved({"region": {"name": "Marmara"}})

    assert first == ResolvedRegion("Marmara", "Metropol", 75.0, "MAKEUP", "request", "region object of the request")
    assert second == ResolvedRegion("Marmara", "Metropol", 80.0, "SKINCARE", "cohort", "region object of the request")
    assert bare == ResolvedRegion("Marmara", "Metropol", 85.0, "SKINCARE", "reference", "region object of the request")


def test_customer_region_then_city_then_nothing() -> None:
    assert resolved({"customer": {"region": "Ege", "city": "Van"}}) == ResolvedRegion(
        "Ege", "Sıcak-Nemli", 65.0, "SKINCARE", "reference", "customer.region")
    assert resolved({"city": "Van"}) == ResolvedRegion(
        "Doğu Anadolu", "Soğuk", 45.0, "SKINCARE", "reference", "province of city Van")
    assert resolved({"customer": {"region": "Narnia"}}) == ResolvedRegion(
        "Narnia", None, None, None, None, "customer.region; not in the reference table")
    assert resolved({"city": "Atlantis"}) == ResolvedRegion(
        None, None, None, None, None, "no region object, region name or known city")
