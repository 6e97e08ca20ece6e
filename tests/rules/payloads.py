"""Builders for small, valid customerData payloads, each test changing only what it is about."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

AS_OF = date(2026, 2, 12)


def line(
    product_id: str = "P-1", *, category: str = "SKINCARE", spent: float = 100.0, orders: int = 1,
    quantity: int | None = None, days_ago: int = 10, avg_days: float | None = None,
    first_days_ago: int | None = None,
) -> dict[str, Any]:
    """One productHistory line whose last purchase was `days_ago` days before AS_OF."""
    entry: dict[str, Any] = {
        "productId": product_id, "category": category, "totalQuantity": quantity or orders,
        "totalSpent": spent, "orderCount": orders,
        "lastPurchase": (AS_OF - timedelta(days=days_ago)).isoformat(), "avgDaysBetween": avg_days,
    }
    if first_days_ago is not None:
        entry["firstPurchase"] = (AS_OF - timedelta(days=first_days_ago)).isoformat()
    return entry


def customer(
    lines: list[dict[str, Any]] | None = None, *, age: int | None = 30, member_days: int = 400,
    median: float = 100.0, **extra: Any,
) -> dict[str, Any]:
    """A customerData object with a region median of `median`, registered `member_days` ago."""
    inner: dict[str, Any] = {
        "customerId": "C-1", "city": "Istanbul", "age": age, "gender": "F",
        "registeredAt": (AS_OF - timedelta(days=member_days)).isoformat(),
        "productHistory": lines if lines is not None else [line()],
        **extra,
    }
    return {"customerId": "C-1", "city": "Istanbul", "customer": inner,
            "region": {"name": "Marmara", "climateType": "Temperate", "medianBasket": median,
                       "trend": "SKINCARE"}}
