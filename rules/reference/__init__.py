"""Reference data that ships with the package: regions, provinces and a product catalog."""

from rules.reference.products import Product, product_catalog
from rules.reference.provinces import province_region, provinces
from rules.reference.regions import ReferenceRegion, reference_regions, region_by_name

__all__ = [
    "Product",
    "ReferenceRegion",
    "product_catalog",
    "province_region",
    "provinces",
    "reference_regions",
    "region_by_name",
]
