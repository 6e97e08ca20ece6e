"""`agent.handler.handle`: every payload kind, every error class, and one telemetry record per call."""

from __future__ import annotations

import copy
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from agent.cohort import MAX_COHORT_CUSTOMERS
from agent.explain import TemplateExplainer
from agent.handler import Reply, handle
from agent.logging import JsonFormatter
from agent.telemetry import InvocationRecord
from rules import analyze_customer, analyze_request
from tests.agent.conftest import ListRecorder
from tests.agent.payloads import FailingExplainer, details, seed_customer, seed_payload, third_customer
from tests.conftest import AS_OF, seed_example
from tests.rules.test_seed_examples import assert_seed_fields

SEEDS = ["", "-new-customer", "-region"]


# --- the seed's examples, end to end -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SEEDS)
def test_seed_examples_end_to_end(suffix: str) -> None:
    reply = handle(seed_payload(suffix), request_id="req-1", explainer=TemplateExplainer())

    expected_analysis = analyze_request(seed_example(f"example-request{suffix}"), AS_OF)
    assert reply.status == 200
    assert set(reply.body) == {"analysis", "explanation", "timestamp", "explanationSource", "requestId"}
    assert reply.body["analysis"] == expected_analysis.model_dump(mode="json", by_alias=True)
    seed_analysis = seed_example(f"example-response{suffix}")["analysis"]
    if suffix == "":
        seed_analysis["valueSegment"] = "HighValue"  # NOTES.md: the seed's own rule says HighValue
    assert_seed_fields(seed_analysis, reply.body["analysis"])
    expected_text = TemplateExplainer().explain_analysis(expected_analysis, "en").text
    assert reply.body["explanation"] == {"role": "assistant", "content": [{"text": expected_text}]}
    assert reply.body["explanationSource"] == "template"
    assert reply.body["requestId"] == "req-1"
    # The seed's form (examples/example-response.json: "2026-02-12T11:17:58.004912"): UTC, no offset written.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}", reply.body["timestamp"])
    assert abs(datetime.fromisoformat(reply.body["timestamp"]) - datetime.now(UTC).replace(tzinfo=None)) < \
        timedelta(minutes=1)


def test_explain_false_answers_without_explanation() -> None:
    reply = handle(seed_payload(explain=False), explainer=FailingExplainer())

    assert reply.status == 200
    assert reply.body["explanation"] is None
    assert reply.body["explanationSource"] == "none"


def test_language_tr_explains_in_turkish() -> None:
    reply = handle(seed_payload(language="tr"), explainer=TemplateExplainer())

    assert reply.body["explanation"]["content"][0]["text"].startswith("## Müşteri C-1001: Istanbul, Marmara\n")


def test_request_id_is_generated_when_missing() -> None:
    first = handle(seed_payload(explain=False))
    second = handle(seed_payload(explain=False))

    assert len(first.body["requestId"]) == 36
    assert first.body["requestId"] != second.body["requestId"]


def test_default_explainer_is_the_template_without_model_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGMENT_MODEL_PROVIDER", raising=False)

    assert handle(seed_payload()).body["explanationSource"] == "template"


# --- region and cohort payloads ----------------------------------------------------------------------------


def test_region_payload_equals_the_seed_region_example() -> None:
    region = seed_example("example-request-region")["customerData"]
    reply = handle({"region": region["region"], "city": "Antalya", "asOf": "2026-02-12"},
                   explainer=TemplateExplainer())

    assert reply.status == 200
    assert reply.body["analysis"] == analyze_customer(region, AS_OF).model_dump(mode="json", by_alias=True)
    assert reply.body["explanation"]["content"][0]["text"].startswith("## Region profile: Akdeniz (Antalya)\n")


def test_region_payload_takes_a_region_name() -> None:
    reply = handle({"region": "Ege", "asOf": "2026-02-12", "explain": False})

    assert reply.status == 200
    assert (reply.body["analysis"]["region"], reply.body["analysis"]["climateType"]) == ("Ege", "Sıcak-Nemli")
    assert reply.body["analysis"]["mode"] == "region"


