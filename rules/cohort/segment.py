"""`segment_cohort`: every customer of a cohort segmented at once, each row what `analyze_customer` says.

The work is columnar: arrays per column, numpy and Arrow kernels, and compiled per-customer kernels
(`rules.cohort.compiled`); no Python loop runs over customers. For customer ``c`` of a cohort, the row equals
``analyze_customer(cohort.customer_data(c, cohort_region_medians(cohort)), as_of).model_dump(mode="json",
by_alias=True)`` on the columns of that object, with each reason as ``<key>Reason`` (its text) and
``<key>Basis`` (rule, default or unknown).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from rules.cohort.columnar_input import (
    Encoded,
    LineCodes,
    Problems,
    as_of_too_early,
    customer_columns,
    line_columns,
)
from rules.cohort.columnar_memory import release_free_memory
from rules.cohort.columnar_metrics import CustomerMetrics, category_metrics, customer_metrics, product_lines
from rules.cohort.columnar_numbers import BoolArray, IntArray, money
from rules.cohort.columnar_products import missing_regulars, top_products
from rules.cohort.columnar_regions import RegionTable, region_codes, resolve_regions
from rules.cohort.columnar_render import Texts, render
from rules.cohort.columnar_segments import (
    BASES,
    DEFAULT,
    RULE,
    UNKNOWN,
    ReasonColumns,
    constant_where,
    int_reasons,
    lower_band_codes,
    lower_band_pieces,
    loyalty_codes,
    loyalty_reasons,
    table,
    upper_band_codes,
    upper_band_reasons,
)
from rules.cohort.columnar_text import (
    EPOCH,
    Coded,
    day_number,
    int_pieces,
    keyed_texts,
    number_pieces,
    render_in_chunks,
    texts_where,
)
from rules.cohort.model import Cohort
from rules.errors import InvalidInput, Problem
from rules.models.dates import AsOf, as_of_day
from rules.rulebook import Rulebook, default_rulebook
from rules.segments import default, unknown

REASON_KEYS = ("ageSegment", "churnSegment", "valueSegment", "loyaltyTier", "affinityCategory", "affinityType",
               "diversityProfile")
# The frame's first columns: the seed's analysis fields, then what the batch adds (reasons follow).
_ANALYSIS_COLUMNS = (
    "customerId", "mode", "city", "region", "climateType", "age", "ageSegment", "gender", "churnSegment",
    "valueSegment", "loyaltyTier", "affinityCategory", "affinityType", "diversityProfile", "estimatedBudget",
    "avgBasket", "avgMonthlySpend", "lastPurchaseDaysAgo", "orderCount", "totalSpent", "membershipDays",
    "missingRegulars", "topProducts", "message", "asOf", "rulebookVersion", "isNewCustomer", "medianBasket",
    "medianBasketSource", "warnings",
)
_WORKERS = max(1, min(4, os.cpu_count() or 1))
_NEW_WHY = "new customer, no purchase history yet (seed default)"


def segment_cohort(cohort: Cohort, as_of: AsOf = None, *, rulebook: Rulebook | None = None) -> pd.DataFrame:
    """Segment every customer of a cohort.

    Args:
        cohort: customers and their per-product history (see `rules.cohort.model`).
        as_of: the day the analysis is for (a date, datetime, Timestamp or ISO text; see
            `rules.models.dates.as_of_day`); today in UTC when None.
        rulebook: thresholds and codes; the bundled rulebook when None.

    Returns:
        One row per customer, in the customers table's order. Columns: the seed's analysis fields
        (customerId … message), asOf, rulebookVersion, isNewCustomer, medianBasket, medianBasketSource,
        warnings, and ``<key>Reason`` / ``<key>Basis`` per reason. Segment codes, bases and other few-valued
        texts are categoricals; missing values are NaN / <NA>. `missingRegulars`, `topProducts` and `warnings`
        are Arrow list columns (lists of dicts with the analysis JSON's keys; <NA> where unknown).

    Raises:
        InvalidInput: the cohort breaks a rule of the request model (each problem located by table, row and
            column), or its tables lack a contract column.
    """
    if not isinstance(cohort, Cohort):
        raise InvalidInput([Problem("cohort", "expected a Cohort, as read_cohort returns", type(cohort).__name__)])
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        return _Segmenter(cohort, as_of_day(as_of), rulebook or default_rulebook(), pool).frame(pool)


def cohort_region_medians(cohort: Cohort, as_of: AsOf = None) -> dict[str, float]:
    """The median baskets `segment_cohort` uses for regions outside the reference table.

    Pass them to `Cohort.customer_data` to get the single-customer request that matches a row.
    """
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        return _Segmenter(cohort, as_of_day(as_of), default_rulebook(), pool, encode=False).medians


class _Segmenter:
    """The columnar pipeline for one cohort, one as-of day and one rulebook."""

    def __init__(self, cohort: Cohort, as_of: date, rules: Rulebook, pool: ThreadPoolExecutor, *,
                 encode: bool = True) -> None:
        self.as_of, self.rules = as_of, rules
        self.today = day_number(as_of)
        problems = Problems()
        problems.lead = as_of_too_early(cohort, self.today)
        self.customers = customer_columns(cohort, self.today, problems, pool)
        problems.raise_if_any()
        regions, cities = (pool.submit(region_codes, names) for names in (self.customers.region,
                                                                          self.customers.city))
        self.lines = line_columns(cohort, self.customers, self.today, problems, pool)
        self.count = len(self.customers)
        if encode:  # for the frame, while the metrics are computed here
            self.product = pool.submit(Encoded.of, self.lines.product_id)
            self.category, self.name = (pool.submit(lambda texts: Encoded.through(self.product.result(), texts), t)
                                        for t in (self.lines.category, self.lines.product_name))
            self.products = pool.submit(lambda: product_lines(self.lines, self.product.result(), self.count))
            # The lists need the history only: they start while the metrics are computed.
            has_history = np.diff(self.lines.starts) > 0
            self.missing = pool.submit(self._listed, missing_regulars, has_history, self.today, rules)
            self.top = pool.submit(self._listed, top_products, has_history, rules)
        self.m: CustomerMetrics = customer_metrics(self.customers, self.lines, self.today, rules, problems)
        self.regular = self.m.has_history
        self.avg_basket = money(self.m.avg_basket)
        self.regions: RegionTable
        self.regions, self.medians = resolve_regions(regions.result(), cities.result(), self.regular,
                                                     self.avg_basket)
        self.median = self.regions.median[self.regions.group]
        self.has_median = ~np.isnan(self.median)

    def _listed(self, build: Callable[..., pa.Array], has_history: BoolArray, *args: object
                ) -> pd.arrays.ArrowExtensionArray:
        """Top products or missing regulars (`build`), unknown for customers with purchases but no products."""
        found = self.products.result()
        codes = LineCodes(self.product.result(), self.name.result(), self.category.result())
        return _list(build(self.lines, codes, found, self.count, *args, has_history & ~found.has_products))

    # -- reasons -------------------------------------------------------------------------------------------
    # Each returns codes, bases and texts for every customer. Modes: 0 = regular with the data the rule
    # needs, 1 = regular without it (unknown), 2 = new customer (the seed's default).

    def _modes(self, known: BoolArray | None = None) -> IntArray:
        choice = np.where(self.regular, 0, 2)
        if known is not None:
            choice = np.where(self.regular & ~known, 1, choice)
        return choice.astype(np.int64)

    def _default(self, code: str, why: str, present: BoolArray) -> Texts:
        return constant_where(default(code, why).text, present)

    @staticmethod
    def _bases(modes: IntArray, new_basis: IntArray | int = DEFAULT) -> IntArray:
        return np.select([modes == 0, modes == 1], [RULE, UNKNOWN], new_basis)

    def age(self) -> ReasonColumns:
        bands, has = self.rules.age, self.customers.has_age
        text = upper_band_reasons(bands, self.customers.age, has, unknown("age is missing").text)
        code = np.where(has, upper_band_codes(bands, self.customers.age), -1)
        return ReasonColumns(code, list(bands.codes), np.where(has, RULE, UNKNOWN), text)

    def churn(self) -> ReasonColumns:
        bands, d = self.rules.churn, self.rules.new_customer
        codes = list(bands.codes)
        why = f"{_NEW_WHY}; lastPurchaseDaysAgo {d.last_purchase_days_ago} stands for 'never'"
        text = upper_band_reasons(bands, self.m.days_since, self.regular, default(d.churn, why).text)
        code = np.where(self.regular, upper_band_codes(bands, self.m.days_since), codes.index(d.churn))
        return ReasonColumns(code, codes, np.where(self.regular, RULE, DEFAULT), text)

    def value(self) -> ReasonColumns:
        bands, d = self.rules.value, self.rules.new_customer
        codes = list(bands.codes)
        modes = self._modes(self.has_median)
        rule = modes == 0
        ratio = np.where(rule, self.m.avg_basket / np.where(self.has_median, self.median, 1.0), 0.0)
        band = lower_band_codes(bands, ratio)
        group, avg = self.regions.group, self.m.avg_basket

        def texts(rows: IntArray) -> pa.Array:
            at, mode, where = rule[rows], modes[rows], group[rows]
            return render(
                *lower_band_pieces(bands, ratio[rows], band[rows], at, lead_in=" (avgBasket "),
                *number_pieces(avg[rows], at),
                texts_where(self.regions.value_detail_tail, where, at),
                texts_where(self.regions.value_unknown_text, where, mode == 1),
                self._default(d.value, _NEW_WHY, mode == 2),
            )

        text = render_in_chunks(self.count, texts)
        code = np.select([rule, modes == 1], [band, -1], codes.index(d.value))
        return ReasonColumns(code, codes, self._bases(modes), text)

    def loyalty(self) -> ReasonColumns:
        tiers, d = self.rules.loyalty.tiers, self.rules.new_customer
        codes = list(self.rules.loyalty.codes)
        m, regular = self.m, self.regular
        code = np.where(regular, loyalty_codes(tiers, m.months, m.per_month, m.orders), codes.index(d.loyalty))

        def texts(rows: IntArray) -> pa.Array:
            at = regular[rows]
            return loyalty_reasons(tiers, m.months[rows], m.per_month[rows], m.orders[rows], at,
                                   self._default(d.loyalty, _NEW_WHY, ~at))[1]

        # The reason depends on membership days and orders only.
        text = keyed_texts([regular.astype(np.int64), np.where(regular, m.membership_days, 0),
                            np.where(regular, m.orders, 0)], texts)
        return ReasonColumns(code, codes, np.where(self.regular, RULE, DEFAULT), text)

    def affinity(self, encoded: Encoded) -> tuple[ReasonColumns, ReasonColumns]:
        cats = category_metrics(self.lines, encoded, self.count)
        bands, d = self.rules.affinity, self.rules.new_customer
        modes = self._modes(cats.has_category)
        rule, missing, new = modes == 0, modes == 1, modes == 2
        names = cats.names.to_pylist()
        group = self.regions.group

        # affinityCategory: the top category, or (new customers) the region's trend.
        trend_table = self.regions.trend.to_pylist()
        categories = list(dict.fromkeys([*names, *(t for t in trend_table if t is not None)]))
        name_code = np.array([categories.index(n) for n in names] + [-1], dtype=np.int64)
        trend_code = np.array([categories.index(t) if t is not None else -1 for t in trend_table], dtype=np.int64)
        no_categories = unknown("the data has no product categories").text
        heads = table([f"{n}: highest spend, " for n in names] or [""])

        def category_texts(rows: IntArray) -> pa.Array:
            at = rule[rows]
            return render(
                texts_where(heads, cats.top[rows], at), *number_pieces(cats.top_spend[rows], at),
                constant_where(" of ", at), *number_pieces(cats.total[rows], at),
                constant_where(no_categories, missing[rows]),
                texts_where(self.regions.trend_text, group[rows], new[rows]),
            )

        category_text = render_in_chunks(self.count, category_texts)
        trend_basis = np.array([BASES.index(b) for b in self.regions.trend_basis.to_pylist()], dtype=np.int64)
        category = ReasonColumns(
            np.select([rule, missing], [name_code[np.where(rule, cats.top, len(names))], -1], trend_code[group]),
            categories, self._bases(modes, trend_basis[group]), category_text)

        # affinityType: the top category's share of orders.
        top = np.where(rule, cats.top, 0)
        top_orders = np.where(rule, cats.top_orders, 0)
        line_orders = np.where(rule, self.m.line_orders, 0)
        share = np.where(rule, top_orders / np.maximum(line_orders, 1), 0.0)
        band = lower_band_codes(bands, share)

        def type_texts(rows: IntArray) -> pa.Array:
            at, mode = rule[rows], modes[rows]
            return render(
                *lower_band_pieces(bands, share[rows], band[rows], at, lead_in=" ("),
                texts_where(table([f"{n}: " for n in names] or [""]), top[rows], at),
                *int_pieces(top_orders[rows], at), constant_where(" of ", at),
                *int_pieces(line_orders[rows], at), constant_where(" orders)", at),
                constant_where(no_categories, mode == 1),
                self._default(d.affinity, _NEW_WHY, mode == 2),
            )

        type_text = keyed_texts([modes, top, top_orders, line_orders], type_texts)
        type_codes = list(bands.codes)
        kind = ReasonColumns(np.select([rule, missing], [band, -1], type_codes.index(d.affinity)), type_codes,
                             self._bases(modes), type_text)
        return category, kind

    def diversity(self, distinct: IntArray) -> ReasonColumns:
        bands, d = self.rules.diversity, self.rules.new_customer
        codes = list(bands.codes)
        modes = self._modes(distinct > 0)
        rule = modes == 0
        orders = np.where(rule, self.m.orders, 0)
        distinct = np.where(rule, distinct, 0)
        ratio = np.where(rule, distinct / np.maximum(orders, 1), 0.0)
        band = lower_band_codes(bands, ratio)

        def texts(rows: IntArray) -> pa.Array:
            at = rule[rows]
            return render(
                *lower_band_pieces(bands, ratio[rows], band[rows], at, lead_in=" ("),
                *int_pieces(distinct[rows], at), constant_where(" distinct products over ", at),
                *int_pieces(orders[rows], at), constant_where(" orders)", at),
                constant_where(unknown("the data has no product detail").text, modes[rows] == 1),
                self._default(d.diversity, _NEW_WHY, modes[rows] == 2),
            )

        return ReasonColumns(np.select([rule, modes == 1], [band, -1], codes.index(d.diversity)), codes,
                             self._bases(modes), keyed_texts([modes, distinct, orders], texts))

    # -- the frame -----------------------------------------------------------------------------------------

    def warnings(self) -> pa.Array:
        """Per customer: the region warning, then the registration warning, as the scalar engine orders them."""
        group = self.regions.group
        region_rows = np.flatnonzero(~self.regions.warning.is_null().to_numpy(zero_copy_only=False)[group])
        regular_missing = self.regular & ~self.customers.has_registered
        registration_rows = np.flatnonzero(~self.customers.has_registered)
        registration = int_reasons(
            self.m.first_purchase, regular_missing,
            lambda d: f"registeredAt is missing: membership counted from the first purchase "
                      f"{(EPOCH + timedelta(days=d)).isoformat()}",
            "registeredAt is missing and there are no purchases: membershipDays is 0")
        has_region = np.zeros(self.count, dtype=np.bool_)
        has_region[region_rows] = True
        sizes = has_region.astype(np.int64)
        sizes[registration_rows] += 1
        offsets = np.zeros(self.count + 1, dtype=np.int32)
        np.cumsum(sizes, out=offsets[1:])
        # Each customer's region warning first, then its registration warning; the texts stay in their small
        # tables (dictionary-encoded), whatever the number of customers.
        region_table = self.regions.warning.fill_null("")
        codes = np.concatenate([group[region_rows], len(region_table) + registration.codes[registration_rows]])
        slot_at = np.concatenate([offsets[region_rows], offsets[registration_rows] + has_region[registration_rows]])
        ordered = np.empty(len(slot_at), dtype=np.int32)
        ordered[slot_at] = codes
        values = pa.DictionaryArray.from_arrays(pa.array(ordered),
                                                pa.concat_arrays([region_table, registration.table]))
        return pa.ListArray.from_arrays(pa.array(offsets), values)

    def figures(self) -> dict[str, object]:
        """The numeric columns and the few-valued texts that need no reasons."""
        rules, d, m, regular = self.rules, self.rules.new_customer, self.m, self.regular
        median_money = money(np.nan_to_num(self.median))
        new_basket = np.where(self.has_median, median_money, np.nan)
        new_budget = np.where(self.has_median, money(rules.budget_factor * np.nan_to_num(self.median)), np.nan)
        group = self.regions.group
        return {
            "customerId": _text(self.customers.customer_id),
            "mode": _categorical(np.where(regular, 0, 1), ["regular", "new_customer"]),
            "city": _text(self.customers.city),
            "region": _categorical_from(self.regions.name, group),
            "climateType": _categorical_from(self.regions.climate_type, group),
            "age": _nullable_int(self.customers.age, self.customers.has_age),
            "gender": _text(self.customers.gender),
            "estimatedBudget": np.where(regular, money(rules.budget_factor * m.avg_basket), new_budget),
            "avgBasket": np.where(regular, self.avg_basket, new_basket),
            "avgMonthlySpend": np.where(regular, money(m.total_spent / m.rate_months), 0.0),
            "lastPurchaseDaysAgo": np.where(regular, m.days_since, d.last_purchase_days_ago),
            "orderCount": np.where(regular, m.orders, 0),
            "totalSpent": np.where(regular, money(m.total_spent), 0.0),
            "membershipDays": np.where(regular | self.customers.has_registered, m.membership_days, 0),
            "message": _categorical(np.where(regular, 0, 1), [rules.regular.message, d.message]),
            "asOf": _categorical(np.zeros(self.count, dtype=np.int64), [self.as_of.isoformat()]),
            "rulebookVersion": _categorical(np.zeros(self.count, dtype=np.int64), [rules.version]),
            "isNewCustomer": ~regular,
            "medianBasket": self.median,
            "medianBasketSource": _categorical_from(self.regions.source, group),
        }

    def frame(self, pool: ThreadPoolExecutor) -> pd.DataFrame:
        """Every column, computed by jobs on `pool` (numpy, Arrow and the kernels release the GIL).

        A job that needs another's result is submitted after it: by the time a worker takes it up, what it
        waits for is running or done.
        """
        release_free_memory()
        products, category, missing, top = self.products, self.category, self.missing, self.top
        # The longest jobs first, so that the two workers finish close together.
        affinity = pool.submit(lambda: tuple(map(_finished, self.affinity(category.result()))))
        reasons = {  # submitted in this order
            "valueSegment": pool.submit(lambda: _finished(self.value())),
            "ageSegment": pool.submit(lambda: _finished(self.age())),
            "churnSegment": pool.submit(lambda: _finished(self.churn())),
            "loyaltyTier": pool.submit(lambda: _finished(self.loyalty())),
            "diversityProfile": pool.submit(lambda: _finished(self.diversity(products.result().distinct))),
        }
        warnings = pool.submit(lambda: _list(self.warnings()))
        found = pool.submit(self.figures).result()
        done = {key: job.result() for key, job in reasons.items()}
        done["affinityCategory"], done["affinityType"] = affinity.result()
        release_free_memory()
        found.update({key: reason.code for key, reason in done.items()})
        found.update({"missingRegulars": missing.result(), "topProducts": top.result(), "warnings": warnings.result()})
        columns = {name: found[name] for name in _ANALYSIS_COLUMNS}
        for key in REASON_KEYS:
            columns[f"{key}Reason"], columns[f"{key}Basis"] = done[key].text, done[key].basis
        # copy=False: the columns are fresh arrays; pandas would otherwise copy them into 2-D blocks by dtype.
        return pd.DataFrame(columns, copy=False)


@dataclass(frozen=True)
class _ReasonFrameColumns:
    """One dimension's columns as the frame holds them."""

    code: pd.Categorical[str]
    text: pd.Series | pd.Categorical[str]
    basis: pd.Categorical[str]


def _finished(reason: ReasonColumns) -> _ReasonFrameColumns:
    return _ReasonFrameColumns(_code(reason), _reason_text(reason.text), _categorical(reason.basis, BASES))


def _text(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    series: pd.Series = array.to_pandas()
    return series


def _reason_text(text: pa.Array | pa.ChunkedArray | Coded) -> pd.Series | pd.Categorical[str]:
    """Texts drawn from a small table stay categorical (a table may repeat a text: merge the repeats)."""
    if not isinstance(text, Coded):
        return _text(text)
    encoded = text.table.dictionary_encode()
    remap = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return _categorical(remap[text.codes], encoded.dictionary.to_pylist())


def _list(array: pa.Array) -> pd.arrays.ArrowExtensionArray:
    return pd.arrays.ArrowExtensionArray(array)


def _nullable_int(values: IntArray, present: BoolArray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype(np.int64), ~present)


def _categorical(codes: IntArray, categories: list[str]) -> pd.Categorical[str]:
    # Codes come from this module, always within range: skip the O(n) check.
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=pd.Index(categories),
                                     validate=False)


def _code(reason: ReasonColumns) -> pd.Categorical[str]:
    return _categorical(reason.code, reason.codes)


def _categorical_from(table: pa.Array, codes: IntArray) -> pd.Categorical[str]:
    """Per-row values of a small table (which may repeat a value) as a categorical."""
    encoded = table.dictionary_encode()
    remap = np.append(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), -1)
    return _categorical(remap[codes], encoded.dictionary.to_pylist())
