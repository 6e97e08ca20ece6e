"""Turkey's 81 provinces and the geographic region each belongs to."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from rules.text import fold

_DATA = Path(__file__).with_name("data") / "provinces.json"


@cache
def provinces() -> dict[str, str]:
    """Province name (official spelling) → region name."""
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return {province: region for region, names in raw["regions"].items() for province in names}


@cache
def _by_key() -> dict[str, str]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    keys = {fold(province): region for province, region in provinces().items()}
    keys.update({fold(alias): provinces()[official] for alias, official in raw["aliases"].items()})
    return keys


def province_region(city: str) -> str | None:
    """The region of a province, spelled with or without Turkish letters; None when unknown.

    Examples:
        >>> province_region("Sanliurfa"), province_region("İzmir"), province_region("Atlantis")
        ('Güneydoğu Anadolu', 'Ege', None)
    """
    return _by_key().get(fold(city))