def test_cohort_answers_every_analysis_and_the_distribution() -> None:
    customers = [seed_customer(), seed_customer("-new-customer"), third_customer()]
    reply = handle({"cohort": {"customers": customers}, "asOf": "2026-02-12"}, explainer=TemplateExplainer())

    assert reply.status == 200
    assert reply.body["analyses"] == [
        analyze_customer({"customer": c}, AS_OF).model_dump(mode="json", by_alias=True) for c in customers
    ]
    assert reply.body["summary"] == {
        "customers": 3, "asOf": "2026-02-12", "newCustomers": 1, "withMissingRegulars": 0,
        "distribution": {
            "ageSegment": [
                {"code": "GenZ", "name": "Gen Z", "count": 1, "share": 0.3333},
                {"code": "GençYetişkin", "name": "Young adult", "count": 1, "share": 0.3333},
                {"code": "Yetişkin", "name": "Adult", "count": 0, "share": 0.0},
                {"code": "Olgun", "name": "Mature", "count": 1, "share": 0.3333}],
            "churnSegment": [
                {"code": "Aktif", "name": "active", "count": 1, "share": 0.3333},
                {"code": "Ilık", "name": "cooling", "count": 0, "share": 0.0},
                {"code": "Riskli", "name": "at risk", "count": 2, "share": 0.6667}],
            "valueSegment": [
                {"code": "HighValue", "name": "high value", "count": 0, "share": 0.0},
                {"code": "Standard", "name": "standard", "count": 3, "share": 1.0}],
            "loyaltyTier": [
                {"code": "Platin", "name": "platinum", "count": 0, "share": 0.0},
                {"code": "Altın", "name": "gold", "count": 0, "share": 0.0},
                {"code": "Gümüş", "name": "silver", "count": 1, "share": 0.3333},
                {"code": "Bronz", "name": "bronze", "count": 2, "share": 0.6667}],
            "affinityCategory": [
                {"code": "MAKEUP", "name": None, "count": 2, "share": 0.6667},
                {"code": "SKINCARE", "name": None, "count": 1, "share": 0.3333}],
            "affinityType": [
                {"code": "Odaklı", "name": "focused", "count": 2, "share": 0.6667},
                {"code": "Keşifçi", "name": "explorer", "count": 1, "share": 0.3333}],
            "diversityProfile": [
                {"code": "Kaşif", "name": "variety seeker", "count": 2, "share": 0.6667},
                {"code": "Dengeli", "name": "balanced", "count": 0, "share": 0.0},
                {"code": "Sadık", "name": "loyal to a few", "count": 1, "share": 0.3333}],
        },
    }
    assert reply.body["explanation"]["content"][0]["text"].startswith("## Cohort of 3 customers (as of 2026-02-12)")
    assert reply.body["explanationSource"] == "template"


def test_cohort_of_the_maximum_size_is_accepted() -> None:
    customers = [{**third_customer(), "customerId": f"C-{i}"} for i in range(MAX_COHORT_CUSTOMERS)]
    reply = handle({"cohort": {"customers": customers}, "asOf": "2026-02-12", "explain": False})

    assert reply.status == 200
    assert reply.body["summary"]["customers"] == MAX_COHORT_CUSTOMERS


# --- invalid input: 400 listing every problem ---------------------------------------------------------------


@pytest.mark.parametrize(("payload", "shown"), [
    ([1, 2], "<list of 2>"), ("text", "text"), (None, None), (7, 7),
])
def test_a_payload_that_is_not_an_object(payload: Any, shown: Any) -> None:
    reply = handle(payload, request_id="r")

    assert reply == Reply(400, {"error": {"code": "invalid_input", "message": "the request has 1 problem; see details",
                                          "details": [{"loc": "", "msg": "the request must be a JSON object",
                                                       "input": shown}]},
                                "requestId": "r"})


def test_a_payload_of_no_known_kind() -> None:
    reply = handle({"customer": {}, "asOf": "2026-02-12"})

    assert reply.status == 400
    assert details(reply) == [("", "expected one of customerData, cohort, region, prompt",
                               {"<object with keys>": ["asOf", "customer"]})]


def test_a_payload_of_two_kinds() -> None:
    reply = handle({"customerData": {}, "prompt": "hi"})

    assert details(reply) == [("", "expected exactly one of customerData, cohort, region, prompt; got customerData, "
                                   "prompt", {"<object with keys>": ["customerData", "prompt"]})]


def test_every_problem_is_listed_with_its_location() -> None:
    payload = seed_payload(explain="yes", language="de")
    customer = payload["customerData"]["customer"]
    customer["age"] = 130
    customer["productHistory"][2]["totalSpent"] = -5
    customer["productHistory"][3]["lastPurchase"] = "2026-03-01"

    reply = handle(payload)

    assert reply.status == 400
    assert details(reply) == [
        ("explain", "expected true or false", "yes"),
        ("language", "expected one of en, tr", "de"),
        ("customerData.customer.age", "Input should be less than or equal to 120", 130),
        ("customerData.customer.productHistory[2].totalSpent", "Input should be greater than or equal to 0", -5),
        ("customerData.customer.productHistory[3].lastPurchase", "is after the as-of day 2026-02-12", "2026-03-01"),
    ]
    assert reply.body["error"]["message"] == "the request has 5 problems; see details"


