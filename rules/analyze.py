"""The rule engine for one customer: validate, pick the mode, compute the metrics, assign segments."""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import Any

from pydantic import ValidationError

from rules.errors import InvalidInput, Problem
from rules.models.analysis import Analysis, MissingRegular, Reason, TopProduct
from rules.models.dates import AsOf, as_of_day, parse_day
from rules.models.request import CUSTOMER_DATA, Customer, CustomerData, ProductLine
from rules.models.trusted import trusted
from rules.reference import product_catalog, reference_regions
from rules.regions import ResolvedRegion, resolve_region
from rules.rulebook import Rulebook, default_rulebook
from rules.segments import Classifiers, classifiers, default, num, reason, unknown


def parse_customer_data(customer_data: Any, as_of: date) -> CustomerData:
    """Validate a `customerData` object.

    Raises:
        InvalidInput: every problem, located relative to `customerData`.
    """
    if not isinstance(customer_data, dict):
        raise InvalidInput([Problem("", "customerData must be a JSON object", _type_name(customer_data))])
    try:
        return CUSTOMER_DATA.validate_python(customer_data, context={"as_of": as_of})
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error, given=customer_data) from None


def analyze_customer(
    customer_data: dict[str, Any], as_of: AsOf = None, *, rulebook: Rulebook | None = None
) -> Analysis:
    """Segment one customer, or profile one region when no customer is given.

    Args:
        customer_data: the seed's `customerData` object (customerId, city, customer, region).
        as_of: the day the analysis is for (a date, datetime, Timestamp or ISO text; see
            `rules.models.dates.as_of_day`); today in UTC when None. Same input and day, same answer.
        rulebook: thresholds and codes; the bundled rulebook when None.

    Returns:
        The analysis. ``model_dump(mode="json", by_alias=True)`` is the seed's `analysis` object.

    Raises:
        InvalidInput: the input breaks one or more rules; every problem is listed with its location.
    """
    day = as_of_day(as_of)
    data = parse_customer_data(customer_data, day)
    return analyze_parsed(data, day, rulebook or default_rulebook())


def analyze_parsed(data: CustomerData, as_of: date, rules: Rulebook) -> Analysis:
    """Segment an already validated request (the mode is chosen here)."""
    region = resolve_region(data)
    customer = data.get("customer")
    customer_id = data.get("customerId") or (customer.get("customerId") if customer else None)
    if customer is None:
        if customer_id is not None:
            raise InvalidInput([Problem("customer", "a customerId needs a customer object", None)])
        return _region_profile(data, region, as_of, rules)
    if not customer.get("productHistory"):
        return _new_customer(data, customer, customer_id, region, as_of, rules)
    return _regular(data, customer, customer_id, region, as_of, rules)


def analyze_request(payload: Any, as_of: AsOf = None) -> Analysis:
    """Analyse a whole request: ``{"customerData": {...}, "asOf": "YYYY-MM-DD"}``.

    Args:
        payload: the request envelope.
        as_of: overrides the payload's `asOf` when given (any form `analyze_customer` takes).

    Raises:
        InvalidInput: the envelope or the customer data is invalid.
    """
    if not isinstance(payload, dict):
        raise InvalidInput([Problem("", "the request must be a JSON object", _type_name(payload))])
    problems = []
    if "customerData" not in payload:
        problems.append(Problem("customerData", "field required", None))
    day = as_of_day(as_of) if as_of is not None else None  # a bad one is named as the argument, not the payload
    if day is None and payload.get("asOf") is not None:
        try:
            day = parse_day(payload["asOf"])
        except ValueError as error:
            problems.append(Problem("asOf", str(error), payload["asOf"]))
    if problems:
        raise InvalidInput(problems)
    try:
        return analyze_customer(payload["customerData"], day)
    except InvalidInput as error:
        raise InvalidInput(
            Problem(f"customerData.{p.loc}" if p.loc else "customerData", p.msg, p.input)
            for p in error.problems
        ) from None


def _type_name(value: Any) -> str:
    return f"<{type(value).__name__}>"


# The analysis is built from the values computed here without validating them again (`rules.models.trusted`):
# every field, in `Analysis`'s field order, with the exact types of its annotations. Reasons arrive as ready
# `Reason` objects, often shared (see `rules.segments`).


