"""Top products and missing regulars for every customer, as Arrow list columns built from flat arrays.

Each list is one slice of a flat struct array: the lines are ordered once for the whole cohort (customer,
then the scalar engine's sort key), cut with offsets, and never touched one customer at a time.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rules.cohort.columnar_input import LineCodes, LineColumns
from rules.cohort.columnar_metrics import ProductLines
from rules.cohort.columnar_numbers import BoolArray, FloatArray, IntArray, money
from rules.cohort.columnar_text import TEXT, seed_datetime_texts
from rules.cohort.compiled import inline_kernel, kernel
from rules.reference import product_catalog
from rules.rulebook import Rulebook

# Texts repeat across millions of purchases (a few thousand products and days): keep them dictionary-encoded.
CODED_TEXT = pa.dictionary(pa.int32(), TEXT)
TOP_PRODUCT = pa.struct([
    ("productId", CODED_TEXT), ("totalQuantity", pa.int64()), ("totalSpent", pa.float64()),
    ("lastBought", CODED_TEXT), ("productName", CODED_TEXT), ("category", CODED_TEXT),
])
MISSING_REGULAR = pa.struct([
    ("productId", CODED_TEXT), ("productName", CODED_TEXT), ("category", CODED_TEXT),
    ("avgDaysBetween", pa.float64()), ("daysSinceLastPurchase", pa.int64()), ("daysOverdue", pa.float64()),
    ("lastBought", CODED_TEXT),
])


def _coded(codes: npt.NDArray[np.int32], values: pa.Array) -> pa.DictionaryArray:
    """Texts as codes (-1: null) into `values`."""
    missing = codes < 0
    indices = pa.array(codes, mask=missing) if missing.any() else pa.array(codes)
    return pa.DictionaryArray.from_arrays(indices, values)


def _texts(codes: LineCodes, rows: IntArray) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Ids, names and categories of `rows`; names and categories the data leaves out come from the bundled
    catalog (as the scalar engine does), looked up once per distinct product id."""
    ids, names, categories = codes.product, codes.name, codes.category
    id_codes = ids.codes[rows]
    name_codes, category_codes = names.codes[rows], categories.codes[rows]
    name_values, category_values = names.values, categories.values
    if (name_codes < 0).any() or (category_codes < 0).any():
        catalog = product_catalog()
        known = [catalog.get(product_id) for product_id in ids.values.to_pylist()]
        position = np.array([i if p is not None else -1 for i, p in enumerate(known)] + [-1], dtype=np.int64)
        from_catalog = position[np.where(id_codes >= 0, id_codes, len(known))]
        listed = [p for p in known if p is not None]
        slot = np.cumsum(position >= 0) - 1  # index among the known products
        catalog_slot = np.where(from_catalog >= 0, slot[np.maximum(from_catalog, 0)], -1)
        name_codes = np.where((name_codes < 0) & (catalog_slot >= 0), len(name_values) + catalog_slot, name_codes)
        category_codes = np.where((category_codes < 0) & (catalog_slot >= 0), len(category_values) + catalog_slot,
                                  category_codes)
        name_values = pa.concat_arrays([name_values, pa.array([p.product_name for p in listed], TEXT)])
        category_values = pa.concat_arrays([category_values, pa.array([p.category for p in listed], TEXT)])
    return (_coded(id_codes, ids.values), _coded(name_codes.astype(np.int32), name_values),
            _coded(category_codes.astype(np.int32), category_values))


def _lists(values: pa.StructArray, owner: IntArray, count: int, unknown: BoolArray) -> pa.Array:
    """Per customer, the slice of `values` it owns (`owner` ascending); null where `unknown`."""
    sizes = np.bincount(owner, minlength=count)
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(unknown))


def _ordered(customer: IntArray, key: FloatArray, id_rank: IntArray, keep: int) -> IntArray:
    """Positions of the rows (given in customer order) by customer, then `key` descending, then product id,
    then row: each customer's first `keep` only."""
    chosen = np.empty(len(customer), dtype=np.int64)  # by numpy: huge pages (see `rules.cohort.compiled`)
    return chosen[:_rank_within_customers(customer, key, id_rank, keep, chosen)]


@kernel
def _rank_within_customers(customer: IntArray, key: FloatArray, id_rank: IntArray, keep: int, chosen: IntArray
                           ) -> int:
    kept = 0
    # Scratch space for one customer's rows, grown when a customer has more (allocated a handful of times).
    ranked = np.empty(16, dtype=np.int64)
    spare = np.empty(16, dtype=np.int64)
    begin = 0
    while begin < len(customer):
        end = begin + 1
        while end < len(customer) and customer[end] == customer[begin]:
            end += 1
        size = end - begin
        if size == 1:
            if keep > 0:
                chosen[kept] = begin
                kept += 1
            begin = end
            continue
        if size > len(ranked):
            ranked = np.empty(2 * size, dtype=np.int64)
            spare = np.empty(2 * size, dtype=np.int64)
        for index in range(size):
            ranked[index] = begin + index
        _sort_rows(ranked, spare, size, key, id_rank)
        for index in range(min(keep, size)):
            chosen[kept] = ranked[index]
            kept += 1
        begin = end
    return kept


