"""Test data of the dashboard's tests: the seed's customers, as seed objects and as the agent segments them,
and a small hand-made results table for the cases the seed lacks (undecided segments, overdue regulars)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pandas as pd

from agent.handler import handle
from dashboard.results import results_frame
from tests.conftest import SEED


def seed_customers() -> list[dict[str, Any]]:
    """The seed's eight mock customers (customer objects with productHistory)."""
    customers: list[dict[str, Any]] = json.loads((SEED / "mock-data" / "customers.json").read_text(encoding="utf-8"))
    return customers


def many_customers(count: int) -> list[dict[str, Any]]:
    """`count` seed customers, the eight mock ones over and over with ids C-00000, C-00001, ..."""
    base = seed_customers()
    out = []
    for index in range(count):
        customer = copy.deepcopy(base[index % len(base)])
        customer["customerId"] = f"C-{index:05d}"
        out.append(customer)
    return out


def long_history_customers(count: int, lines: int) -> list[dict[str, Any]]:
    """`count` copies of the seed's first customer (ids C-00000, C-00001, ...), each with `lines` product lines
    (its first line over and over, products P-00000, P-00001, ...): about 190 bytes of JSON per line."""
    base = seed_customers()[0]
    out = []
    for index in range(count):
        customer = copy.deepcopy(base)
        customer["customerId"] = f"C-{index:05d}"
        first = customer["productHistory"][0]
        customer["productHistory"] = [dict(first, productId=f"P-{line:05d}") for line in range(lines)]
        out.append(customer)
    return out


def seed_frame() -> pd.DataFrame:
    """The seed's eight mock customers, segmented by the agent as of 2026-02-12."""
    reply = handle({"cohort": {"customers": seed_customers()}, "asOf": "2026-02-12", "explain": False})
    assert reply.status == 200, reply.body
    return results_frame(reply.body["analyses"])


def _regular(item: dict[str, Any]) -> dict[str, Any]:
    return {"productName": None, "category": None, "daysSinceLastPurchase": 0, "lastBought": "2026-01-01T00:00:00",
            **item}


def hand_frame() -> pd.DataFrame:
    """Four customers: one without an age, one new customer, two overdue for regular products."""
    analyses: list[dict[str, Any]] = [
        {"customerId": "A", "region": "Ege", "ageSegment": None, "churnSegment": "Riskli", "valueSegment": "Standard",
         "loyaltyTier": "Gümüş", "affinityType": "Odaklı", "diversityProfile": "Sadık", "affinityCategory": "SKINCARE",
         "avgBasket": 50.0, "totalSpent": 500.0, "orderCount": 10, "isNewCustomer": False,
         "missingRegulars": [_regular({"productId": "P-2001", "productName": "Serum", "category": "SKINCARE",
                                       "avgDaysBetween": 30.0, "daysOverdue": 40.0})]},
        {"customerId": "B", "region": "Ege", "ageSegment": "GenZ", "churnSegment": "Aktif", "valueSegment": "HighValue",
         "loyaltyTier": "Platin", "affinityType": "Keşifçi", "diversityProfile": "Kaşif", "affinityCategory": "MAKEUP",
         "avgBasket": 90.0, "totalSpent": 900.0, "orderCount": 10, "isNewCustomer": False,
         "missingRegulars": [_regular({"productId": "P-2001", "productName": "Serum", "category": "SKINCARE",
                                       "avgDaysBetween": 20.0, "daysOverdue": 10.0}),
                             _regular({"productId": "P-1002", "productName": None, "category": "MAKEUP",
                                       "avgDaysBetween": 45.0, "daysOverdue": 15.0})]},
        {"customerId": "C", "region": "Kıbrıs", "ageSegment": "Olgun", "churnSegment": "Riskli",
         "valueSegment": None, "loyaltyTier": "Bronz", "affinityType": "Keşifçi", "diversityProfile": "Kaşif",
         "affinityCategory": None, "avgBasket": 60.0, "totalSpent": 0.0, "orderCount": 0, "isNewCustomer": True,
         "missingRegulars": []},
        {"customerId": "D", "region": None, "ageSegment": "GenZ", "churnSegment": "Ilık", "valueSegment": "Standard",
         "loyaltyTier": "Gümüş", "affinityType": "Odaklı", "diversityProfile": "Dengeli",
         "affinityCategory": "SKINCARE", "avgBasket": 30.0, "totalSpent": 120.0, "orderCount": 4,
         "isNewCustomer": False, "missingRegulars": []},
    ]
    return results_frame(analyses)
