"""The rule engine for one customer: validate, pick the mode, compute the metrics, assign segments."""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import Any

from pydantic import ValidationError

from rules.errors import InvalidInput, Problem
from rules.models.analysis import Analysis, Reason
from rules.models.dates import parse_day, today_utc
from rules.models.request import Customer, CustomerData, ProductLine
from rules.reference import product_catalog
from rules.regions import ResolvedRegion, resolve_region
from rules.rulebook import Rulebook, default_rulebook
from rules.segments import Classifiers, ReasonData, classifiers, default, num, unknown, unknown_data


def parse_customer_data(customer_data: Any, as_of: date) -> CustomerData:
    """Validate a `customerData` object.

    Raises:
        InvalidInput: every problem, located relative to `customerData`.
    """
    if not isinstance(customer_data, dict):
        raise InvalidInput([Problem("", "customerData must be a JSON object", _type_name(customer_data))])
    try:
        return CustomerData.model_validate(customer_data, context={"as_of": as_of})
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error) from None


def analyze_customer(
    customer_data: dict[str, Any], as_of: date | None = None, *, rulebook: Rulebook | None = None
) -> Analysis:
    """Segment one customer, or profile one region when no customer is given.

    Args:
        customer_data: the seed's `customerData` object (customerId, city, customer, region).
        as_of: the day the analysis is for; today in UTC when None. Same input and day, same answer.
        rulebook: thresholds and codes; the bundled rulebook when None.

    Returns:
        The analysis. ``model_dump(mode="json", by_alias=True)`` is the seed's `analysis` object.

    Raises:
        InvalidInput: the input breaks one or more rules; every problem is listed with its location.
    """
    day = as_of or today_utc()
    data = parse_customer_data(customer_data, day)
    return analyze_parsed(data, day, rulebook or default_rulebook())


def analyze_parsed(data: CustomerData, as_of: date, rules: Rulebook) -> Analysis:
    """Segment an already validated request (the mode is chosen here)."""
    region = resolve_region(data)
    customer = data.customer
    customer_id = data.customer_id or (customer.customer_id if customer else None)
    if customer is None:
        if customer_id is not None:
            raise InvalidInput([Problem("customer", "a customerId needs a customer object", None)])
        return _region_profile(data, region, as_of, rules)
    if not customer.product_history:
        return _new_customer(data, customer, customer_id, region, as_of, rules)
    return _regular(data, customer, customer_id, region, as_of, rules)


def analyze_request(payload: Any, as_of: date | None = None) -> Analysis:
    """Analyse a whole request: ``{"customerData": {...}, "asOf": "YYYY-MM-DD"}``.

    Args:
        payload: the request envelope.
        as_of: overrides the payload's `asOf` when given.

    Raises:
        InvalidInput: the envelope or the customer data is invalid.
    """
    if not isinstance(payload, dict):
        raise InvalidInput([Problem("", "the request must be a JSON object", _type_name(payload))])
    problems = []
    if "customerData" not in payload:
        problems.append(Problem("customerData", "field required", None))
    day = as_of
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


# The analysis is built as the seed's plain `analysis` object (camelCase keys, nested dicts) and validated into
# `Analysis` in one call: that costs a fraction of constructing each nested model on its own. Reasons arrive
# as ready `Reason` objects (often shared, see `rules.segments`) and pass through as they are.