def _region_profile(data: CustomerData, region: ResolvedRegion, as_of: date, rules: Rulebook) -> Analysis:
    if region.name is None:
        raise InvalidInput([Problem("region", f"region mode needs a region: {region.how}", data.get("city"))])
    if region.median_basket is None:  # a name outside the reference, and no figures of its own to profile
        seven = ", ".join(r.name for r in reference_regions())
        raise InvalidInput([Problem("region", f"not one of the seven regions ({seven}); a region profile of "
                                    "another region needs a region object with its own medianBasket", region.name)])
    d = rules.region_profile
    median = region.median_basket
    why = f"regional default (region mode, {region.name})"
    return trusted(Analysis, {
        "mode": "region", "customer_id": None, "city": data.get("city"), "region": region.name,
        "climate_type": region.climate_type, "age": None, "age_segment": d.age, "gender": None,
        "churn_segment": d.churn, "value_segment": d.value, "loyalty_tier": d.loyalty,
        "affinity_category": region.trend, "affinity_type": d.affinity, "diversity_profile": d.diversity,
        "estimated_budget": _money(rules.budget_factor * median) if median else None,
        "avg_basket": _money(median) if median else None,
        "avg_monthly_spend": _money(d.monthly_spend_median_multiple * median) if median else 0.0,
        "last_purchase_days_ago": d.last_purchase_days_ago, "order_count": 0, "total_spent": 0.0,
        "membership_days": 0, "missing_regulars": (), "top_products": (), "message": d.message,
        "as_of": as_of, "rulebook_version": rules.version, "is_new_customer": False,
        "median_basket": median, "median_basket_source": region.median_source,
        "reasons": {
            "ageSegment": default(d.age, why),
            "churnSegment": default(d.churn, why),
            "valueSegment": default(d.value, why),
            "loyaltyTier": default(d.loyalty, why),
            "affinityCategory": _trend_reason(region),
            "affinityType": default(d.affinity, why),
            "diversityProfile": default(d.diversity, why),
        },
        "warnings": _region_warnings(region),
    })


def _new_customer(
    data: CustomerData, customer: Customer, customer_id: str | None, region: ResolvedRegion,
    as_of: date, rules: Rulebook,
) -> Analysis:
    d = rules.new_customer
    median = region.median_basket
    why = "new customer, no purchase history yet (seed default)"
    warnings = list(_region_warnings(region))
    registered, age_years = customer.get("registeredAt"), customer.get("age")
    if registered is None:
        warnings.append("registeredAt is missing and there are no purchases: membershipDays is 0")
    age = _age(age_years, classifiers(rules))
    return trusted(Analysis, {
        "mode": "new_customer", "customer_id": customer_id, "city": data.get("city") or customer.get("city"),
        "region": region.name, "climate_type": region.climate_type, "age": age_years,
        "age_segment": age.code, "gender": customer.get("gender"), "churn_segment": d.churn, "value_segment": d.value,
        "loyalty_tier": d.loyalty, "affinity_category": region.trend, "affinity_type": d.affinity,
        "diversity_profile": d.diversity,
        "estimated_budget": _money(rules.budget_factor * median) if median else None,
        "avg_basket": _money(median) if median else None, "avg_monthly_spend": 0.0,
        "last_purchase_days_ago": d.last_purchase_days_ago, "order_count": 0, "total_spent": 0.0,
        "membership_days": (as_of - registered).days if registered else 0,
        "missing_regulars": (), "top_products": (), "message": d.message,
        "as_of": as_of, "rulebook_version": rules.version, "is_new_customer": True,
        "median_basket": median, "median_basket_source": region.median_source,
        "reasons": {
            "ageSegment": age,
            "churnSegment": default(d.churn, f"{why}; lastPurchaseDaysAgo {d.last_purchase_days_ago} "
                                               "stands for 'never'"),
            "valueSegment": default(d.value, why),
            "loyaltyTier": default(d.loyalty, why),
            "affinityCategory": _trend_reason(region),
            "affinityType": default(d.affinity, why),
            "diversityProfile": default(d.diversity, why),
        },
        "warnings": tuple(warnings),
    })


