"""A cohort planned into payloads by count and by bytes; a customer too large for any payload refused by name."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest

from dashboard.client import AgentError
from dashboard.client.calls import segment_customer_data
from dashboard.client.cohort_payloads import plan_cohort_payloads
from dashboard.client.encoding import encode_payload
from dashboard.client.url import RuntimeUrlClient
from dashboard.settings import Settings

AS_OF = date(2026, 2, 12)
LINE = {"productId": "P-1", "category": "SKINCARE", "totalQuantity": 1, "totalSpent": 10.0, "orderCount": 1,
        "firstPurchase": "2025-01-15", "lastPurchase": "2026-01-20", "avgDaysBetween": None}


def customer(number: int, lines: int) -> dict[str, Any]:
    """A customerData object of `lines` product lines: 43 bytes of JSON, and 186 more per line (+ 2 between)."""
    return {"customer": {"customerId": f"C-{number}", "productHistory": [LINE] * lines}}


# Customers of 229, 229, 605, 43, 417 and 229 bytes; a cohort payload's envelope is 69 bytes, ", " 2 more each.
COHORT = [customer(0, 1), customer(1, 1), customer(2, 3), customer(3, 0), customer(4, 2), customer(5, 1)]


def test_payloads_are_cut_where_the_next_customer_would_pass_the_byte_budget() -> None:
    plan = plan_cohort_payloads(COHORT, as_of=AS_OF, chunk_size=1000, max_bytes=674, backend="url")

    assert plan.positions == [[0, 1], [2], [3, 4], [5]]
    assert plan.sizes == [529, 674, 531, 298]  # customer 2 alone fills the budget to the byte
    # What a remote backend sends is each payload's own JSON, of the planned size.
    assert [json.dumps(dict(p), ensure_ascii=False).encode("utf-8") for p in plan.payloads] == \
        [encode_payload(p) for p in plan.payloads]
    assert [len(encode_payload(p)) for p in plan.payloads] == plan.sizes
    assert [[c["customerId"] for c in p["cohort"]["customers"]] for p in plan.payloads] == \
        [["C-0", "C-1"], ["C-2"], ["C-3", "C-4"], ["C-5"]]
    assert {(p["asOf"], p["explain"]) for p in plan.payloads} == {("2026-02-12", False)}


def test_the_customer_count_still_caps_a_payload() -> None:
    by_count = plan_cohort_payloads(COHORT, as_of=AS_OF, chunk_size=4, max_bytes=24_000_000, backend="url")
    fitting = plan_cohort_payloads(COHORT, as_of=AS_OF, chunk_size=3, max_bytes=1136, backend="url")
    a_byte_short = plan_cohort_payloads(COHORT, as_of=AS_OF, chunk_size=3, max_bytes=1135, backend="url")

    assert by_count.positions == [[0, 1, 2, 3], [4, 5]]
    assert (fitting.positions, fitting.sizes) == ([[0, 1, 2], [3, 4, 5]], [1136, 762])
    assert (a_byte_short.positions, a_byte_short.sizes) == ([[0, 1], [2, 3], [4, 5]], [529, 719, 717])
    assert plan_cohort_payloads([], as_of=AS_OF, chunk_size=10, max_bytes=100, backend="url").payloads == []


def test_a_customer_with_its_own_region_is_sized_as_the_whole_object_it_travels_as() -> None:
    foreign = {"customer": {"customerId": "C-9", "region": "Kıbrıs", "productHistory": [LINE]},
               "region": {"name": "Kıbrıs", "medianBasket": 40.0, "medianBasketSource": "cohort"}}

    plan = plan_cohort_payloads([COHORT[0], foreign], as_of=AS_OF, chunk_size=1000, max_bytes=10_000, backend="url")

    assert plan.payloads[0]["cohort"]["customers"] == [COHORT[0]["customer"], foreign]
    assert encode_payload(plan.payloads[0]) == json.dumps(dict(plan.payloads[0]), ensure_ascii=False).encode("utf-8")
    assert plan.sizes == [len(encode_payload(plan.payloads[0]))]


def test_a_customer_larger_than_the_budget_alone_is_named_before_anything_is_sent() -> None:
    sent: list[httpx.Request] = []

    def runtime(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(413)

    transport = httpx.MockTransport(runtime)
    client = RuntimeUrlClient(Settings(backend="url", runtime_url="http://runtime.test"), transport=transport)

    with pytest.raises(AgentError) as caught:
        segment_customer_data(client, COHORT, as_of=AS_OF, session_id="s" * 40, chunk_size=1000, max_workers=1,
                              chunk_max_bytes=673)

    assert sent == []
    assert (caught.value.code, caught.value.backend, caught.value.status) == ("payload_too_large", "url", None)
    assert caught.value.message == (
        "customer 'C-2' (customers[2]) would be 674 bytes alone in a cohort payload, more than the 673 bytes one "
        "invocation may carry. Nothing was sent: raise SEGMENT_CHUNK_MAX_MB (and the runtime's SEGMENT_MAX_BODY_MB, "
        "which must stay above it), or send that customer's purchase history in fewer lines.")
    assert list(caught.value.details) == [{
        "loc": "customers[2]", "customerId": "C-2", "input": "<674 bytes of JSON>",
        "msg": "alone in a cohort payload it is 674 bytes, more than the 673 bytes one invocation may carry "
               "(SEGMENT_CHUNK_MAX_MB)"}]


def test_every_customer_too_large_is_listed() -> None:
    with pytest.raises(AgentError) as caught:
        plan_cohort_payloads(COHORT, as_of=AS_OF, chunk_size=1000, max_bytes=400, backend="arn")

    assert caught.value.message.startswith(
        "customer 'C-2' (customers[2]) would be 674 bytes alone in a cohort payload, more than the 400 bytes one "
        "invocation may carry; 1 more customer too, see details. Nothing was sent")
    assert [(d["loc"], d["customerId"], d["input"]) for d in caught.value.details] == [
        ("customers[2]", "C-2", "<674 bytes of JSON>"), ("customers[4]", "C-4", "<486 bytes of JSON>")]
