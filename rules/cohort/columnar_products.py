"""Top products and missing regulars for every customer, as Arrow list columns built from flat arrays.

Each list is one slice of a flat struct array: the lines are ordered once for the whole cohort (customer,
then the scalar engine's sort key), cut with offsets, and never touched one customer at a time.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_input import LineColumns
from rules.cohort.columnar_metrics import ProductLines
from rules.cohort.columnar_text import TEXT, BoolArray, FloatArray, IntArray, money, seed_datetime_texts
from rules.reference import product_catalog
from rules.rulebook import Rulebook

DAY_TEXT = pa.dictionary(pa.int32(), TEXT)
TOP_PRODUCT = pa.struct([
    ("productId", TEXT), ("totalQuantity", pa.int64()), ("totalSpent", pa.float64()), ("lastBought", DAY_TEXT),
    ("productName", TEXT), ("category", TEXT),
])
MISSING_REGULAR = pa.struct([
    ("productId", TEXT), ("productName", TEXT), ("category", TEXT), ("avgDaysBetween", pa.float64()),
    ("daysSinceLastPurchase", pa.int64()), ("daysOverdue", pa.float64()), ("lastBought", DAY_TEXT),
])


def _with_catalog(ids: pa.Array, names: pa.Array, categories: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Names and categories the data leaves out, from the bundled catalog (as the scalar engine does)."""
    if not names.null_count and not categories.null_count:
        return names, categories
    catalog = product_catalog()
    known_ids = pa.array(list(catalog), TEXT)
    found = pc.index_in(ids, value_set=known_ids)
    catalog_names = pa.array([p.product_name for p in catalog.values()], TEXT).take(found)
    catalog_categories = pa.array([p.category for p in catalog.values()], TEXT).take(found)
    return pc.coalesce(names, catalog_names), pc.coalesce(categories, catalog_categories)


def _lists(values: pa.StructArray, owner: IntArray, count: int, unknown: BoolArray) -> pa.Array:
    """Per customer, the slice of `values` it owns (`owner` ascending); null where `unknown`."""
    sizes = np.bincount(owner, minlength=count)
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(unknown))


def _ordered(customer: IntArray, key: FloatArray, id_rank: IntArray) -> IntArray:
    """Stable order by customer, then `key` descending, then product id."""
    table = pa.table({"customer": customer, "key": key, "id": id_rank})
    order = pc.sort_indices(table, sort_keys=[("customer", "ascending"), ("key", "descending"),
                                              ("id", "ascending")])
    return np.asarray(order, dtype=np.int64)


def top_products(lines: LineColumns, products: ProductLines, count: int, rules: Rulebook,
                 unknown: BoolArray) -> pa.Array:
    """`topProducts`: each customer's `rules.top_products` products with the highest spend."""
    spend = lines.total_spent[products.rows]
    order = _ordered(products.customer, spend, products.id_rank)
    customer = products.customer[order]
    starts = np.searchsorted(customer, np.arange(count + 1))
    kept = order[np.arange(len(order)) - starts[customer] < rules.top_products]
    rows = products.rows[kept]
    picked = pa.array(rows)
    ids = lines.product_id.take(picked)
    names, categories = _with_catalog(ids, lines.product_name.take(picked), lines.category.take(picked))
    values = pa.StructArray.from_arrays(
        [ids, pa.array(lines.total_quantity[rows]), pa.array(money(lines.total_spent[rows])),
         seed_datetime_texts(lines.last[rows]), names, categories],
        fields=list(TOP_PRODUCT),
    )
    return _lists(values, products.customer[kept], count, unknown)


def missing_regulars(lines: LineColumns, products: ProductLines, count: int, as_of: int, rules: Rulebook,
                     unknown: BoolArray) -> pa.Array:
    """`missingRegulars`: regular products now overdue, the most overdue first."""
    cfg = rules.missing_regulars
    gap = lines.avg_days_between[products.rows]
    since = as_of - lines.last[products.rows]
    with np.errstate(invalid="ignore"):
        overdue = ~np.isnan(gap) & (gap <= cfg.max_avg_days_between) & (since > cfg.overdue_factor * gap)
    chosen = np.flatnonzero(overdue)
    days_overdue = money(since[chosen] - gap[chosen])
    order = chosen[_ordered(products.customer[chosen], days_overdue, products.id_rank[chosen])]
    rows = products.rows[order]
    picked = pa.array(rows)
    ids = lines.product_id.take(picked)
    names, categories = _with_catalog(ids, lines.product_name.take(picked), lines.category.take(picked))
    values = pa.StructArray.from_arrays(
        [ids, names, categories, pa.array(gap[order]), pa.array(since[order]),
         pa.array(money(since[order] - gap[order])), seed_datetime_texts(lines.last[rows])],
        fields=list(MISSING_REGULAR),
    )
    return _lists(values, products.customer[order], count, unknown)