def _regular(
    data: CustomerData, customer: Customer, customer_id: str | None, region: ResolvedRegion,
    as_of: date, rules: Rulebook,
) -> Analysis:
    classify = classifiers(rules)
    lines = customer["productHistory"]
    warnings = _region_warnings(region)
    # Every total in one pass over the history.
    total_spent = 0.0
    line_orders = 0
    last_purchase = lines[0]["lastPurchase"]
    spend_by_category: dict[str, float] = {}
    orders_by_category: dict[str, int] = {}
    products: list[tuple[str, ProductLine]] = []  # the lines with a product id, with it
    for line in lines:
        spent, line_count, category = line["totalSpent"], line["orderCount"], line.get("category")
        total_spent += spent
        line_orders += line_count
        if line["lastPurchase"] > last_purchase:
            last_purchase = line["lastPurchase"]
        if category is not None:
            spend_by_category[category] = spend_by_category.get(category, 0.0) + spent
            orders_by_category[category] = orders_by_category.get(category, 0) + line_count
        product_id = line.get("productId")
        if product_id is not None:
            products.append((product_id, line))
    total_orders = customer.get("totalOrders")
    orders = total_orders if total_orders is not None else line_orders
    days_since = (as_of - last_purchase).days

    registered = customer.get("registeredAt")
    if registered is None:
        registered = min(line.get("firstPurchase") or line["lastPurchase"] for line in lines)
        warnings += (f"registeredAt is missing: membership counted from the first purchase "
                     f"{registered.isoformat()}",)
    membership_days = (as_of - registered).days
    rate_months = max(membership_days / rules.days_per_month, rules.min_months_for_rates)
    avg_basket = total_spent / orders if orders else 0.0

    age_years = customer.get("age")
    age = unknown("age is missing") if age_years is None else classify.age(age_years)
    churn = classify.churn(days_since)
    value = _value(avg_basket, region, classify)
    loyalty = classify.loyalty(membership_days, orders)
    affinity_category, affinity = _affinity(spend_by_category, orders_by_category, line_orders, classify)
    if products:
        diversity = classify.diversity(len({product_id for product_id, _ in products}), orders)
    else:
        diversity = unknown("the data has no product detail")

    # Money is reported to the cent.
    return trusted(Analysis, {
        "mode": "regular", "customer_id": customer_id, "city": data.get("city") or customer.get("city"),
        "region": region.name, "climate_type": region.climate_type, "age": age_years,
        "age_segment": age.code, "gender": customer.get("gender"), "churn_segment": churn.code or "",
        "value_segment": value.code, "loyalty_tier": loyalty.code, "affinity_category": affinity_category.code,
        "affinity_type": affinity.code, "diversity_profile": diversity.code,
        "estimated_budget": round(rules.budget_factor * avg_basket, 2), "avg_basket": round(avg_basket, 2),
        "avg_monthly_spend": round(total_spent / rate_months, 2), "last_purchase_days_ago": days_since,
        "order_count": orders, "total_spent": round(total_spent, 2), "membership_days": membership_days,
        "missing_regulars": _missing_regulars(products, as_of, rules) if products else None,
        "top_products": _top_products(products, rules) if products else None,
        "message": rules.regular.message, "as_of": as_of, "rulebook_version": rules.version,
        "is_new_customer": False, "median_basket": region.median_basket,
        "median_basket_source": region.median_source,
        "reasons": {
            "ageSegment": age,
            "churnSegment": churn,
            "valueSegment": value,
            "loyaltyTier": loyalty,
            "affinityCategory": affinity_category,
            "affinityType": affinity,
            "diversityProfile": diversity,
        },
        "warnings": warnings,
    })


@lru_cache(maxsize=4096)
def _seed_datetime(day: date) -> str:
    """The seed writes purchase days as midnight datetimes ("2026-01-20T00:00:00").

    Cached: purchase days repeat from customer to customer.
    """
    return f"{day.isoformat()}T00:00:00"


def _money(amount: float) -> float:
    return round(amount, 2)


def _age(age: int | None, classify: Classifiers) -> Reason:
    return unknown("age is missing") if age is None else classify.age(age)


