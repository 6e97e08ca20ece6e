"""Reference data: regions, provinces and products, and how a request's region is resolved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules import analyze_customer
from rules.reference import product_catalog, province_region, provinces, reference_regions, region_by_name
from rules.reference.regions import region_key
from tests.conftest import SEED
from tests.rules.payloads import AS_OF, customer, line


def test_seed_regions_ship_with_their_values() -> None:
    seed = json.loads((SEED / "mock-data" / "regions.json").read_text(encoding="utf-8"))["regions"]

    assert [(r.name, r.median_basket, r.trend) for r in reference_regions()] == [
        (r["name"], r["medianBasket"], r["trend"]) for r in seed
    ]


def test_81_provinces_in_7_regions() -> None:
    table = provinces()

    assert len(table) == 81
    assert set(table.values()) == {r.name for r in reference_regions()}


@pytest.mark.parametrize(
    ("city", "region"),
    [("İzmir", "Ege"), ("Izmir", "Ege"), ("IZMIR", "Ege"), ("Şanlıurfa", "Güneydoğu Anadolu"),
     ("Sanliurfa", "Güneydoğu Anadolu"), ("istanbul", "Marmara"), ("Iğdır", "Doğu Anadolu"),
     ("Igdir", "Doğu Anadolu"), ("Çorum", "Karadeniz"), ("Corum", "Karadeniz"), ("Afyon", "Ege")],
)
def test_province_spellings(city: str, region: str) -> None:
    assert province_region(city) == region


@pytest.mark.parametrize(
    ("name", "region"),
    [("Marmara Bölgesi", "Marmara"), ("MARMARA REGION", "Marmara"), ("Aegean", "Ege"), ("Ege Bölgesi", "Ege"),
     ("Central Anatolia", "İç Anadolu"), ("Iç Anadolu Bölgesi", "İç Anadolu"), ("Mediterranean", "Akdeniz"),
     ("Black Sea Region", "Karadeniz"), ("Eastern Anatolia", "Doğu Anadolu"),
     ("Güney Doğu Anadolu", "Güneydoğu Anadolu"),
     ("Southeastern Anatolia", "Güneydoğu Anadolu"), ("Güneydoğu-Anadolu", "Güneydoğu Anadolu"), ("Turkey", None),
     ("Bölgesi", None), ("Region", None)],
)
def test_regions_are_found_by_their_other_names(name: str, region: str | None) -> None:
    found = region_by_name(name)

    assert (found.name if found else None) == region


def test_no_two_regions_share_a_key() -> None:
    regions = json.loads((Path(__file__).parents[2] / "rules" / "reference" / "data" / "regions.json").read_text(
        encoding="utf-8"))
    keys = {region_key(r.name) for r in reference_regions()} | {region_key(a) for a in regions["aliases"]}

    assert len(keys) == len(reference_regions()) + len(regions["aliases"])


def test_an_english_region_name_gives_the_analysis_of_the_region() -> None:
    payload = customer([line(spent=70.0)])
    del payload["region"]
    payload["customer"]["region"] = "Aegean Region"

    analysis = analyze_customer(payload, AS_OF)
    assert (analysis.region, analysis.median_basket, analysis.median_basket_source) == ("Ege", 65.0, "reference")


def test_catalog_has_the_seed_products() -> None:
    assert product_catalog()["P-1002"].product_name == "Full Blast Mascara"


def test_city_without_region_resolves_through_the_reference() -> None:
    payload = customer([line(spent=90.0)])
    del payload["region"]
    payload["city"] = payload["customer"]["city"] = "Sanliurfa"

    analysis = analyze_customer(payload, AS_OF)
    assert (analysis.region, analysis.median_basket, analysis.median_basket_source) == (
        "Güneydoğu Anadolu", 50.0, "reference")
    assert analysis.value_segment == "HighValue"


def test_request_region_wins_and_missing_fields_come_from_reference() -> None:
    payload = customer([line(spent=80.0)])
    payload["region"] = {"name": "Marmara", "medianBasket": 75.0}

    analysis = analyze_customer(payload, AS_OF)
    assert (analysis.median_basket, analysis.median_basket_source, analysis.climate_type) == (
        75.0, "request", "Metropol")


def test_unknown_region_makes_value_unknown_not_guessed() -> None:
    payload = customer()
    payload["region"] = {"name": "Narnia"}

    analysis = analyze_customer(payload, AS_OF)
    assert analysis.value_segment is None
    assert analysis.reasons["valueSegment"].basis == "unknown"
    assert any(w.endswith(": no median for valueSegment") for w in analysis.warnings)


def test_missing_age_gives_unknown_age_segment() -> None:
    analysis = analyze_customer(customer(age=None), AS_OF)

    assert analysis.age_segment is None
    assert analysis.reasons["ageSegment"].text == "unknown: age is missing"


def test_missing_signup_falls_back_to_first_purchase_with_a_warning() -> None:
    payload = customer([line(days_ago=5, first_days_ago=100)])
    del payload["customer"]["registeredAt"]

    analysis = analyze_customer(payload, AS_OF)
    assert analysis.membership_days == 100
    assert analysis.warnings == ("registeredAt is missing: membership counted from the first purchase 2025-11-04",)


def test_order_level_lines_make_product_fields_unknown() -> None:
    order_level = {k: v for k, v in line(spent=120.0, orders=3).items() if k not in {"productId", "category"}}
    analysis = analyze_customer(customer([order_level]), AS_OF)

    assert (analysis.order_count, analysis.total_spent, analysis.avg_basket) == (3, 120.0, 40.0)
    assert analysis.top_products is None
    assert analysis.missing_regulars is None
    assert analysis.affinity_type is None
    assert analysis.diversity_profile is None
    assert analysis.churn_segment == "Aktif"