@inline_kernel
def _before(a: int, b: int, key: FloatArray, id_rank: IntArray) -> bool:
    """Row a comes before row b: higher key, then lower product id, then earlier row (the scalar engine's
    stable sort by (-key, product id))."""
    if key[a] != key[b]:
        return bool(key[a] > key[b])
    if id_rank[a] != id_rank[b]:
        return bool(id_rank[a] < id_rank[b])
    return a < b


@kernel
def _sort_rows(rows: IntArray, spare: IntArray, size: int, key: FloatArray, id_rank: IntArray) -> None:
    """Sort ``rows[:size]`` in place (`spare` is as long): insertion sort for the usual handful, merge sort
    beyond."""
    if size <= 24:
        for i in range(1, size):
            row = rows[i]
            j = i - 1
            while j >= 0 and _before(row, rows[j], key, id_rank):
                rows[j + 1] = rows[j]
                j -= 1
            rows[j + 1] = row
        return
    width = 1
    source, target = rows, spare
    in_spare = False
    while width < size:
        for left in range(0, size, 2 * width):
            middle, right = min(left + width, size), min(left + 2 * width, size)
            i, j = left, middle
            for out in range(left, right):
                if i < middle and (j >= right or not _before(source[j], source[i], key, id_rank)):
                    target[out] = source[i]
                    i += 1
                else:
                    target[out] = source[j]
                    j += 1
        source, target = target, source
        in_spare = not in_spare
        width *= 2
    if in_spare:
        rows[:size] = spare[:size]


def top_products(lines: LineColumns, codes: LineCodes, products: ProductLines, count: int, rules: Rulebook,
                 unknown: BoolArray) -> pa.Array:
    """`topProducts`: each customer's `rules.top_products` products with the highest spend."""
    spend = lines.total_spent[products.rows]
    kept = _ordered(products.customer, spend, products.id_rank, rules.top_products)
    rows = products.rows[kept]
    ids, names, categories = _texts(codes, rows)
    values = pa.StructArray.from_arrays(
        [ids, pa.array(lines.total_quantity[rows]), pa.array(money(lines.total_spent[rows])),
         seed_datetime_texts(lines.last[rows]), names, categories],
        fields=list(TOP_PRODUCT),
    )
    return _lists(values, products.customer[kept], count, unknown)


def _overdue(rows: IntArray, gap: FloatArray, last: IntArray, as_of: int, max_gap: float, factor: float
             ) -> IntArray:
    """Positions in `rows` of the lines bought regularly (a known average gap of at most `max_gap` days) and
    not bought for more than `factor` gaps: `rules.analyze._missing_regulars`'s test."""
    chosen = np.empty(len(rows), dtype=np.int64)
    return chosen[:_find_overdue(rows, gap, last, as_of, max_gap, factor, chosen)]


@kernel
def _find_overdue(rows: IntArray, gap: FloatArray, last: IntArray, as_of: int, max_gap: float, factor: float,
                  chosen: IntArray) -> int:
    found = 0
    for position in range(len(rows)):
        line = rows[position]
        average = gap[line]
        if not np.isnan(average) and average <= max_gap and as_of - last[line] > factor * average:
            chosen[found] = position
            found += 1
    return found


def missing_regulars(lines: LineColumns, codes: LineCodes, products: ProductLines, count: int, as_of: int,
                     rules: Rulebook, unknown: BoolArray) -> pa.Array:
    """`missingRegulars`: regular products now overdue, the most overdue first."""
    cfg = rules.missing_regulars
    chosen = _overdue(products.rows, lines.avg_days_between, lines.last, int(as_of),
                      float(cfg.max_avg_days_between), float(cfg.overdue_factor))
    candidates = products.rows[chosen]
    gap, since = lines.avg_days_between[candidates], as_of - lines.last[candidates]
    days_overdue = money(since - gap)
    ranked = _ordered(products.customer[chosen], days_overdue, products.id_rank[chosen], len(chosen))
    order, rows = chosen[ranked], candidates[ranked]
    ids, names, categories = _texts(codes, rows)
    values = pa.StructArray.from_arrays(
        [ids, names, categories, pa.array(gap[ranked]), pa.array(since[ranked]), pa.array(days_overdue[ranked]),
         seed_datetime_texts(lines.last[rows])],
        fields=list(MISSING_REGULAR),
    )
    return _lists(values, products.customer[order], count, unknown)
