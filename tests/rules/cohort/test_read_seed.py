"""The seed's JSON format (a): ids and attributes read as every other format reads them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from rules import analyze_customer, segment_cohort
from rules.cohort.read import read_cohort
from rules.cohort.segment import cohort_region_medians
from tests.rules.cohort.test_read_support import assert_tables, customers, history
from tests.rules.cohort.test_segment_support import expected_json, row_json

AS_OF = date(2026, 2, 12)
LINE = {"productId": "P-1", "category": "SKINCARE", "totalQuantity": 2, "totalSpent": 100.0, "orderCount": 1,
        "firstPurchase": "2026-01-10", "lastPurchase": "2026-01-10"}
COMPOSED, DECOMPOSED = "\u00dcMIT-1", "U\u0308MIT-1"  # ÜMIT-1, as one letter and as U + combining diaeresis


def seed_json(records: list[dict[str, Any]]) -> bytes:
    return json.dumps(records, ensure_ascii=False).encode("utf-8")


def test_ids_that_print_alike_are_one_id_as_in_the_other_formats() -> None:
    cohort = read_cohort(seed_json([
        {"customerId": COMPOSED, "productHistory": [LINE]},
        {"customerId": DECOMPOSED, "productHistory": [LINE]},  # the same customer again
        {"customerId": "C-2\u200b", "productHistory": [LINE]},  # a zero-width space at its end
        {"customerId": "\ufeff", "productHistory": [LINE]},  # nothing but an invisible character: no id
    ]))

    assert_tables(cohort, customers([{"customer_id": COMPOSED}, {"customer_id": "C-2"}]), history([
        {"customer_id": customer_id, "product_id": "P-1", "category": "SKINCARE", "total_quantity": 2,
         "total_spent": 100.0, "order_count": 1, "first_purchase": "2026-01-10", "last_purchase": "2026-01-10"}
        for customer_id in (COMPOSED, "C-2")]))
    assert {reason: r.rows for reason, r in cohort.report.rejected_by_reason.items()} == {
        "duplicate_customer": [2], "missing_customer_id": [4]}
    assert cohort.report.notes == [
        "customer_id: 3 id(s) written in another Unicode form or with an invisible character at an end were read "
        "as written plainly (e.g. 'ÜMIT-1')"]
    assert cohort.rejected["customerId"].tolist() == [DECOMPOSED, "\ufeff"]  # as the file wrote them


def test_a_city_region_or_gender_that_says_it_is_unknown_is_left_unknown_with_a_warning() -> None:
    cohort = read_cohort(seed_json([
        {"customerId": "C-1", "city": "N/A", "region": "Marmara", "gender": "-", "productHistory": [LINE]},
        {"customerId": "C-2", "city": "Ankara", "region": "bilinmiyor", "gender": "Kadın", "productHistory": [LINE]},
        {"customerId": "C-3", "city": "İzmir", "region": "Ege", "gender": "M"},
    ]))

    assert_tables(cohort, customers([
        {"customer_id": "C-1", "region": "Marmara"},
        {"customer_id": "C-2", "city": "Ankara", "gender": "F"},
        {"customer_id": "C-3", "city": "İzmir", "region": "Ege", "gender": "M"},
    ]), history([
        {"customer_id": customer_id, "product_id": "P-1", "category": "SKINCARE", "total_quantity": 2,
         "total_spent": 100.0, "order_count": 1, "first_purchase": "2026-01-10", "last_purchase": "2026-01-10"}
        for customer_id in ("C-1", "C-2")]))
    assert cohort.report.warnings == [
        "city: 1 value(s) that say it is unknown (e.g. 'N/A') are left unknown",
        "region: 1 value(s) that say it is unknown (e.g. 'bilinmiyor') are left unknown",
        "gender: 1 value(s) that say it is unknown (e.g. '-') are left unknown",
    ]


def test_each_row_is_the_analysis_of_the_customer_the_cohort_holds() -> None:
    cohort = read_cohort(seed_json([
        {"customerId": "C-2\u200b", "city": "Ankara", "region": "bilinmiyor", "productHistory": [LINE]},
        {"customerId": DECOMPOSED, "city": "-", "region": "Marmara", "productHistory": [LINE]},
    ]))
    frame = segment_cohort(cohort, AS_OF)
    medians = cohort_region_medians(cohort, AS_OF)

    for position, customer_id in enumerate(cohort.customers["customer_id"]):
        assert row_json(frame, position) == expected_json(cohort, customer_id, AS_OF, medians)
    # The placeholder region is no region of its own (with a median of its own): Ankara's region is used.
    assert [{key: row_json(frame, position)[key] for key in ("customerId", "city", "region", "valueSegment")}
            for position in range(len(frame))] == [
        {"customerId": "C-2", "city": "Ankara", "region": "İç Anadolu", "valueSegment": "HighValue"},
        {"customerId": COMPOSED, "city": None, "region": "Marmara", "valueSegment": "HighValue"},
    ]
    direct = analyze_customer(cohort.customer_data(COMPOSED), AS_OF)
    assert (direct.customer_id, direct.region) == (COMPOSED, "Marmara")