def _region_profile(data: CustomerData, region: ResolvedRegion, as_of: date, rules: Rulebook) -> Analysis:
    if region.name is None:
        raise InvalidInput([Problem("region", f"region mode needs a region: {region.how}", data.city)])
    d = rules.region_profile
    median = region.median_basket
    why = f"regional default (region mode, {region.name})"
    return Analysis.model_validate({
        "mode": "region", "city": data.city, "region": region.name, "climateType": region.climate_type,
        "ageSegment": d.age, "gender": None, "churnSegment": d.churn, "valueSegment": d.value,
        "loyaltyTier": d.loyalty, "affinityCategory": region.trend, "affinityType": d.affinity,
        "diversityProfile": d.diversity,
        "estimatedBudget": _money(rules.budget_factor * median) if median else None,
        "avgBasket": _money(median) if median else None,
        "avgMonthlySpend": _money(d.monthly_spend_median_multiple * median) if median else 0.0,
        "lastPurchaseDaysAgo": d.last_purchase_days_ago, "orderCount": 0, "totalSpent": 0.0, "membershipDays": 0,
        "missingRegulars": (), "topProducts": (), "message": d.message,
        "asOf": as_of, "rulebookVersion": rules.version, "isNewCustomer": False,
        "medianBasket": median, "medianBasketSource": region.median_source,
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
    if customer.registered_at is None:
        warnings.append("registeredAt is missing and there are no purchases: membershipDays is 0")
    age = _age(customer.age, classifiers(rules))
    return Analysis.model_validate({
        "mode": "new_customer", "customerId": customer_id, "city": data.city or customer.city,
        "region": region.name, "climateType": region.climate_type, "age": customer.age, "ageSegment": age.code,
        "gender": customer.gender, "churnSegment": d.churn, "valueSegment": d.value, "loyaltyTier": d.loyalty,
        "affinityCategory": region.trend, "affinityType": d.affinity, "diversityProfile": d.diversity,
        "estimatedBudget": _money(rules.budget_factor * median) if median else None,
        "avgBasket": _money(median) if median else None, "avgMonthlySpend": 0.0,
        "lastPurchaseDaysAgo": d.last_purchase_days_ago, "orderCount": 0, "totalSpent": 0.0,
        "membershipDays": (as_of - customer.registered_at).days if customer.registered_at else 0,
        "missingRegulars": (), "topProducts": (), "message": d.message,
        "asOf": as_of, "rulebookVersion": rules.version, "isNewCustomer": True,
        "medianBasket": median, "medianBasketSource": region.median_source,
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
        "warnings": warnings,
    })


def _regular(
    data: CustomerData, customer: Customer, customer_id: str | None, region: ResolvedRegion,
    as_of: date, rules: Rulebook,
) -> Analysis:
    classify = classifiers(rules)
    lines = customer.product_history
    warnings = list(_region_warnings(region))
    total_spent = sum(line.total_spent for line in lines)
    # Every other total in one pass over the history.
    line_orders = 0
    last_purchase = lines[0].last_purchase
    spend_by_category: dict[str, float] = {}
    orders_by_category: dict[str, int] = {}
    products = []
    for line in lines:
        line_orders += line.order_count
        last_purchase = max(last_purchase, line.last_purchase)
        if line.category is not None:
            spend_by_category[line.category] = spend_by_category.get(line.category, 0.0) + line.total_spent
            orders_by_category[line.category] = orders_by_category.get(line.category, 0) + line.order_count
        if line.product_id is not None:
            products.append(line)
    orders = customer.total_orders if customer.total_orders is not None else line_orders
    days_since = (as_of - last_purchase).days

    registered = customer.registered_at
    if registered is None:
        registered = min(line.first_purchase or line.last_purchase for line in lines)
        warnings.append(f"registeredAt is missing: membership counted from the first purchase "
                        f"{registered.isoformat()}")
    membership_days = (as_of - registered).days
    rate_months = max(membership_days / rules.days_per_month, rules.min_months_for_rates)
    avg_basket = total_spent / orders if orders else 0.0

    age = _age(customer.age, classify)
    churn = classify.churn(days_since)
    value = _value(avg_basket, region, classify)
    loyalty = classify.loyalty(membership_days, orders)
    affinity_category, affinity = _affinity(spend_by_category, orders_by_category, line_orders, classify)
    if products:
        diversity = classify.diversity(len({line.product_id for line in products}), orders)
    else:
        diversity = unknown("the data has no product detail")

    # Money is reported to the cent.
    return Analysis.model_validate({
        "mode": "regular", "customerId": customer_id, "city": data.city or customer.city, "region": region.name,
        "climateType": region.climate_type, "age": customer.age, "ageSegment": age.code,
        "gender": customer.gender, "churnSegment": churn.code or "",
        "valueSegment": value["code"], "loyaltyTier": loyalty["code"], "affinityCategory": affinity_category["code"],
        "affinityType": affinity.code, "diversityProfile": diversity.code,
        "estimatedBudget": round(rules.budget_factor * avg_basket, 2), "avgBasket": round(avg_basket, 2),
        "avgMonthlySpend": round(total_spent / rate_months, 2), "lastPurchaseDaysAgo": days_since,
        "orderCount": orders, "totalSpent": round(total_spent, 2), "membershipDays": membership_days,
        "missingRegulars": _missing_regulars(products, as_of, rules) if products else None,
        "topProducts": _top_products(products, rules) if products else None,
        "message": rules.regular.message, "asOf": as_of, "rulebookVersion": rules.version,
        "isNewCustomer": False, "medianBasket": region.median_basket, "medianBasketSource": region.median_source,
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


def _value(avg_basket: float, region: ResolvedRegion, classify: Classifiers) -> ReasonData:
    if not region.median_basket:
        return unknown_data(f"no median basket for the region ({region.name or region.how})")
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
) -> tuple[ReasonData, Reason]:
    if not spend_by_category:
        missing = "the data has no product categories"
        return unknown_data(missing), unknown(missing)
    # Highest spend wins; ties go to the alphabetically first category, so the answer is reproducible.
    top = min(spend_by_category, key=lambda c: (-spend_by_category[c], c))
    total = sum(spend_by_category.values())
    category: ReasonData = {"code": top, "basis": "rule",
                            "text": f"{top}: highest spend, {num(spend_by_category[top])} of {num(total)}"}
    return category, classify.affinity_type(top, orders_by_category[top], line_orders)


def _missing_regulars(lines: list[ProductLine], as_of: date, rules: Rulebook) -> list[dict[str, Any]]:
    cfg = rules.missing_regulars
    found: list[dict[str, Any]] = []
    for line in lines:
        gap = line.avg_days_between
        if gap is None or gap > cfg.max_avg_days_between or line.product_id is None:
            continue
        since = (as_of - line.last_purchase).days
        if since > cfg.overdue_factor * gap:
            name, category = _catalog_names().get(line.product_id, _NO_NAMES)
            found.append({
                "productId": line.product_id, "productName": line.product_name or name,
                "category": line.category or category, "avgDaysBetween": gap, "daysSinceLastPurchase": since,
                "daysOverdue": round(since - gap, 2), "lastBought": _seed_datetime(line.last_purchase),
            })
    found.sort(key=lambda m: (-m["daysOverdue"], m["productId"]))
    return found


def _top_products(lines: list[ProductLine], rules: Rulebook) -> list[dict[str, Any]]:
    names = _catalog_names()
    ranked = sorted(lines, key=lambda line: (-line.total_spent, line.product_id or ""))
    top = []
    for line in ranked[: rules.top_products]:
        name, category = names.get(line.product_id or "", _NO_NAMES)
        top.append({
            "productId": line.product_id or "", "totalQuantity": line.total_quantity,
            "totalSpent": round(line.total_spent, 2), "lastBought": _seed_datetime(line.last_purchase),
            "productName": line.product_name or name, "category": line.category or category,
        })
    return top


_NO_NAMES: tuple[None, None] = (None, None)


@cache
def _catalog_names() -> dict[str, tuple[str, str]]:
    """Product id → (name, category) from the bundled catalog."""
    return {product_id: (p.product_name, p.category) for product_id, p in product_catalog().items()}


def _trend_reason(region: ResolvedRegion) -> Reason:
    if region.trend is None:
        return unknown(f"no trend for the region ({region.name})")
    return Reason(code=region.trend, basis="default", text=f"{region.trend}: trend of region {region.name}")


def _region_warnings(region: ResolvedRegion) -> tuple[str, ...]:
    if region.median_basket is None:
        return (f"region unresolved or without a median basket ({region.how}): valueSegment is unknown",)
    return ()
