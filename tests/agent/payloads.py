"""Payloads and collaborators the agent's tests share."""

from __future__ import annotations

from typing import Any

from agent.handler import Reply
from tests.conftest import AS_OF, seed_example


def seed_payload(suffix: str = "", **extra: Any) -> dict[str, Any]:
    """A seed example request ("", "-new-customer" or "-region") as of 2026-02-12, plus `extra` keys."""
    return {**seed_example(f"example-request{suffix}"), "asOf": AS_OF.isoformat(), **extra}


def seed_customer(suffix: str = "") -> dict[str, Any]:
    """The `customer` object of a seed example request."""
    customer: dict[str, Any] = seed_example(f"example-request{suffix}")["customerData"]["customer"]
    return customer


def third_customer() -> dict[str, Any]:
    """A small regular customer: Olgun, Riskli, Bronz, Kaşif, Odaklı, MAKEUP (region Ege by the city)."""
    return {"customerId": "C-3", "city": "Izmir", "age": 55, "registeredAt": "2025-01-01",
            "productHistory": [{"productId": "P-1", "category": "MAKEUP", "totalQuantity": 1, "totalSpent": 50.0,
                                "orderCount": 1, "lastPurchase": "2025-10-01"}]}


def details(reply: Reply) -> list[tuple[str, str, Any]]:
    """The (loc, msg, input) of every problem of an error reply."""
    return [(d["loc"], d["msg"], d["input"]) for d in reply.body["error"]["details"]]


class FailingExplainer:
    """An explainer with a bug; its message carries customer data that must not reach the caller."""

    def explain_analysis(self, analysis: Any, language: str) -> Any:
        raise RuntimeError(f"secret detail of {analysis.customer_id}")

    def explain_cohort(self, summary: Any, language: str) -> Any:
        raise RuntimeError("secret detail")