def _value(avg_basket: float, region: ResolvedRegion, classify: Classifiers) -> Reason:
    if not region.median_basket:
        return unknown(f"no median basket for the region ({region.name or region.how})")
    return classify.value(avg_basket / region.median_basket,
                          f"avgBasket {num(avg_basket)}{_median_basket_detail(region)}")


_MEDIAN_SOURCES = {"request": "the request", "reference": "the reference table",
                   "cohort": "this cohort's own median, as the region is not in the reference table"}


@lru_cache(maxsize=1024)
def _median_basket_detail(region: ResolvedRegion) -> str:
    """The region's part of the value reason's detail (the same for every customer of the region)."""
    return (f" vs median basket {num(region.median_basket or 0.0)} of {region.name}, "
            f"from {_MEDIAN_SOURCES[region.median_source or 'request']}")


def _affinity(
    spend_by_category: dict[str, float], orders_by_category: dict[str, int], line_orders: int,
    classify: Classifiers,
) -> tuple[Reason, Reason]:
    if not spend_by_category:
        missing = unknown("the data has no product categories")
        return missing, missing
    # Highest spend wins; ties go to the alphabetically first category, so the answer is reproducible.
    top, top_spend, total = "", -1.0, 0.0
    for name, spent in spend_by_category.items():
        total += spent  # in order of first appearance, as the cohort path adds them
        if spent > top_spend or (spent == top_spend and name < top):
            top, top_spend = name, spent
    category = reason(top, "rule", f"{top}: highest spend, {num(top_spend)} of {num(total)}")
    return category, classify.affinity_type(top, orders_by_category[top], line_orders)


def _missing_regulars(
    products: list[tuple[str, ProductLine]], as_of: date, rules: Rulebook,
) -> tuple[MissingRegular, ...]:
    cfg = rules.missing_regulars
    found: list[MissingRegular] = []
    for product_id, line in products:
        gap = line.get("avgDaysBetween")
        if gap is None or gap > cfg.max_avg_days_between:
            continue
        since = (as_of - line["lastPurchase"]).days
        if since > cfg.overdue_factor * gap:
            name, category = _catalog_names().get(product_id, _NO_NAMES)
            found.append({
                "productId": product_id, "productName": line.get("productName") or name,
                "category": line.get("category") or category, "avgDaysBetween": gap,
                "daysSinceLastPurchase": since, "daysOverdue": round(since - gap, 2),
                "lastBought": _seed_datetime(line["lastPurchase"]),
            })
    if len(found) > 1:
        found.sort(key=lambda m: (-m["daysOverdue"], m["productId"]))
    return tuple(found)


def _top_products(products: list[tuple[str, ProductLine]], rules: Rulebook) -> tuple[TopProduct, ...]:
    names = _catalog_names()
    ranked = sorted(products, key=_by_spend) if len(products) > 1 else products
    top: list[TopProduct] = []
    for product_id, line in ranked[: rules.top_products]:
        name, category = names.get(product_id, _NO_NAMES)
        top.append({
            "productId": product_id, "totalQuantity": line["totalQuantity"],
            "totalSpent": round(line["totalSpent"], 2), "lastBought": _seed_datetime(line["lastPurchase"]),
            "productName": line.get("productName") or name, "category": line.get("category") or category,
        })
    return tuple(top)


def _by_spend(product: tuple[str, ProductLine]) -> tuple[float, str]:
    """Highest spend first; ties by product id, so the order is reproducible."""
    product_id, line = product
    return -line["totalSpent"], product_id


_NO_NAMES: tuple[None, None] = (None, None)


@cache
def _catalog_names() -> dict[str, tuple[str, str]]:
    """Product id → (name, category) from the bundled catalog."""
    return {product_id: (p.product_name, p.category) for product_id, p in product_catalog().items()}


def _trend_reason(region: ResolvedRegion) -> Reason:
    if region.trend is None:
        return unknown(f"no trend for the region ({region.name})")
    return reason(region.trend, "default", f"{region.trend}: trend of region {region.name}")


def _region_warnings(region: ResolvedRegion) -> tuple[str, ...]:
    if region.median_basket is None:
        # Regular customers' valueSegment is then unknown; new customers' is the seed default anyway.
        return (f"region unresolved or without a median basket ({region.how}): no median for valueSegment",)
    return ()
