"""The segment agent's skills as Strands tools, for orchestrator agents (the seed's agent-to-agent pattern).

```python
from strands import Agent
from agent.tools import SEGMENT_TOOLS

orchestrator = Agent(tools=list(SEGMENT_TOOLS))
orchestrator("Which segment is customer C-1001 in? Here is the data: ...")
```

Every tool answers from the rule engine, so its segments are exactly those of the runtime. A tool that
gets invalid input raises `rules.InvalidInput`; Strands hands its message, which lists every problem with
its location, back to the model as an error result, so the model can correct the call.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from strands import tool

from agent.cohort import analyze_cohort
from rules import InvalidInput, Problem
from rules import analyze_customer as analyze_with_rules
from rules.models.dates import parse_day, today_utc

# The segments an orchestrator usually needs, per customer, in a cohort summary.
_COMPACT_FIELDS = ("customerId", "ageSegment", "churnSegment", "valueSegment", "loyaltyTier",
                   "affinityCategory", "affinityType", "diversityProfile", "lastPurchaseDaysAgo", "avgBasket")


@tool
def analyze_customer(customer_data: dict[str, Any], as_of: str | None = None) -> dict[str, Any]:
    """Segment one customer with the rule engine and say why each segment was assigned.

    Use this when you have one customer's data and need their segments: age segment, churn risk
    (Aktif, Ilık, Riskli), value (HighValue, Standard), loyalty tier (Platin, Altın, Gümüş, Bronz),
    top category and affinity type, product diversity, top products and overdue regular products.
    A customer with an empty productHistory is analysed as a new customer.

    Args:
        customer_data: The customer in the seed's customerData shape, for example
            {"customerId": "C-1001", "city": "Istanbul", "customer": {"customerId": "C-1001", "age": 32,
            "registeredAt": "2024-03-15", "productHistory": [{"productId": "P-2001", "category": "SKINCARE",
            "totalQuantity": 8, "totalSpent": 479.2, "orderCount": 8, "lastPurchase": "2026-01-20",
            "avgDaysBetween": 30}]}, "region": {"name": "Marmara", "medianBasket": 75.0}}.
            The region object is optional; without it the region is found from the customer's city.
        as_of: The day to analyse for, as YYYY-MM-DD. Omit it for today (UTC).

    Returns:
        The analysis: every segment code, the metrics behind it (avgBasket, lastPurchaseDaysAgo,
        orderCount, ...) and `reasons`, which explain each segment.
    """
    analysis = analyze_with_rules(customer_data, _day(as_of))
    return analysis.model_dump(mode="json", by_alias=True)


@tool
def profile_region(region: str, city: str | None = None, as_of: str | None = None) -> dict[str, Any]:
    """Describe the typical customer of a Turkish region: climate, median basket, trend category and default segments.

    Use this for questions about a region or a city rather than a specific customer, for example
    to plan a regional campaign. The seven regions are Marmara, Ege, Akdeniz, İç Anadolu, Karadeniz,
    Doğu Anadolu and Güneydoğu Anadolu.

    Args:
        region: The region's name, for example "Akdeniz".
        city: Optional city in the region, for example "Antalya"; it only labels the profile.
        as_of: The day the profile is for, as YYYY-MM-DD. Omit it for today (UTC).

    Returns:
        The region profile: climateType, medianBasket, estimatedBudget, the region's trend category
        (affinityCategory) and the rulebook's default segments for a typical customer of the region.
    """
    customer_data: dict[str, Any] = {"region": {"name": region}}
    if city:
        customer_data["city"] = city
    return analyze_with_rules(customer_data, _day(as_of)).model_dump(mode="json", by_alias=True)


@tool
def summarize_cohort(customers: list[dict[str, Any]], as_of: str | None = None) -> dict[str, Any]:
    """Segment a group of customers and count how many fall into each segment.

    Use this for questions about many customers at once: how many are at risk of churning, which
    loyalty tiers dominate, which categories they prefer, which customers to target. At most 1000
    customers per call; split larger groups and add the counts.

    Args:
        customers: The customers, each a seed customer object such as {"customerId": "C-1", "city": "Izmir",
            "age": 41, "registeredAt": "2025-01-10", "productHistory": [{"productId": "P-1", "category":
            "MAKEUP", "totalQuantity": 2, "totalSpent": 120.0, "orderCount": 2, "lastPurchase": "2026-01-05"}]}.
        as_of: The day to analyse for, as YYYY-MM-DD. Omit it for today (UTC).

    Returns:
        `summary`: the number of customers and, per segment field, the count and share of every segment;
        `customers`: each customer's id with their main segments.
    """
    result = analyze_cohort(customers, _day(as_of))
    rows = [a.model_dump(mode="json", by_alias=True, include=_compact_names()) for a in result.analyses]
    return {"summary": result.summary.to_json(), "customers": rows}


SEGMENT_TOOLS = (analyze_customer, profile_region, summarize_cohort)
SEGMENT_TOOL_NAMES = tuple(segment_tool.tool_name for segment_tool in SEGMENT_TOOLS)


def _day(as_of: str | None) -> date:
    if as_of is None:
        return today_utc()
    try:
        return parse_day(as_of)
    except ValueError as error:
        raise InvalidInput([Problem("as_of", str(error), as_of)]) from None


def _compact_names() -> set[str]:
    from rules import Analysis

    return {name for name, info in Analysis.model_fields.items() if (info.alias or name) in _COMPACT_FIELDS}
