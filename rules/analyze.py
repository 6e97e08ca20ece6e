"""The rule engine for one customer: validate, pick the mode, compute the metrics, assign segments."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pydantic import ValidationError

from rules.errors import InvalidInput, Problem
from rules.models.analysis import Analysis, MissingRegular, Reason, TopProduct
from rules.models.dates import parse_day, today_utc
from rules.models.request import Customer, CustomerData, ProductLine
from rules.reference import product_catalog
from rules.regions import ResolvedRegion, resolve_region
from rules.rulebook import Rulebook, default_rulebook
from rules.segments import by_lower_bands, by_loyalty_tiers, by_upper_bands, default, num, unknown


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
    if not any(True for _ in customer.product_history):
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


def _region_profile(data: CustomerData, region: ResolvedRegion, as_of: date, rules: Rulebook) -> Analysis:
    if region.name is None:
        raise InvalidInput([Problem("region", f"region mode needs a region: {region.how}", data.city)])
    d = rules.region_profile
    median = region.median_basket
    why = f"regional default (region mode, {region.name})"
    return Analysis(
        mode="region", city=data.city, region=region.name, climate_type=region.climate_type,
        age_segment=d.age, gender=None, churn_segment=d.churn, value_segment=d.value,
        loyalty_tier=d.loyalty, affinity_category=region.trend, affinity_type=d.affinity,
        diversity_profile=d.diversity,
        estimated_budget=_money(rules.budget_factor * median) if median else None,
        avg_basket=_money(median) if median else None,
        avg_monthly_spend=_money(d.monthly_spend_median_multiple * median) if median else 0.0,
        last_purchase_days_ago=d.last_purchase_days_ago, order_count=0, total_spent=0.0, membership_days=0,
        missing_regulars=(), top_products=(), message=d.message,
        as_of=as_of, rulebook_version=rules.version, is_new_customer=False,
        median_basket=median, median_basket_source=region.median_source,
        reasons={
            "ageSegment": default(d.age, why),
            "churnSegment": default(d.churn, why),
            "valueSegment": default(d.value, why),
            "loyaltyTier": default(d.loyalty, why),
            "affinityCategory": _trend_reason(region),
            "affinityType": default(d.affinity, why),
            "diversityProfile": default(d.diversity, why),
        },
        warnings=_region_warnings(region),
    )


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
    return Analysis(
        mode="new_customer", customer_id=customer_id, city=data.city or customer.city, region=region.name,
        climate_type=region.climate_type, age=customer.age, age_segment=_age(customer.age, rules).code,
        gender=customer.gender, churn_segment=d.churn, value_segment=d.value, loyalty_tier=d.loyalty,
        affinity_category=region.trend, affinity_type=d.affinity, diversity_profile=d.diversity,
        estimated_budget=_money(rules.budget_factor * median) if median else None,
        avg_basket=_money(median) if median else None, avg_monthly_spend=0.0,
        last_purchase_days_ago=d.last_purchase_days_ago, order_count=0, total_spent=0.0,
        membership_days=(as_of - customer.registered_at).days if customer.registered_at else 0,
        missing_regulars=(), top_products=(), message=d.message,
        as_of=as_of, rulebook_version=rules.version, is_new_customer=True,
        median_basket=median, median_basket_source=region.median_source,
        reasons={
            "ageSegment": _age(customer.age, rules),
            "churnSegment": default(d.churn, f"{why}; lastPurchaseDaysAgo {d.last_purchase_days_ago} "
                                               "stands for 'never'"),
            "valueSegment": default(d.value, why),
            "loyaltyTier": default(d.loyalty, why),
            "affinityCategory": _trend_reason(region),
            "affinityType": default(d.affinity, why),
            "diversityProfile": default(d.diversity, why),
        },
        warnings=tuple(warnings),
    )


def _regular(
    data: CustomerData, customer: Customer, customer_id: str | None, region: ResolvedRegion,
    as_of: date, rules: Rulebook,
) -> Analysis:
    lines = customer.product_history
    warnings = list(_region_warnings(region))
    total_spent = sum(line.total_spent for line in lines)
    line_orders = sum(line.order_count for line in lines)
    orders = customer.total_orders if customer.total_orders is not None else line_orders
    last_purchase = max(line.last_purchase for line in lines)
    days_since = (as_of - last_purchase).days

    registered = customer.registered_at
    if registered is None:
        registered = min(line.first_purchase or line.last_purchase for line in lines)
        warnings.append(f"registeredAt is missing: membership counted from the first purchase "
                        f"{registered.isoformat()}")
    membership_days = (as_of - registered).days
    months = membership_days / rules.days_per_month
    rate_months = max(months, rules.min_months_for_rates)
    avg_basket = total_spent / orders if orders else 0.0

    value = _value(avg_basket, region, rules)
    churn = by_upper_bands(rules.churn, days_since)
    loyalty = by_loyalty_tiers(rules.loyalty.tiers, months, orders / rate_months, orders)
    affinity_category, affinity = _affinity(lines, line_orders, rules)
    products = [line for line in lines if line.product_id is not None]
    if products:
        distinct = len({line.product_id for line in products})
        diversity = by_lower_bands(rules.diversity, distinct / orders,
                                   detail=f"{distinct} distinct products over {orders} orders")
    else:
        diversity = unknown("the data has no product detail")

    return Analysis(
        mode="regular", customer_id=customer_id, city=data.city or customer.city, region=region.name,
        climate_type=region.climate_type, age=customer.age, age_segment=_age(customer.age, rules).code,
        gender=customer.gender, churn_segment=churn.code or "",
        value_segment=value.code, loyalty_tier=loyalty.code, affinity_category=affinity_category.code,
        affinity_type=affinity.code, diversity_profile=diversity.code,
        estimated_budget=_money(rules.budget_factor * avg_basket), avg_basket=_money(avg_basket),
        avg_monthly_spend=_money(total_spent / rate_months), last_purchase_days_ago=days_since,
        order_count=orders, total_spent=_money(total_spent), membership_days=membership_days,
        missing_regulars=_missing_regulars(products, as_of, rules) if products else None,
        top_products=_top_products(products, rules) if products else None,
        message=rules.regular.message, as_of=as_of, rulebook_version=rules.version, is_new_customer=False,
        median_basket=region.median_basket, median_basket_source=region.median_source,
        reasons={
            "ageSegment": _age(customer.age, rules),
            "churnSegment": churn,
            "valueSegment": value,
            "loyaltyTier": loyalty,
            "affinityCategory": affinity_category,
            "affinityType": affinity,
            "diversityProfile": diversity,
        },
        warnings=tuple(warnings),
    )


def _seed_datetime(day: date) -> str:
    """The seed writes purchase days as midnight datetimes ("2026-01-20T00:00:00")."""
    return f"{day.isoformat()}T00:00:00"


def _money(amount: float) -> float:
    return round(amount, 2)


def _age(age: int | None, rules: Rulebook) -> Reason:
    return unknown("age is missing") if age is None else by_upper_bands(rules.age, age)


def _value(avg_basket: float, region: ResolvedRegion, rules: Rulebook) -> Reason:
    if not region.median_basket:
        return unknown(f"no median basket for the region ({region.name or region.how})")
    source = {"request": "the request", "reference": "the reference table",
              "cohort": "this cohort's own median, as the region is not in the reference table"}
    detail = (f"avgBasket {num(avg_basket)} vs median basket {num(region.median_basket)} of "
              f"{region.name}, from {source[region.median_source or 'request']}")
    return by_lower_bands(rules.value, avg_basket / region.median_basket, detail=detail)


def _affinity(lines: list[ProductLine], line_orders: int, rules: Rulebook) -> tuple[Reason, Reason]:
    spend: dict[str, float] = defaultdict(float)
    orders: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.category is not None:
            spend[line.category] += line.total_spent
            orders[line.category] += line.order_count
    if not spend:
        missing = unknown("the data has no product categories")
        return missing, missing
    # Highest spend wins; ties go to the alphabetically first category, so the answer is reproducible.
    top = min(spend, key=lambda c: (-spend[c], c))
    total = sum(spend.values())
    category = Reason(code=top, basis="rule",
                      text=f"{top}: highest spend, {num(spend[top])} of {num(total)}")
    share = orders[top] / line_orders
    kind = by_lower_bands(rules.affinity, share, detail=f"{top}: {orders[top]} of {line_orders} orders")
    return category, kind


def _missing_regulars(lines: list[ProductLine], as_of: date, rules: Rulebook) -> tuple[MissingRegular, ...]:
    cfg = rules.missing_regulars
    catalog = product_catalog()
    found = []
    for line in lines:
        gap = line.avg_days_between
        if gap is None or gap > cfg.max_avg_days_between or line.product_id is None:
            continue
        since = (as_of - line.last_purchase).days
        if since > cfg.overdue_factor * gap:
            known = catalog.get(line.product_id)
            found.append(MissingRegular(
                product_id=line.product_id,
                product_name=line.product_name or (known.product_name if known else None),
                category=line.category or (known.category if known else None),
                avg_days_between=gap, days_since_last_purchase=since, days_overdue=_money(since - gap),
                last_bought=_seed_datetime(line.last_purchase),
            ))
    found.sort(key=lambda m: (-m.days_overdue, m.product_id))
    return tuple(found)


def _top_products(lines: list[ProductLine], rules: Rulebook) -> tuple[TopProduct, ...]:
    catalog = product_catalog()
    ranked = sorted(lines, key=lambda line: (-line.total_spent, line.product_id or ""))
    top = []
    for line in ranked[: rules.top_products]:
        known = catalog.get(line.product_id or "")
        top.append(TopProduct(
            product_id=line.product_id or "",
            total_quantity=line.total_quantity,
            total_spent=_money(line.total_spent),
            last_bought=_seed_datetime(line.last_purchase),
            product_name=line.product_name or (known.product_name if known else None),
            category=line.category or (known.category if known else None),
        ))
    return tuple(top)


def _trend_reason(region: ResolvedRegion) -> Reason:
    if region.trend is None:
        return unknown(f"no trend for the region ({region.name})")
    return Reason(code=region.trend, basis="default", text=f"{region.trend}: trend of region {region.name}")


def _region_warnings(region: ResolvedRegion) -> tuple[str, ...]:
    if region.median_basket is None:
        return (f"region unresolved or without a median basket ({region.how}): valueSegment is unknown",)
    return ()
