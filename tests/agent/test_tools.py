"""The Strands tools: their specs (what a model reads), direct calls, and an orchestrator calling them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from strands import Agent

from agent.cohort import analyze_cohort
from agent.tools import SEGMENT_TOOLS, analyze_customer, profile_region, summarize_cohort
from rules import InvalidInput, analyze_request
from rules import analyze_customer as analyze_with_rules
from tests.agent.scripted_model import ScriptedModel
from tests.conftest import AS_OF, seed_example

AS_OF_TEXT = "The day to analyse for, as YYYY-MM-DD. Omit it for today (UTC)."


def customer_data() -> dict[str, Any]:
    data: dict[str, Any] = seed_example("example-request")["customerData"]
    return data


def test_tool_names_and_summaries() -> None:
    assert [(t.tool_name, t.tool_spec["description"].splitlines()[0]) for t in SEGMENT_TOOLS] == [
        ("analyze_customer", "Segment one customer with the rule engine and say why each segment was assigned."),
        ("profile_region", "Describe the typical customer of a Turkish region: climate, median basket, trend "
                           "category and default segments."),
        ("summarize_cohort", "Segment a group of customers and count how many fall into each segment."),
    ]


def test_analyze_customer_spec() -> None:
    schema = analyze_customer.tool_spec["inputSchema"]["json"]

    assert schema["required"] == ["customer_data"]
    assert schema["properties"]["as_of"] == {"default": None, "description": AS_OF_TEXT, "type": "string"}
    assert schema["properties"]["customer_data"]["type"] == "object"
    assert schema["properties"]["customer_data"]["description"].startswith(
        "The customer in the seed's customerData shape, for example\n{\"customerId\": \"C-1001\"")


def test_profile_region_spec() -> None:
    assert profile_region.tool_spec["inputSchema"]["json"] == {
        "properties": {
            "region": {"description": 'The region\'s name, for example "Akdeniz".', "type": "string"},
            "city": {"default": None, "description": 'Optional city in the region, for example "Antalya"; it only '
                                                     "labels the profile.", "type": "string"},
            "as_of": {"default": None, "description": "The day the profile is for, as YYYY-MM-DD. Omit it for today "
                                                      "(UTC).", "type": "string"},
        },
        "required": ["region"],
        "type": "object",
    }


def test_summarize_cohort_spec() -> None:
    schema = summarize_cohort.tool_spec["inputSchema"]["json"]

    assert schema["required"] == ["customers"]
    assert schema["properties"]["customers"]["type"] == "array"
    assert schema["properties"]["customers"]["items"] == {"additionalProperties": True, "type": "object"}
    assert schema["properties"]["as_of"] == {"default": None, "description": AS_OF_TEXT, "type": "string"}
    assert "At most 1000\ncustomers per call" in summarize_cohort.tool_spec["description"]


def test_direct_calls_answer_from_the_rules() -> None:
    seed_customer = customer_data()["customer"]

    assert analyze_customer(customer_data(), "2026-02-12") == analyze_request(
        seed_example("example-request"), AS_OF).model_dump(mode="json", by_alias=True)
    assert profile_region("Akdeniz", "Antalya", "2026-02-12") == analyze_with_rules(
        {"region": {"name": "Akdeniz"}, "city": "Antalya"}, AS_OF).model_dump(mode="json", by_alias=True)
    summary = summarize_cohort([seed_customer], "2026-02-12")
    assert summary["summary"] == analyze_cohort([seed_customer], AS_OF).summary.to_json()
    assert summary["customers"] == [{
        "customerId": "C-1001", "ageSegment": "GençYetişkin", "churnSegment": "Aktif", "valueSegment": "Standard",
        "loyaltyTier": "Gümüş", "affinityCategory": "SKINCARE", "affinityType": "Odaklı",
        "diversityProfile": "Sadık", "lastPurchaseDaysAgo": 11, "avgBasket": 79.29,
    }]


def test_invalid_input_raises_with_every_problem() -> None:
    with pytest.raises(InvalidInput) as raised:
        analyze_customer({"customer": {"age": 300}}, "someday")

    assert [p.loc for p in raised.value.problems] == ["as_of"]
    with pytest.raises(InvalidInput) as raised:
        analyze_customer({"customer": {"age": 300}}, "2026-02-12")
    assert [(p.loc, p.input) for p in raised.value.problems] == [("customer.age", 300)]


def tool_result(model: ScriptedModel, call: int) -> dict[str, Any]:
    """The toolResult the model received at the start of its `call`-th call."""
    [block] = model.calls[call]["messages"][-1]["content"]
    result: dict[str, Any] = block["toolResult"]
    return result


def test_an_orchestrator_calls_the_tools() -> None:
    model = ScriptedModel([
        {"tool": "analyze_customer", "input": {"customer_data": customer_data(), "as_of": "2026-02-12"}},
        {"tool": "profile_region", "input": {"region": "Marmara"}},
        "C-1001 is active (Aktif) and in the silver tier (Gümüş).",
    ])
    orchestrator = Agent(model=model, tools=list(SEGMENT_TOOLS), callback_handler=None)

    result = orchestrator("Which segments is customer C-1001 in, and what is typical for Marmara?")

    assert str(result).strip() == "C-1001 is active (Aktif) and in the silver tier (Gümüş)."
    assert [spec["name"] for spec in model.calls[0]["tool_specs"]] == [
        "analyze_customer", "profile_region", "summarize_cohort"]
    first = tool_result(model, 1)
    assert first["status"] == "success"
    assert json.loads(first["content"][0]["text"]) == analyze_request(
        seed_example("example-request"), AS_OF).model_dump(mode="json", by_alias=True)
    assert json.loads(tool_result(model, 2)["content"][0]["text"])["region"] == "Marmara"


def test_an_invalid_tool_call_reaches_the_model_as_an_error_it_can_fix() -> None:
    model = ScriptedModel([
        {"tool": "analyze_customer", "input": {"customer_data": {"customer": {"age": -4}}}},
        "The data is invalid.",
    ])

    Agent(model=model, tools=list(SEGMENT_TOOLS), callback_handler=None)("Analyse this customer")

    result = tool_result(model, 1)
    assert result["status"] == "error"
    assert result["content"][0]["text"] == (
        "Error: 1 problem in the input:\n- customer.age: Input should be greater than or equal to 0 (got -4)")
