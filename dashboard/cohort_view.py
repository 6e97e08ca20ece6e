"""What the Cohort and Regions pages show, as pure functions of the results table (see `dashboard.results`).

Nothing here touches Streamlit, so every number on the pages is unit-tested. Segment values follow the
rulebook's order; customers whose segment is undecided are counted under `UNKNOWN`, never dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rules.rulebook import Rulebook, default_rulebook

UNKNOWN = "(unknown)"
UNKNOWN_LABEL = "Unknown — data missing"


@dataclass(frozen=True, slots=True)
class Kpis:
    """The cohort's headline numbers.

    Attributes:
        customers: customers in the table.
        revenue: total spend of those customers.
        orders: their orders.
        avg_basket: revenue per order (0 when there are no orders).
        at_risk: customers in the rulebook's last churn band (at risk), new customers included as the seed does.
        share_at_risk: at_risk / customers (0 for an empty table).
    """

    customers: int
    revenue: float
    orders: int
    avg_basket: float
    at_risk: int
    share_at_risk: float


def dimension_codes(dimension: str, rulebook: Rulebook | None = None) -> tuple[str, ...]:
    """The codes of a segment dimension, in rulebook order."""
    return tuple(s.code for s in (rulebook or default_rulebook()).dimensions[dimension])


def segment_label(code: str, rulebook: Rulebook | None = None) -> str:
    """A segment code as people read it: ``"Riskli — at risk"``; the unknown marker reads as such."""
    if code == UNKNOWN:
        return UNKNOWN_LABEL
    rules = rulebook or default_rulebook()
    try:
        return rules.display_name(code)
    except KeyError:
        return code


def filter_label(column: str, value: str, rulebook: Rulebook | None = None) -> str:
    """A value of a filter's column as the filter shows it: a missing one in the charts' words (`UNKNOWN_LABEL`),
    a segment code with its English name, a region as the file wrote it (even one named like a segment code)."""
    if value == UNKNOWN:
        return UNKNOWN_LABEL
    rules = rulebook or default_rulebook()
    return segment_label(value, rules) if column in rules.dimensions else value


def segment_labels(codes: pd.Series, rulebook: Rulebook | None = None) -> pd.Series:
    """A column of segment codes (or categories) as people read them, an undecided one as `UNKNOWN_LABEL`: the
    words the charts use, for a table. Labelled once per distinct value, not row by row."""
    rules = rulebook or default_rulebook()
    filled = codes.astype(object).where(codes.notna(), UNKNOWN)
    return filled.map({code: segment_label(str(code), rules) for code in filled.unique()})


def segment_values(frame: pd.DataFrame, dimension: str, rulebook: Rulebook | None = None) -> list[str]:
    """The values a dimension takes in the table: rulebook codes present, in order, then `UNKNOWN` if any."""
    column = frame[dimension]
    present = set(column.dropna().unique())
    if dimension in (rulebook or default_rulebook()).dimensions:
        values = [code for code in dimension_codes(dimension, rulebook) if code in present]
        values += sorted(present - set(values))
    else:
        values = sorted(present)
    if column.isna().any():
        values.append(UNKNOWN)
    return values


def filter_customers(frame: pd.DataFrame, selections: Mapping[str, Collection[str]]) -> pd.DataFrame:
    """The customers whose every filtered column takes one of the selected values.

    Args:
        frame: the results table.
        selections: column → allowed values; `UNKNOWN` selects missing values. An empty selection means
            "no filter" for that column.
    """
    mask = pd.Series(True, index=frame.index)
    for column, allowed in selections.items():
        if not allowed:
            continue
        values = frame[column]
        keep = values.isin([v for v in allowed if v != UNKNOWN])
        if UNKNOWN in allowed:
            keep |= values.isna()
        mask &= keep
    return frame.loc[mask]


def kpis(frame: pd.DataFrame, rulebook: Rulebook | None = None) -> Kpis:
    """Customers, revenue, average basket (revenue per order) and the share at risk."""
    rules = rulebook or default_rulebook()
    customers = len(frame)
    revenue = float(frame["totalSpent"].sum())
    orders = int(frame["orderCount"].sum())
    at_risk = int((frame["churnSegment"] == rules.churn.bands[-1].code).sum())
    return Kpis(
        customers=customers,
        revenue=round(revenue, 2),
        orders=orders,
        avg_basket=round(revenue / orders, 2) if orders else 0.0,
        at_risk=at_risk,
        share_at_risk=at_risk / customers if customers else 0.0,
    )


def distribution(frame: pd.DataFrame, dimension: str, rulebook: Rulebook | None = None) -> pd.DataFrame:
    """Customers per value of a dimension.

    Returns:
        Columns ``code, label, customers, share``: every rulebook code in order (zeros included), then
        `UNKNOWN` when some customers are undecided. For a dimension outside the rulebook (e.g.
        affinityCategory) the values seen, most customers first.
    """
    rules = rulebook or default_rulebook()
    counts = frame[dimension].value_counts(dropna=False)
    unknown = int(counts[counts.index.isna()].sum())
    counts = counts[counts.index.notna()]
    if dimension in rules.dimensions:
        codes = list(dimension_codes(dimension, rules))
        codes += sorted(set(counts.index) - set(codes))
    else:
        codes = sorted(counts.index, key=lambda c: (-int(counts[c]), str(c)))
    rows = [(code, int(counts.get(code, 0))) for code in codes]
    if unknown:
        rows.append((UNKNOWN, unknown))
    total = len(frame)
    return pd.DataFrame({
        "code": [code for code, _ in rows],
        "label": [segment_label(code, rules) for code, _ in rows],
        "customers": pd.array([n for _, n in rows], dtype="int64"),
        "share": [n / total if total else 0.0 for _, n in rows],
    })


def crosstab(frame: pd.DataFrame, rows: str, columns: str, rulebook: Rulebook | None = None) -> pd.DataFrame:
    """Customers per pair of values of two dimensions, e.g. loyalty tier × churn segment.

    Returns:
        A frame indexed by the row dimension's labels with the column dimension's labels as columns,
        every rulebook code in order (zeros included), `UNKNOWN` last where present.
    """
    rules = rulebook or default_rulebook()
    row_codes = [*dimension_codes(rows, rules)] + ([UNKNOWN] if frame[rows].isna().any() else [])
    col_codes = [*dimension_codes(columns, rules)] + ([UNKNOWN] if frame[columns].isna().any() else [])
    table = pd.crosstab(frame[rows].fillna(UNKNOWN), frame[columns].fillna(UNKNOWN))
    table = table.reindex(index=row_codes, columns=col_codes, fill_value=0).astype("int64")
    table.index = pd.Index([segment_label(c, rules) for c in row_codes], name=rows)
    table.columns = pd.Index([segment_label(c, rules) for c in col_codes], name=columns)
    return table


def missing_regular_opportunities(frame: pd.DataFrame) -> pd.DataFrame:
    """Which regular products are overdue, and for how many customers: the win-back list.

    Returns:
        Columns ``productId, productName, category, customers, medianDaysOverdue, medianUsualGapDays``,
        most customers first (then product id). Empty, with those columns, when nothing is overdue.
    """
    columns = ["productId", "productName", "category", "customers", "medianDaysOverdue", "medianUsualGapDays"]
    items = [item for items in frame["missingRegulars"] for item in items]
    if not items:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith("median") else
                                          ("int64" if c == "customers" else "str")) for c in columns})
    lines = pd.DataFrame.from_records(items, columns=["productId", "productName", "category", "daysOverdue",
                                                      "avgDaysBetween"])
    grouped = lines.groupby("productId", sort=False).agg(
        productName=("productName", "first"),
        category=("category", "first"),
        customers=("productId", "size"),
        medianDaysOverdue=("daysOverdue", "median"),
        medianUsualGapDays=("avgDaysBetween", "median"),
    ).reset_index()
    grouped["customers"] = grouped["customers"].astype("int64")
    return grouped.sort_values(["customers", "productId"], ascending=[False, True], ignore_index=True)[columns]


def region_baskets(frame: pd.DataFrame, reference: Mapping[str, float]) -> pd.DataFrame:
    """Each region's actual median basket in the cohort beside its reference median.

    The actual median is over the region's customers with purchases (new customers have no basket).

    Args:
        frame: the results table.
        reference: region name → reference median basket (from the agent's region profiles).

    Returns:
        Columns ``region, customers, actualMedianBasket, referenceMedianBasket, difference`` (actual −
        reference, NaN where either is unknown): the reference regions in the given order, then regions only
        the cohort has.
    """
    buyers = frame.loc[~frame["isNewCustomer"] & frame["region"].notna()]
    actual = buyers.groupby("region")["avgBasket"].median()
    customers = frame.groupby("region").size()
    names = list(reference) + sorted(set(customers.index) - set(reference))
    out = pd.DataFrame({
        "region": names,
        "customers": pd.array([int(customers.get(n, 0)) for n in names], dtype="int64"),
        "actualMedianBasket": [float(actual[n]) if n in actual.index else float("nan") for n in names],
        "referenceMedianBasket": [float(reference[n]) if n in reference else float("nan") for n in names],
    })
    out["difference"] = out["actualMedianBasket"] - out["referenceMedianBasket"]
    return out


def region_mix(frame: pd.DataFrame, dimension: str, rulebook: Rulebook | None = None) -> pd.DataFrame:
    """Each region's segment mix for one dimension, long format for a stacked bar chart.

    Returns:
        Columns ``region, code, label, customers, share`` (share within the region); regions sorted by name,
        codes in rulebook order, only pairs with customers. Customers without a region are left out.
    """
    rules = rulebook or default_rulebook()
    located = frame.loc[frame["region"].notna()]
    pairs = (located.assign(_code=located[dimension].fillna(UNKNOWN))
             .groupby(["region", "_code"]).size().rename("customers").reset_index())
    order = {code: i for i, code in enumerate([*dimension_codes(dimension, rules), UNKNOWN])}
    pairs["_order"] = pairs["_code"].map(order).fillna(len(order))
    pairs = pairs.sort_values(["region", "_order"], ignore_index=True)
    totals = pairs.groupby("region")["customers"].transform("sum")
    return pd.DataFrame({
        "region": pairs["region"].astype("str"),
        "code": pairs["_code"].astype("str"),
        "label": [segment_label(c, rules) for c in pairs["_code"]],
        "customers": pairs["customers"].astype("int64"),
        "share": pairs["customers"] / totals,
    })


def cohort_facts(frame: pd.DataFrame, rulebook: Rulebook | None = None, top: int = 5) -> dict[str, Any]:
    """The cohort in numbers, as plain data for the agent to narrate (no customer-level data)."""
    rules = rulebook or default_rulebook()
    numbers = kpis(frame, rules)
    segments: dict[str, dict[str, int]] = {}
    for dimension in rules.dimensions:
        dist = distribution(frame, dimension, rules)
        segments[dimension] = {str(label): int(n) for label, n in zip(dist["label"], dist["customers"], strict=True)
                               if n}
    opportunities = missing_regular_opportunities(frame).head(top)
    return {
        "customers": numbers.customers,
        "revenue": numbers.revenue,
        "currency": rules.currency,
        "averageBasket": numbers.avg_basket,
        "shareAtRisk": round(numbers.share_at_risk, 4),
        "newCustomers": int(frame["isNewCustomer"].sum()),
        "segments": segments,
        "topCategories": {str(k): int(v) for k, v in frame["affinityCategory"].value_counts().head(top).items()},
        "overdueRegulars": [
            {"product": name if isinstance(name, str) else str(pid), "customers": int(n)}
            for name, pid, n in zip(opportunities["productName"], opportunities["productId"],
                                    opportunities["customers"], strict=True)
        ],
    }