def test_an_invalid_payloads_log_line_names_the_locations_but_not_the_values(caplog: pytest.LogCaptureFixture) -> None:
    # Behind AgentCore the caller gets "Received error (400) from runtime" only: the log line is what is left.
    payload = seed_payload()
    payload["customerData"]["customer"]["age"] = 130
    payload["customerData"]["customer"]["productHistory"][1]["productName"] = {"PIIMARK": "Elif Yılmaz"}

    with caplog.at_level(logging.INFO, logger="agent.handler"):
        reply = handle(payload, request_id="req-1")

    assert reply.status == 400
    [line] = [r for r in caplog.records if r.getMessage() == "invocation customer invalid_input"]
    assert line.__dict__["problemLocations"] == ["customerData.customer.age",
                                                 "customerData.customer.productHistory[1].productName"]
    assert "Elif" not in json.dumps(line.__dict__, default=str)
    assert 130 not in line.__dict__.values()
    logged = json.loads(JsonFormatter().format(line))
    assert logged["problemLocations"] == line.__dict__["problemLocations"]
    assert (logged["requestId"], logged["outcome"]) == ("req-1", "invalid_input")


def test_an_invalid_as_of_is_listed_with_the_problems_that_do_not_depend_on_it() -> None:
    payload = seed_payload(asOf="12/02/2026")
    payload["customerData"]["customer"]["age"] = -1

    reply = handle(payload)

    assert details(reply) == [
        ("asOf", "expected an ISO date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM:SS)", "12/02/2026"),
        ("customerData.customer.age", "Input should be greater than or equal to 0", -1),
    ]


def test_inputs_json_has_no_number_for_are_echoed_as_text() -> None:
    payload = seed_payload()
    customer = payload["customerData"]["customer"]
    customer["age"] = float("inf")
    customer["productHistory"][0]["totalSpent"] = float("-inf")
    customer["productHistory"][1]["totalSpent"] = float("nan")

    reply = handle(payload)

    assert details(reply) == [
        ("customerData.customer.age", "Input should be a finite number", "<inf>"),
        ("customerData.customer.productHistory[0].totalSpent", "Input should be a finite number", "<-inf>"),
        ("customerData.customer.productHistory[1].totalSpent", "Input should be a finite number", "<nan>"),
    ]
    json.dumps(reply.body, allow_nan=False)  # raises if the body is not JSON


def test_an_as_of_day_that_does_not_exist_is_named_as_such() -> None:
    assert details(handle(seed_payload(asOf="2026-02-30"))) == [
        ("asOf", "2026-02-30 is no day: February 2026 has 28 days", "2026-02-30")]


def test_customer_data_that_is_not_an_object() -> None:
    reply = handle({"customerData": "C-1001"})

    assert details(reply) == [("customerData", "customerData must be a JSON object", "<str>")]


@pytest.mark.parametrize(("cohort", "expected"), [
    ("all", [("cohort", 'expected an object {"customers": [...]}', "all")]),
    ({}, [("cohort.customers", "field required", None)]),
    ({"customers": {}}, [("cohort.customers", "expected a list of customer objects", {"<object with keys>": []})]),
    ({"customers": []}, [("cohort.customers", "needs at least one customer", [])]),
])
def test_malformed_cohorts(cohort: Any, expected: list[tuple[str, str, Any]]) -> None:
    assert details(handle({"cohort": cohort, "asOf": "2026-02-12"})) == expected


def test_a_cohort_larger_than_the_maximum_must_be_chunked() -> None:
    customers = [{"customerId": f"C-{i}"} for i in range(MAX_COHORT_CUSTOMERS + 1)]

    reply = handle({"cohort": {"customers": customers}})

    assert details(reply) == [("cohort.customers", "at most 1000 customers per call; split the cohort into chunks "
                                                   "of 1000 and send one call per chunk", "<list of 1001>")]


