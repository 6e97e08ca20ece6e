"""`segment_cohort`: every customer of a cohort segmented at once, each row what `analyze_customer` says.

The work is columnar: arrays per column, group-bys, sorts and Arrow string kernels; no step loops over
customers. For customer ``c`` of a cohort, the row equals
``analyze_customer(cohort.customer_data(c, cohort_region_medians(cohort)), as_of).model_dump(mode="json",
by_alias=True)`` on the columns of that object, with each reason as ``<key>Reason`` (its text) and
``<key>Basis`` (rule, default or unknown).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from rules.cohort.columnar_input import Problems, customer_columns, line_columns
from rules.cohort.columnar_metrics import CustomerMetrics, category_metrics, customer_metrics, product_lines
from rules.cohort.columnar_products import missing_regulars, top_products
from rules.cohort.columnar_regions import RegionTable, resolve_regions
from rules.cohort.columnar_segments import (
    BASES,
    DEFAULT,
    RULE,
    UNKNOWN,
    ReasonColumns,
    by_choice,
    constant,
    lower_band_codes,
    lower_band_texts,
    loyalty_reasons,
    upper_band_codes,
    upper_band_texts,
)
from rules.cohort.columnar_text import (
    TEXT,
    BoolArray,
    IntArray,
    day_number,
    int_text,
    join,
    money,
    num_text,
    take,
    texts_for_ints,
)
from rules.cohort.model import Cohort
from rules.models.dates import today_utc
from rules.rulebook import Rulebook, default_rulebook
from rules.segments import default, unknown

REASON_KEYS = ("ageSegment", "churnSegment", "valueSegment", "loyaltyTier", "affinityCategory", "affinityType",
               "diversityProfile")
_NEW_WHY = "new customer, no purchase history yet (seed default)"


def segment_cohort(cohort: Cohort, as_of: date | None = None, *, rulebook: Rulebook | None = None) -> pd.DataFrame:
    """Segment every customer of a cohort.

    Args:
        cohort: customers and their per-product history (see `rules.cohort.model`).
        as_of: the day the analysis is for; today in UTC when None.
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
    return _Segmenter(cohort, as_of or today_utc(), rulebook or default_rulebook()).frame()


def cohort_region_medians(cohort: Cohort, as_of: date | None = None) -> dict[str, float]:
    """The median baskets `segment_cohort` uses for regions outside the reference table.

    Pass them to `Cohort.customer_data` to get the single-customer request that matches a row.
    """
    seg = _Segmenter(cohort, as_of or today_utc(), default_rulebook())
    return seg.medians


