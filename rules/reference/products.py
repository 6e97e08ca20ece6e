"""A product catalog, so that product ids can be shown with their names."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

_DATA = Path(__file__).with_name("data") / "products.json"


class Product(BaseModel):
    """A catalog entry; only the fields the analysis (and the generator: the price) uses are kept."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    product_id: str = Field(alias="productId")
    product_name: str = Field(alias="productName")
    category: str
    unit_price: float | None = Field(alias="unitPrice", default=None)


@cache
def product_catalog() -> dict[str, Product]:
    """Product id → product, from the bundled sample catalog (the seed's products.json)."""
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return {p["productId"]: Product.model_validate(p) for p in raw}
