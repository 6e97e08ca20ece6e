"""The Customer page's pure parts: reading a pasted or typed customer, segment cards, product tables."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.handler import handle
from dashboard.customer_view import (
    CustomerInputError,
    Lookup,
    SegmentCard,
    ambiguous_id_note,
    customer_from_form,
    customer_heading,
    days_since_purchase,
    example_product_lines,
    explanation_note,
    find_customers,
    look_up,
    missing_regulars_frame,
    money,
    no_missing_regulars_note,
    no_products_note,
    normalised_ids,
    parse_customer_json,
    segment_cards,
    top_products_frame,
)
from tests.conftest import seed_example
from tests.dashboard.data import seed_customers


def test_pasted_json_may_be_a_request_its_customer_data_or_a_seed_customer() -> None:
    request = seed_example("example-request")
    customer = seed_customers()[2]

    assert parse_customer_json(json.dumps(request)) == request["customerData"]
    assert parse_customer_json(json.dumps(request["customerData"])) == request["customerData"]
    assert parse_customer_json(json.dumps(customer)) == {"customerId": "C-1003", "city": "Izmir", "customer": customer}


@pytest.mark.parametrize(("text", "message"), [
    ('{"customerId": ', "not valid JSON: Expecting value at line 1, column 16"),
    ("[1, 2]", "expected a JSON object, got an array"),
    ('{"name": "x"}', "expected a request"),
])
def test_unusable_json_says_why(text: str, message: str) -> None:
    with pytest.raises(CustomerInputError) as caught:
        parse_customer_json(text)

    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(("text", "message"), [
    ('{"customerData": {"customer": {"age": ' + "9" * 5000 + "}}}",
     "a number has more than 4,300 digits, more than any customer field holds"),
    ("[" * 100_000 + "]" * 100_000, "the JSON is nested too deeply to be a customer"),
    ("null", "expected a JSON object, got null"),
    ('"C-1"', "expected a JSON object, got a string"),
    ('{"customerData": "C-1"}', "customerData must be a JSON object, got a string"),
    ('{"customerData": [{"customerId": "C-1"}]}', "customerData must be a JSON object, got an array"),
])
def test_json_python_cannot_read_or_of_the_wrong_kind_is_named_in_jsons_words(text: str, message: str) -> None:
    # A 5,000-digit number and JSON nested 100,000 deep are valid JSON that Python's parser refuses with a
    # ValueError and a RecursionError: both showed the page a traceback.
    with pytest.raises(CustomerInputError) as caught:
        parse_customer_json(text)

    assert str(caught.value) == message


def test_the_form_becomes_customer_data_without_blank_rows_or_fields() -> None:
    lines = pd.DataFrame([
        {"productId": "P-2001", "productName": None, "category": "SKINCARE", "totalQuantity": 5, "totalSpent": 299.5,
         "orderCount": 5, "firstPurchase": date(2025, 3, 10), "lastPurchase": pd.Timestamp("2025-12-01"),
         "avgDaysBetween": 45.0},
        {"productId": None, "productName": None, "category": None, "totalQuantity": None, "totalSpent": None,
         "orderCount": None, "firstPurchase": None, "lastPurchase": None, "avgDaysBetween": None},
    ])

    data = customer_from_form({"customerId": "C-9", "city": "Izmir", "age": None, "gender": "",
                               "registeredAt": date(2025, 1, 2)}, lines)

    assert data == {"customerId": "C-9", "city": "Izmir", "customer": {
        "customerId": "C-9", "city": "Izmir", "registeredAt": "2025-01-02",
        "productHistory": [{"productId": "P-2001", "category": "SKINCARE", "totalQuantity": 5, "totalSpent": 299.5,
                            "orderCount": 5, "firstPurchase": "2025-03-10", "lastPurchase": "2025-12-01",
                            "avgDaysBetween": 45.0}],
    }}
    assert handle({"customerData": data, "asOf": "2026-02-12"}).status == 200


def test_segment_cards_carry_english_names_colours_and_reasons() -> None:
    analysis = handle({"customerData": seed_example("example-request")["customerData"], "asOf": "2026-02-12",
                       "explain": False}).body["analysis"]

    cards = segment_cards(analysis)

    assert cards[0] == SegmentCard("Churn risk", "Aktif", "Aktif — active", "#16a34a",
                                   "Aktif: lastPurchaseDaysAgo 11 ≤ 29")
    assert [c.title for c in cards] == ["Churn risk", "Value", "Loyalty tier", "Age", "Category affinity",
                                        "Product diversity", "Top category"]
    assert cards[-1].label == "SKINCARE"


def test_product_tables_name_the_products() -> None:
    analysis = {
        "topProducts": [{"productId": "P-2001", "productName": "Serum", "category": "SKINCARE", "totalQuantity": 8,
                         "totalSpent": 479.2, "lastBought": "2026-01-20T00:00:00"}],
        "missingRegulars": [{"productId": "P-1002", "productName": None, "category": "MAKEUP",
                             "avgDaysBetween": 30.0, "daysSinceLastPurchase": 50, "daysOverdue": 20.0,
                             "lastBought": "2025-12-24T00:00:00"}],
    }

    assert top_products_frame(analysis).to_dict("records") == [
        {"product": "Serum (P-2001)", "category": "SKINCARE", "quantity": 8, "spent": 479.2,
         "lastBought": "2026-01-20"}]
    assert missing_regulars_frame(analysis).to_dict("records") == [
        {"product": "P-1002", "category": "MAKEUP", "usualGapDays": 30.0, "daysSinceLastPurchase": 50,
         "daysOverdue": 20.0, "lastBought": "2025-12-24"}]


@pytest.mark.parametrize(("typed", "found"), [
    ("C-1", "C-1"), ("  C-1 ", "C-1"),  # as written, spaces around ignored
    ("ŞUBE-001", "S\u0327UBE-001"),  # the file wrote Ş decomposed, the keyboard types it composed
    ("KOD 7", "KOD\u00a07"),  # a non-breaking space in the file
    ("c-1", None), ("C-9", None), ("", None), ("   ", None),
])
def test_a_typed_id_finds_the_id_it_reads_as(typed: str, found: str | None) -> None:
    ids = pd.Series(["C-1", "S\u0327UBE-001", "KOD\u00a07", "C-2"])

    assert find_customers(ids, typed) == ([] if found is None else [found])


def test_a_typed_id_that_reads_as_several_ids_finds_them_all() -> None:
    assert find_customers(pd.Series(["S\u0327-1", "\u015e-1"]), "Ş-1") == ["\u015e-1"]  # the exact one first
    assert find_customers(pd.Series(["A\u00a01", "B", "A\u20071"]), "A 1") == ["A\u00a01", "A\u20071"]


def test_normalised_ids_are_each_ids_nfkc_form_only_the_non_ascii_ones_worked_on() -> None:
    ids = pd.Series(["C-1", "S\u0327UBE-001", "KOD\u00a07", "\ufb01-2", "\uff23-3", "\u0130-4", "\u0131-5", "C-1"])

    assert normalised_ids(ids).tolist() == ["C-1", "\u015eUBE-001", "KOD 7", "fi-2", "C-3", "\u0130-4", "\u0131-5",
                                            "C-1"]
    ascii_only = pd.Series(["C-1", "C-2"])
    assert normalised_ids(ascii_only) is ascii_only  # nothing to normalise, nothing copied


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=30))
def test_normalised_ids_give_the_matches_normalising_every_id_gives(texts: list[str]) -> None:
    ids = pd.Series(texts, dtype="str")

    assert normalised_ids(ids).tolist() == [unicodedata.normalize("NFKC", text) for text in texts]


def test_a_lookup_normalises_the_cohorts_ids_only_when_no_id_is_written_as_typed_and_then_as_kept() -> None:
    ids = pd.Series(["C-1", "KOD\u00a07", "C-2"])
    asked: list[int] = []

    def kept() -> pd.Series:
        asked.append(1)
        return normalised_ids(ids)

    assert find_customers(ids, "C-2", kept) == ["C-2"]
    assert asked == []
    assert find_customers(ids, "KOD 7", kept) == ["KOD\u00a07"]
    assert look_up(ids, "C-9", "o.csv", kept) == Lookup(None, "No customer with id **C-9** in o.csv.")
    assert asked == [1, 1]


def test_an_id_pasted_with_invisible_characters_at_its_ends_is_found_as_the_reader_reads_it() -> None:
    # The reader cuts a zero-width space or byte-order mark at an id's ends, so the file's "C-1\u200b" is C-1;
    # the same id pasted from a mail or a spreadsheet was not found.
    ids = pd.Series(["C-1", "C-2"])

    assert look_up(ids, "\ufeffC-1", "o.csv") == Lookup("C-1")
    assert look_up(ids, " C-2\u200b\u2060 ", "o.csv") == Lookup("C-2")
    assert look_up(ids, "\u200b", "o.csv") == Lookup(None, "Type a customer id, or pick one.")


def test_an_id_not_found_shows_the_invisible_characters_inside_it() -> None:
    # "No customer with id C-1" while C-1 is in the list: the zero-width space in the middle was not shown.
    ids = pd.Series(["C-1", "C-2"])

    assert look_up(ids, "C\u200b-1", "o.csv") == Lookup(None, "No customer with id **C⟨U+200B⟩-1** in o.csv.")
    assert look_up(ids, "C-\u202e1", "o.csv") == Lookup(None, "No customer with id **C-⟨U+202E⟩1** in o.csv.")


def test_an_ambiguous_id_lists_a_bounded_number_of_candidates_told_apart() -> None:
    assert ambiguous_id_note("A 1", ["A\u00a01", "A\u20071"], "orders.csv") == (
        "**A 1** is ambiguous in orders.csv: 2 customers' ids read as it once written the same way (A⟨U+00A0⟩1, "
        "A⟨U+2007⟩1). Pick one from the list, or paste its id exactly.")
    many = [f"C-{n}" for n in range(12)]
    assert ambiguous_id_note("C", many, "o.csv") == (
        "**C** is ambiguous in o.csv: 12 customers' ids read as it once written the same way (C-0, C-1, C-2, C-3, "
        "C-4, C-5, C-6, C-7, C-8, C-9 and 2 more). Pick one from the list, or paste its id exactly.")


def test_a_customer_without_top_products_never_bought_or_bought_without_product_detail() -> None:
    assert no_products_note({"isNewCustomer": True, "orderCount": 0}) == "No purchases yet."
    assert no_products_note({"isNewCustomer": False, "orderCount": 5, "topProducts": []}).startswith(
        "No product detail")


def test_a_lookup_finds_one_customer_or_says_why_not() -> None:
    ids = pd.Series(["C-1", "A\u00a01", "A\u20071"])

    assert look_up(ids, " C-1 ", "o.csv") == Lookup("C-1")
    assert look_up(ids, "  ", "o.csv") == Lookup(None, "Type a customer id, or pick one.")
    assert look_up(ids, "C-9", "o_1.csv") == Lookup(None, "No customer with id **C-9** in o\\_1.csv.")
    assert look_up(ids, "A 1", "o.csv") == Lookup(None, ambiguous_id_note("A 1", ["A\u00a01", "A\u20071"], "o.csv"))


def test_the_customer_pages_words() -> None:
    assert customer_heading({"customerId": "C-1", "city": "Izmir", "region": "Ege"}) == "C-1 · Izmir, Ege"
    assert customer_heading({}) == "Unnamed customer · location unknown"
    assert (money(1234.5, "TRY"), money(None, "TRY")) == ("1,234.50 TRY", "—")
    assert days_since_purchase({"isNewCustomer": True}) == "never bought"
    assert days_since_purchase({"lastPurchaseDaysAgo": 1200}) == "1,200"
    assert no_missing_regulars_note({"topProducts": [{"productId": "P"}]}) == "Nothing overdue."
    assert no_missing_regulars_note({"isNewCustomer": True}) == "Nothing overdue."
    assert no_missing_regulars_note({"orderCount": 3, "topProducts": []}) == "Cannot tell without product detail."
    assert explanation_note("model") == "Explanation by the agent's language model."
    assert explanation_note("template") == ("Explanation by the agent's template explainer (no language model "
                                            "configured).")


def test_the_forms_example_lines_make_a_seed_purchase_history() -> None:
    data = customer_from_form({"customerId": "C-NEW-1"}, example_product_lines())

    assert [line["productId"] for line in data["customer"]["productHistory"]] == ["P-2001", "P-1002"]
    assert data["customer"]["productHistory"][1] == {
        "productId": "P-1002", "category": "MAKEUP", "totalQuantity": 1, "totalSpent": 54.9, "orderCount": 1,
        "firstPurchase": "2025-06-02", "lastPurchase": "2025-06-02"}