def test_cohort_problems_are_located_per_customer() -> None:
    bad = third_customer()
    bad["age"] = "old"
    bad["productHistory"][0]["orderCount"] = 0
    customers = [seed_customer(), "C-2", bad, {**third_customer(), "customerId": "C-1001"}]

    reply = handle({"cohort": {"customers": customers}, "asOf": "2026-02-12"})

    assert details(reply) == [
        ("cohort.customers[1]", "expected a customer object", "C-2"),
        ("cohort.customers[2].age", "Input should be a valid integer, unable to parse string as an integer", "old"),
        ("cohort.customers[2].productHistory[0].orderCount", "Input should be greater than or equal to 1", 0),
        ("cohort.customers[3].customerId", "duplicate customerId, first at cohort.customers[0]", "C-1001"),
    ]


def test_one_id_written_composed_and_decomposed_is_a_duplicate_in_a_cohort() -> None:
    composed, decomposed = "CÜ-1", "CU\u0308-1"  # Ü as one character, and as U with a combining diaeresis
    customers = [{**seed_customer(), "customerId": composed}, {**third_customer(), "customerId": decomposed}]

    reply = handle({"cohort": {"customers": customers}, "asOf": "2026-02-12"})

    assert details(reply) == [
        ("cohort.customers[1].customerId", "duplicate customerId, first at cohort.customers[0]", decomposed)]


def test_cohort_items_may_be_whole_customer_data_objects() -> None:
    wrapped = seed_example("example-request")["customerData"]  # with its own region (median basket 75)
    broken = {"customerId": "C-9", "customer": {**third_customer(), "customerId": "C-9", "age": 999}}

    ok = handle({"cohort": {"customers": [wrapped, third_customer()]}, "asOf": "2026-02-12", "explain": False})
    bad = handle({"cohort": {"customers": [wrapped, broken, {"customer": {"customerId": "C-1001"}}]},
                  "asOf": "2026-02-12"})

    assert ok.body["analyses"][0] == analyze_request(seed_example("example-request"), AS_OF).model_dump(
        mode="json", by_alias=True)
    assert ok.body["analyses"][0]["valueSegment"] == "HighValue"  # the item's own region object was used
    assert details(bad) == [
        ("cohort.customers[1].customer.age", "Input should be less than or equal to 120", 999),
        ("cohort.customers[2].customerId", "duplicate customerId, first at cohort.customers[0]", "C-1001"),
    ]


def test_cohort_with_an_invalid_as_of_lists_the_customers_problems_too() -> None:
    bad = {**third_customer(), "age": 500}

    reply = handle({"cohort": {"customers": [bad]}, "asOf": "tomorrow"})

    assert details(reply) == [
        ("asOf", "expected an ISO date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM:SS)", "tomorrow"),
        ("cohort.customers[0].age", "Input should be less than or equal to 120", 500),
    ]


@pytest.mark.parametrize(("payload", "expected"), [
    ({"region": 5}, [("region", 'expected a region object {"name": ...} or a region name', 5)]),
    ({"region": "Akdniz", "city": "Antalya"}, [("region", "not one of the seven regions (Marmara, Ege, Akdeniz, İç "
                                                          "Anadolu, Karadeniz, Doğu Anadolu, Güneydoğu Anadolu); a "
                                                          "region profile of another region needs a region object "
                                                          "with its own medianBasket", "Akdniz")]),
    ({"customerData": {"region": {"name": "Atlantis"}}}, [("customerData.region", "not one of the seven regions "
                                                          "(Marmara, Ege, Akdeniz, İç Anadolu, Karadeniz, Doğu "
                                                          "Anadolu, Güneydoğu Anadolu); a region profile of another "
                                                          "region needs a region object with its own medianBasket",
                                                          "Atlantis")]),
    ({"region": {"climateType": "x"}}, [("region.name", "Field required", {"<object with keys>": ["climateType"]})]),
    ({"prompt": "  "}, [("prompt", "expected a non-empty question", "  ")]),
    ({"prompt": "x" * 20_001}, [("prompt", "at most 20000 characters", "<20001 characters>")]),
])
def test_invalid_region_and_prompt_payloads(payload: dict[str, Any], expected: list[tuple[str, str, Any]]) -> None:
    assert details(handle(payload)) == expected


# --- failures: 503 without a model, 500 without a stack trace ----------------------------------------------


def test_a_free_question_without_a_model_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGMENT_MODEL_PROVIDER", raising=False)

    reply = handle({"prompt": "Which customers are at risk?"}, request_id="r-503")

    assert reply == Reply(503, {"error": {"code": "model_unavailable", "message": (
        "free questions need a language model, and none is configured (set SEGMENT_MODEL_PROVIDER; see the README)"),
        "details": []}, "requestId": "r-503"})