class _Segmenter:
    """The columnar pipeline for one cohort, one as-of day and one rulebook."""

    def __init__(self, cohort: Cohort, as_of: date, rules: Rulebook) -> None:
        self.as_of, self.rules = as_of, rules
        self.today = day_number(as_of)
        problems = Problems()
        self.customers = customer_columns(cohort, self.today, problems)
        problems.raise_if_any()
        self.lines = line_columns(cohort, self.customers, self.today, problems)
        self.count = len(self.customers)
        self.m: CustomerMetrics = customer_metrics(self.customers, self.lines, self.today, rules, problems)
        self.regular = self.m.has_history
        self.avg_basket = money(self.m.avg_basket)
        self.regions: RegionTable
        self.regions, self.medians = resolve_regions(self.customers.region, self.customers.city, self.regular,
                                                     self.avg_basket)
        self.median = self.regions.median[self.regions.group]
        self.has_median = ~np.isnan(self.median)

    # -- helpers -------------------------------------------------------------------------------------------

    def _modes(self, known: BoolArray | None = None) -> IntArray:
        """0 = regular with the data the rule needs, 1 = regular without it, 2 = new customer."""
        choice = np.where(self.regular, 0, 2)
        if known is not None:
            choice = np.where(self.regular & ~known, 1, choice)
        return choice.astype(np.int64)

    def _default(self, code: str, text: str, rows: IntArray) -> pa.Array:
        return constant(default(code, text).text, rows)

    # -- reasons -------------------------------------------------------------------------------------------

    def age(self) -> ReasonColumns:
        bands = self.rules.age
        has = self.customers.has_age
        code = np.where(has, upper_band_codes(bands, self.customers.age), -1)
        text = by_choice(np.where(has, 0, 1), 2, lambda k, rows: upper_band_texts(bands, self.customers.age[rows])
                         if k == 0 else constant(unknown("age is missing").text, rows))
        return ReasonColumns(code, list(bands.codes), np.where(has, RULE, UNKNOWN), text)

    def churn(self) -> ReasonColumns:
        bands, d = self.rules.churn, self.rules.new_customer
        codes = list(bands.codes)
        code = np.where(self.regular, upper_band_codes(bands, self.m.days_since), codes.index(d.churn))
        why = f"{_NEW_WHY}; lastPurchaseDaysAgo {d.last_purchase_days_ago} stands for 'never'"
        text = by_choice(self._modes(), 3, lambda k, rows: upper_band_texts(bands, self.m.days_since[rows])
                         if k == 0 else self._default(d.churn, why, rows))
        return ReasonColumns(code, codes, np.where(self.regular, RULE, DEFAULT), text)

    def value(self) -> ReasonColumns:
        bands, d = self.rules.value, self.rules.new_customer
        codes = list(bands.codes)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = self.m.avg_basket / self.median
        modes = self._modes(self.has_median)
        band = lower_band_codes(bands, np.where(self.has_median, ratio, 0.0))
        code = np.select([modes == 0, modes == 1], [band, -1], codes.index(d.value))
        group = self.regions.group
        avg = self.m.avg_basket

        def build(k: int, rows: IntArray) -> pa.Array:
            if k == 0:
                detail = ["avgBasket ", num_text(avg[rows]), take(self.regions.value_detail_tail, group[rows])]
                return by_choice(band[rows], len(codes), lambda b, sub: lower_band_texts(
                    bands, ratio[rows], sub, b, [p if isinstance(p, str) else p.take(pa.array(sub))
                                                 for p in detail]))
            if k == 1:
                return take(self.regions.value_unknown_text, group[rows])
            return self._default(d.value, _NEW_WHY, rows)

        text = by_choice(modes, 3, build)
        return ReasonColumns(code, codes, np.select([modes == 0, modes == 1], [RULE, UNKNOWN], DEFAULT), text)

    def loyalty(self) -> ReasonColumns:
        tiers, d = self.rules.loyalty.tiers, self.rules.new_customer
        codes = list(self.rules.loyalty.codes)
        regular_rows = np.flatnonzero(self.regular)
        chosen, texts = loyalty_reasons(tiers, self.m.months, self.m.per_month, self.m.orders, regular_rows)
        code = np.full(self.count, codes.index(d.loyalty), dtype=np.int64)
        code[regular_rows] = chosen
        # by_choice puts the regular customers' texts back by position among regular rows.
        rank = np.cumsum(self.regular) - 1
        text = by_choice(self._modes(), 3, lambda k, rows: texts.take(pa.array(rank[rows]))
                         if k == 0 else self._default(d.loyalty, _NEW_WHY, rows))
        return ReasonColumns(code, codes, np.where(self.regular, RULE, DEFAULT), text)

    def affinity(self) -> tuple[ReasonColumns, ReasonColumns]:
        cats = category_metrics(self.lines, self.count)
        bands, d = self.rules.affinity, self.rules.new_customer
        modes = self._modes(cats.has_category)
        names = cats.names
        trend_names = self.regions.trend.dictionary_encode()
        trend_codes = trend_names.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        category_list = names.to_pylist() + trend_names.dictionary.to_pylist()
        categories = list(dict.fromkeys(category_list))
        remap = np.array([categories.index(c) for c in category_list] + [-1], dtype=np.int64)
        region_trend = trend_codes[self.regions.group]
        category_code = np.select(
            [modes == 0, modes == 1],
            [remap[cats.top], -1],
            np.where(region_trend >= 0, remap[len(names) + np.maximum(region_trend, 0)], -1),
        )
        no_categories = unknown("the data has no product categories").text
        top_name = take(names, cats.top) if len(names) else pa.nulls(self.count, TEXT)

        def category_text(k: int, rows: IntArray) -> pa.Array:
            if k == 0:
                return join(top_name.take(pa.array(rows)), ": highest spend, ", num_text(cats.top_spend[rows]),
                            " of ", num_text(cats.total[rows]))
            if k == 1:
                return constant(no_categories, rows)
            return take(self.regions.trend_text, self.regions.group[rows])

        trend_basis = np.array([BASES.index(b) for b in self.regions.trend_basis.to_pylist()], dtype=np.int64)
        category = ReasonColumns(
            category_code, categories,
            np.select([modes == 0, modes == 1], [RULE, UNKNOWN], trend_basis[self.regions.group]),
            by_choice(modes, 3, category_text))

        with np.errstate(invalid="ignore", divide="ignore"):
            share = cats.top_orders / np.maximum(self.m.line_orders, 1)
        band = lower_band_codes(bands, share)
        type_codes = list(bands.codes)

        def type_text(k: int, rows: IntArray) -> pa.Array:
            if k == 0:
                detail = [top_name.take(pa.array(rows)), ": ", int_text(cats.top_orders[rows]), " of ",
                          int_text(self.m.line_orders[rows]), " orders"]
                return by_choice(band[rows], len(type_codes), lambda b, sub: lower_band_texts(
                    bands, share[rows], sub, b, [p if isinstance(p, str) else p.take(pa.array(sub))
                                                 for p in detail]))
            if k == 1:
                return constant(no_categories, rows)
            return self._default(d.affinity, _NEW_WHY, rows)

        kind = ReasonColumns(
            np.select([modes == 0, modes == 1], [band, -1], type_codes.index(d.affinity)), type_codes,
            np.select([modes == 0, modes == 1], [RULE, UNKNOWN], DEFAULT), by_choice(modes, 3, type_text))
        return category, kind

    def diversity(self, distinct: IntArray) -> ReasonColumns:
        bands, d = self.rules.diversity, self.rules.new_customer
        codes = list(bands.codes)
        modes = self._modes(distinct > 0)
        ratio = distinct / np.maximum(self.m.orders, 1)
        band = lower_band_codes(bands, ratio)

        def build(k: int, rows: IntArray) -> pa.Array:
            if k == 0:
                detail = [int_text(distinct[rows]), " distinct products over ", int_text(self.m.orders[rows]),
                          " orders"]
                return by_choice(band[rows], len(codes), lambda b, sub: lower_band_texts(
                    bands, ratio[rows], sub, b, [p if isinstance(p, str) else p.take(pa.array(sub))
                                                 for p in detail]))
            if k == 1:
                return constant(unknown("the data has no product detail").text, rows)
            return self._default(d.diversity, _NEW_WHY, rows)

        return ReasonColumns(np.select([modes == 0, modes == 1], [band, -1], codes.index(d.diversity)), codes,
                             np.select([modes == 0, modes == 1], [RULE, UNKNOWN], DEFAULT), by_choice(modes, 3, build))

    # -- the frame -----------------------------------------------------------------------------------------

    def warnings(self) -> pa.Array:
        """Per customer: the region warning, then the registration warning, as the scalar engine orders them."""
        region_warning = take(self.regions.warning, self.regions.group)
        has_region = ~region_warning.is_null().to_numpy(zero_copy_only=False)
        regular_missing = self.regular & ~self.customers.has_registered
        new_missing = ~self.regular & ~self.customers.has_registered
        has_registration = regular_missing | new_missing
        sizes = has_region.astype(np.int64) + has_registration
        offsets = np.zeros(self.count + 1, dtype=np.int32)
        np.cumsum(sizes, out=offsets[1:])
        region_rows = np.flatnonzero(has_region)
        registration_rows = np.flatnonzero(has_registration)
        registration = by_choice(np.where(regular_missing[registration_rows], 0, 1), 2, lambda k, rows: (
            texts_for_ints(self.m.first_purchase[registration_rows[rows]], lambda d: (
                "registeredAt is missing: membership counted from the first purchase "
                f"{date.fromordinal(date(1970, 1, 1).toordinal() + d).isoformat()}"))
            if k == 0 else constant("registeredAt is missing and there are no purchases: membershipDays is 0",
                                    rows)))
        values = pa.concat_arrays([region_warning.filter(pa.array(has_region)), registration])
        slots = np.concatenate([offsets[region_rows], offsets[registration_rows] + has_region[registration_rows]])
        order = np.empty(len(slots), dtype=np.int64)
        order[slots] = np.arange(len(slots))
        return pa.ListArray.from_arrays(pa.array(offsets), values.take(pa.array(order)))

    def frame(self) -> pd.DataFrame:
        rules, d, m, regular = self.rules, self.rules.new_customer, self.m, self.regular
        products = product_lines(self.lines, self.count)
        category, kind = self.affinity()
        reasons = {"ageSegment": self.age(), "churnSegment": self.churn(), "valueSegment": self.value(),
                   "loyaltyTier": self.loyalty(), "affinityCategory": category, "affinityType": kind,
                   "diversityProfile": self.diversity(products.distinct)}
        no_products = regular & ~products.has_products
        median_money = money(np.nan_to_num(self.median))
        new_basket = np.where(self.has_median, median_money, np.nan)
        new_budget = np.where(self.has_median, money(rules.budget_factor * np.nan_to_num(self.median)), np.nan)
        group = self.regions.group
        columns: dict[str, object] = {
            "customerId": _text(self.customers.customer_id),
            "mode": _categorical(np.where(regular, 0, 1), ["regular", "new_customer"]),
            "city": _text(self.customers.city),
            "region": _categorical_from(self.regions.name, group),
            "climateType": _categorical_from(self.regions.climate_type, group),
            "age": _nullable_int(self.customers.age, self.customers.has_age),
            "ageSegment": _code(reasons["ageSegment"]),
            "gender": _text(self.customers.gender),
        }
        for key, column in (("churnSegment", "churnSegment"), ("valueSegment", "valueSegment"),
                            ("loyaltyTier", "loyaltyTier"), ("affinityCategory", "affinityCategory"),
                            ("affinityType", "affinityType"), ("diversityProfile", "diversityProfile")):
            columns[column] = _code(reasons[key])
        columns.update({
            "estimatedBudget": np.where(regular, money(rules.budget_factor * m.avg_basket), new_budget),
            "avgBasket": np.where(regular, self.avg_basket, new_basket),
            "avgMonthlySpend": np.where(regular, money(m.total_spent / m.rate_months), 0.0),
            "lastPurchaseDaysAgo": np.where(regular, m.days_since, d.last_purchase_days_ago),
            "orderCount": np.where(regular, m.orders, 0),
            "totalSpent": np.where(regular, money(m.total_spent), 0.0),
            "membershipDays": np.where(regular | self.customers.has_registered, m.membership_days, 0),
            "missingRegulars": _list(missing_regulars(self.lines, products, self.count, self.today, rules,
                                                      no_products)),
            "topProducts": _list(top_products(self.lines, products, self.count, rules, no_products)),
            "message": _categorical(np.where(regular, 0, 1), [rules.regular.message, d.message]),
            "asOf": _categorical(np.zeros(self.count, dtype=np.int64), [self.as_of.isoformat()]),
            "rulebookVersion": _categorical(np.zeros(self.count, dtype=np.int64), [rules.version]),
            "isNewCustomer": ~regular,
            "medianBasket": self.median,
            "medianBasketSource": _categorical_from(self.regions.source, group),
            "warnings": _list(self.warnings()),
        })
        for key in REASON_KEYS:
            columns[f"{key}Reason"] = _text(reasons[key].text)
            columns[f"{key}Basis"] = _categorical(reasons[key].basis, BASES)
        return pd.DataFrame(columns)


def _text(array: pa.Array) -> pd.Series:
    series: pd.Series = array.to_pandas()
    return series


def _list(array: pa.Array) -> pd.arrays.ArrowExtensionArray:
    return pd.arrays.ArrowExtensionArray(array)


def _nullable_int(values: IntArray, present: BoolArray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype(np.int64), ~present)


def _categorical(codes: IntArray, categories: list[str]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=pd.Index(categories))


def _code(reason: ReasonColumns) -> pd.Categorical[str]:
    return _categorical(reason.code, reason.codes)


def _categorical_from(table: pa.Array, codes: IntArray) -> pd.Categorical[str]:
    """Per-row values of a small table (which may repeat a value) as a categorical."""
    encoded = table.dictionary_encode()
    remap = np.append(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), -1)
    return _categorical(remap[codes], encoded.dictionary.to_pylist())