def test_an_unexpected_failure_is_500_with_the_request_id_and_no_internals() -> None:
    reply = handle(seed_payload(), request_id="r-500", explainer=FailingExplainer())

    assert reply == Reply(500, {"error": {"code": "internal_error",
                                          "message": "unexpected failure; the logs have the details under requestId "
                                                     "r-500", "details": []},
                                "requestId": "r-500"})


def test_an_invalid_model_configuration_is_500(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_MODEL_PROVIDER", "bedrock")
    monkeypatch.delenv("SEGMENT_MODEL_ID", raising=False)

    recorder = ListRecorder()

    reply = handle(seed_payload(), request_id="r", recorder=recorder)

    assert (reply.status, reply.body["error"]["code"]) == (500, "internal_error")
    assert [(r.mode, r.outcome) for r in recorder.records] == [("customer", "internal_error")]


# --- telemetry: exactly one record per invocation -----------------------------------------------------------


def only_record(recorder: ListRecorder) -> InvocationRecord:
    assert len(recorder.records) == 1
    return recorder.records[0]


def test_a_customer_invocation_records_its_segments(recorder: ListRecorder) -> None:
    handle(seed_payload(), explainer=TemplateExplainer(), recorder=recorder)

    record = only_record(recorder)
    assert (record.mode, record.outcome, record.explanation_source) == ("customer", "ok", "template")
    assert record.segments == {
        "ageSegment": {"GençYetişkin": 1}, "churnSegment": {"Aktif": 1}, "valueSegment": {"HighValue": 1},
        "loyaltyTier": {"Gümüş": 1}, "affinityType": {"Odaklı": 1}, "diversityProfile": {"Sadık": 1},
    }
    assert 0 < record.duration_ms < 5000


def test_a_cohort_invocation_records_summed_segments(recorder: ListRecorder) -> None:
    customers = [seed_customer(), seed_customer("-new-customer"), third_customer()]
    handle({"cohort": {"customers": customers}, "asOf": "2026-02-12", "explain": False}, recorder=recorder)

    record = only_record(recorder)
    assert (record.mode, record.outcome, record.explanation_source) == ("cohort", "ok", "none")
    assert record.segments == {
        "ageSegment": {"GençYetişkin": 1, "GenZ": 1, "Olgun": 1}, "churnSegment": {"Aktif": 1, "Riskli": 2},
        "valueSegment": {"Standard": 3}, "loyaltyTier": {"Gümüş": 1, "Bronz": 2},
        "affinityType": {"Odaklı": 2, "Keşifçi": 1}, "diversityProfile": {"Sadık": 1, "Kaşif": 2},
    }


def test_a_region_profile_records_no_customer_segments(recorder: ListRecorder) -> None:
    handle(seed_payload("-region"), recorder=recorder, explainer=TemplateExplainer())

    assert only_record(recorder).segments == {}


@pytest.mark.parametrize(("payload", "mode", "outcome"), [
    ({"customerData": {"customer": {"age": -1}}}, "customer", "invalid_input"),
    ({"cohort": []}, "cohort", "invalid_input"),
    ({"nothing": 1}, "invalid", "invalid_input"),
    ([], "invalid", "invalid_input"),
    ({"prompt": "hi"}, "prompt", "model_unavailable"),
])
def test_failed_invocations_record_their_outcome(
    recorder: ListRecorder, monkeypatch: pytest.MonkeyPatch, payload: Any, mode: str, outcome: str,
) -> None:
    monkeypatch.delenv("SEGMENT_MODEL_PROVIDER", raising=False)
    handle(payload, recorder=recorder)

    record = only_record(recorder)
    assert (record.mode, record.outcome, record.explanation_source, record.segments) == (mode, outcome, "none", {})


def test_an_unexpected_failure_is_recorded(recorder: ListRecorder) -> None:
    handle(seed_payload(), explainer=FailingExplainer(), recorder=recorder)

    assert (only_record(recorder).mode, only_record(recorder).outcome) == ("customer", "internal_error")


def test_a_failing_recorder_does_not_fail_the_request() -> None:
    class BrokenRecorder(ListRecorder):
        def record(self, record: InvocationRecord) -> None:
            raise OSError("metrics backend down")

    reply = handle(seed_payload(explain=False), recorder=BrokenRecorder())

    assert reply.status == 200


def test_the_payload_is_not_changed() -> None:
    payload = seed_payload()
    before = copy.deepcopy(payload)

    handle(payload, explainer=TemplateExplainer())

    assert payload == before
