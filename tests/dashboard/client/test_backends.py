"""The three backends against the real agent: in-process, the HTTP runtime, and AgentCore through boto3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pandas as pd
import pytest

from dashboard import sources
from dashboard.client import AgentClient, AgentError, make_client
from dashboard.client.agentcore import AgentCoreClient
from dashboard.client.calls import analyze_customer, profile_region, segment_customers
from dashboard.segmenting import segment_with_agent
from dashboard.settings import Settings, SettingsError, load_settings
from tests.dashboard.agentcore_shim import AgentCoreShim
from tests.dashboard.conftest import RUNTIME_ARN
from tests.dashboard.data import long_history_customers, many_customers, seed_customers
from tests.dashboard.servers import free_port, running_runtime

AS_OF = date(2026, 2, 12)
SESSION = "dashboard-0123456789abcdef0123456789abcdef"  # 42 characters, like the dashboard's


def _without_volatile(body: dict[str, Any]) -> dict[str, Any]:
    """A body without what differs between any two calls: the request id and the timestamp."""
    return {k: v for k, v in body.items() if k not in ("requestId", "timestamp")}


@pytest.fixture
def backends(runtime_url: str, agentcore: AgentCoreShim) -> dict[str, AgentClient]:
    return {
        "inprocess": make_client(Settings()),
        "url": make_client(Settings(backend="url", runtime_url=runtime_url)),
        "arn": make_client(Settings(backend="arn", agent_runtime_arn=RUNTIME_ARN, aws_region="us-east-1")),
    }


PAYLOADS: dict[str, dict[str, Any]] = {
    "customer": {"customerData": {"customerId": "C-1001", "city": "Istanbul", "customer": seed_customers()[0]},
                 "asOf": "2026-02-12", "explain": True},
    "customer in Turkish": {"customerData": {"customer": seed_customers()[3]}, "asOf": "2026-02-12",
                            "language": "tr"},
    "region": {"region": {"name": "Akdeniz"}, "city": "Antalya", "asOf": "2026-02-12"},
    "cohort": {"cohort": {"customers": seed_customers()}, "asOf": "2026-02-12"},
}


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_every_backend_gives_the_same_answer(backends: dict[str, AgentClient], kind: str) -> None:
    bodies = {name: client.invoke(PAYLOADS[kind], session_id=SESSION) for name, client in backends.items()}

    assert _without_volatile(bodies["url"]) == _without_volatile(bodies["inprocess"])
    assert _without_volatile(bodies["arn"]) == _without_volatile(bodies["inprocess"])
    assert bodies["inprocess"]["explanationSource"] == "template"


def test_every_backend_segments_a_chunked_cohort_the_same(backends: dict[str, AgentClient]) -> None:
    customers = many_customers(25)

    answers = {
        name: segment_customers(client, customers, as_of=AS_OF, session_id=SESSION, chunk_size=10, max_workers=2)
        for name, client in backends.items()
    }

    assert [a["customerId"] for a in answers["inprocess"].analyses] == [c["customerId"] for c in customers]
    assert answers["inprocess"].invocations == 3
    assert answers["url"].analyses == answers["inprocess"].analyses
    assert answers["arn"].analyses == answers["inprocess"].analyses


def test_arn_backend_sends_the_session_qualifier_and_a_signed_json_request(
    backends: dict[str, AgentClient], agentcore: AgentCoreShim
) -> None:
    answer = profile_region(backends["arn"], "Ege", as_of=AS_OF, session_id=SESSION)

    assert answer.analysis["region"] == "Ege"
    assert answer.analysis["avgBasket"] == 65.0
    [request] = agentcore.received
    assert request.arn == RUNTIME_ARN
    assert request.qualifier == "DEFAULT"
    assert request.session_id == SESSION
    assert request.content_type == "application/json"
    assert request.signed


def test_chunks_spread_over_sessions_of_the_same_dashboard_session(
    backends: dict[str, AgentClient], agentcore: AgentCoreShim
) -> None:
    segment_customers(backends["arn"], many_customers(30), as_of=AS_OF, session_id=SESSION, chunk_size=10,
                      max_workers=2)

    assert sorted(r.session_id for r in agentcore.received) == [f"{SESSION}-w0", f"{SESSION}-w0", f"{SESSION}-w1"]


def test_arn_backend_retries_throttling_with_backoff(
    backends: dict[str, AgentClient], agentcore: AgentCoreShim
) -> None:
    agentcore.throttle_next = 2

    answer = analyze_customer(backends["arn"], {"customer": seed_customers()[1]}, as_of=AS_OF, session_id=SESSION)

    assert answer.analysis["customerId"] == "C-1002"
    assert len(agentcore.received) == 3
    assert {r.session_id for r in agentcore.received} == {SESSION}


def test_arn_backend_gives_up_after_its_attempts(agentcore: AgentCoreShim) -> None:
    client = AgentCoreClient(Settings(backend="arn", agent_runtime_arn=RUNTIME_ARN, aws_region="us-east-1",
                                      max_attempts=2))
    agentcore.throttle_next = 5

    with pytest.raises(AgentError) as caught:
        client.invoke(PAYLOADS["region"], session_id=SESSION)

    assert caught.value.code == "ThrottlingException"
    assert caught.value.status == 429
    assert caught.value.backend == "arn"
    assert "after 2 attempts" in caught.value.message
    assert len(agentcore.received) == 2


def test_arn_backend_sends_a_slow_invocation_once_and_says_it_timed_out(agentcore: AgentCoreShim) -> None:
    # botocore's standard mode retries a read timeout like a dropped connection; the runtime is still working
    # on the first one, so each retry would run the chunk (or bill a model's question) again in that session.
    client = AgentCoreClient(Settings(backend="arn", agent_runtime_arn=RUNTIME_ARN, aws_region="us-east-1",
                                      timeout_seconds=0.5, max_attempts=4))
    agentcore.delay_seconds = 1.5

    with pytest.raises(AgentError) as caught:
        client.invoke(PAYLOADS["region"], session_id=SESSION)

    assert caught.value.code == "timeout"
    assert caught.value.backend == "arn"
    assert caught.value.message == (f"AgentCore runtime {RUNTIME_ARN} did not answer within 0.5 s "
                                    "(SEGMENT_TIMEOUT_SECONDS); it was not sent again.")
    assert len(agentcore.received) == 1


def test_arn_backend_reports_an_answer_cut_off_midway(agentcore: AgentCoreShim) -> None:
    client = AgentCoreClient(Settings(backend="arn", agent_runtime_arn=RUNTIME_ARN, aws_region="us-east-1"))
    agentcore.cut_next = 1

    with pytest.raises(AgentError) as caught:
        client.invoke(PAYLOADS["region"], session_id=SESSION)

    assert caught.value.code == "unreachable"
    assert caught.value.backend == "arn"
    assert caught.value.message.startswith(f"The answer of AgentCore runtime {RUNTIME_ARN} broke off: ")
    assert client.invoke(PAYLOADS["region"], session_id=SESSION)["analysis"]["region"] == "Akdeniz"


def test_arn_backend_reports_what_agentcore_says_of_a_rejected_payload(backends: dict[str, AgentClient]) -> None:
    with pytest.raises(AgentError) as caught:
        backends["arn"].invoke({"customerData": {"customer": {"age": 300}}, "asOf": "2026-02-12"},
                               session_id=SESSION)

    assert caught.value.code == "RuntimeClientError"
    assert caught.value.status == 424
    assert "Received error (400) from runtime" in caught.value.message
    assert RUNTIME_ARN in caught.value.message


def test_arn_backend_refuses_a_short_session_id(backends: dict[str, AgentClient]) -> None:
    with pytest.raises(ValueError, match="at least 33 characters"):
        backends["arn"].invoke(PAYLOADS["region"], session_id="too-short")


@pytest.mark.parametrize("name", ["inprocess", "url"])
def test_invalid_input_lists_every_located_problem(backends: dict[str, AgentClient], name: str) -> None:
    customer = dict(seed_customers()[0], age=300)

    with pytest.raises(AgentError) as caught:
        analyze_customer(backends[name], {"customer": customer}, as_of=AS_OF, session_id=SESSION)

    assert caught.value.code == "invalid_input"
    assert caught.value.status == 400
    assert caught.value.backend == name
    assert caught.value.request_id
    assert [(d["loc"], d["input"]) for d in caught.value.details] == [("customerData.customer.age", 300)]


@pytest.mark.parametrize("name", ["inprocess", "url", "arn"])
def test_a_failed_chunk_names_the_customer(backends: dict[str, AgentClient], name: str) -> None:
    customers = many_customers(25)
    customers[13]["age"] = 300

    with pytest.raises(AgentError) as caught:
        segment_customers(backends[name], customers, as_of=AS_OF, session_id=SESSION, chunk_size=10, max_workers=2)

    if name == "arn":  # AgentCore keeps the runtime's answer to itself; only the status comes back
        assert caught.value.code == "RuntimeClientError"
        assert caught.value.payload_index == 1
    else:
        assert [(d["loc"], d["customerId"]) for d in caught.value.details] == [("customers[13].age", "C-00013")]


def test_url_backend_down_is_a_clear_error() -> None:
    port = free_port()  # nothing listens there
    client = make_client(Settings(backend="url", runtime_url=f"http://127.0.0.1:{port}"))

    with pytest.raises(AgentError) as caught:
        client.invoke(PAYLOADS["region"], session_id=SESSION)

    assert caught.value.code == "unreachable"
    assert caught.value.backend == "url"
    assert f"Cannot reach the agent runtime at http://127.0.0.1:{port}" in caught.value.message


def test_every_backend_segments_a_whole_cohort_the_same(backends: dict[str, AgentClient]) -> None:
    sample = sources.sample()
    cohort = sources.read(sample.file)

    segments = {name: client.segment(cohort, as_of=sample.as_of, session_id=SESSION, chunk_size=100, max_workers=3)
                for name, client in backends.items()}

    frame = segments["inprocess"].frame
    assert segments["inprocess"].invocations == 0  # the columnar rule engine, in this process
    assert frame["customerId"].tolist() == cohort.customers["customer_id"].tolist()
    assert frame["medianBasketSource"].eq("cohort").any()  # a region outside the reference table
    # Customers valued against the cohort's own median travel in the same chunks, with their region object.
    assert segments["url"].invocations == -(-len(frame) // 100)
    pd.testing.assert_frame_equal(segments["url"].frame, frame)
    pd.testing.assert_frame_equal(segments["arn"].frame, frame)


def test_every_backend_locates_an_as_of_day_before_the_cohorts_purchases(backends: dict[str, AgentClient]) -> None:
    sample = sources.sample()
    cohort = sources.read(sample.file)
    too_early = date(2024, 1, 1)

    errors: dict[str, AgentError] = {}
    for name, client in backends.items():
        with pytest.raises(AgentError) as caught:
            client.segment(cohort, as_of=too_early, session_id=SESSION, chunk_size=100, max_workers=3)
        errors[name] = caught.value

    assert {name: (e.code, e.backend) for name, e in errors.items()} == {
        "inprocess": ("invalid_input", "inprocess"), "url": ("invalid_input", "url"), "arn": ("invalid_input", "arn"),
    }
    assert [d["loc"] for d in errors["inprocess"].details] == ["as_of"]
    assert errors["url"].details == errors["inprocess"].details == errors["arn"].details


@pytest.mark.parametrize(("env", "settings", "says"), [
    ({"AWS_PROFILE": "analytics"}, Settings(backend="arn", agent_runtime_arn=RUNTIME_ARN, aws_region="us-east-1"),
     "AWS_PROFILE names the profile 'analytics', which is in neither the AWS config nor the credentials file"),
    ({}, Settings(backend="arn", agent_runtime_arn=RUNTIME_ARN, aws_region="eu central 1"),
     "'eu central 1' is not an AWS region name: set SEGMENT_AWS_REGION (or the region in SEGMENT_AGENT_RUNTIME_ARN)"),
    ({}, Settings(backend="arn", agent_runtime_arn="arn:aws:bedrock-agentcore::123456789012:runtime/x-1"),
     "No AWS region is set: set SEGMENT_AWS_REGION (or the region in SEGMENT_AGENT_RUNTIME_ARN)"),
    ({"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE": "127.0.0.1:9"},
     Settings(backend="arn", agent_runtime_arn=RUNTIME_ARN, aws_region="us-east-1"),
     "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE must be a URL with its scheme, such as http://127.0.0.1:5000, "
     "got '127.0.0.1:9'"),
], ids=["missing profile", "malformed region", "no region", "endpoint without scheme"])
def test_arn_backend_says_what_to_set_when_the_aws_configuration_cannot_make_a_client(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], settings: Settings, says: str,
) -> None:
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                 "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as caught:
        make_client(settings)

    assert str(caught.value).startswith("the AgentCore backend cannot be set up: ")
    assert says in str(caught.value)


@pytest.fixture
def one_megabyte_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A runtime that takes bodies of at most 1 MB (SEGMENT_MAX_BODY_MB=1), as a 32 MB one takes 32 times more."""
    monkeypatch.setenv("SEGMENT_MAX_BODY_MB", "1")
    with running_runtime() as url:
        yield url


def test_a_cohort_whose_one_payload_the_runtime_refuses_goes_in_payloads_under_the_byte_budget(
    one_megabyte_runtime: str,
) -> None:
    # 40 customers of 150 product lines: 1.29 MB as one cohort payload, which is well under 1,000 customers.
    content = json.dumps(long_history_customers(40, 150)).encode("utf-8")
    cohort = sources.read(sources.CohortFile.from_bytes("long-histories.json", content))
    settings = load_settings({"SEGMENT_RUNTIME_URL": one_megabyte_runtime, "SEGMENT_CHUNK_MAX_MB": "0.9"})
    client = make_client(settings)

    segmented = segment_with_agent(cohort, client, settings, as_of=AS_OF, session_id=SESSION)

    assert segmented.invocations == 2
    in_process = make_client(Settings()).segment(cohort, as_of=AS_OF, session_id=SESSION, chunk_size=1000,
                                                 max_workers=1)
    pd.testing.assert_frame_equal(segmented.frame, in_process.frame)
    with pytest.raises(AgentError) as caught:  # what the whole cohort in one payload gets
        client.segment(cohort, as_of=AS_OF, session_id=SESSION, chunk_size=1000, max_workers=1,
                       chunk_max_bytes=2_000_000)
    assert (caught.value.code, caught.value.status) == ("payload_too_large", 413)


def test_problems_in_payloads_cut_by_bytes_name_the_customer_at_its_place_in_the_cohort(
    one_megabyte_runtime: str,
) -> None:
    customers = long_history_customers(40, 150)  # 28,800 bytes each: 31 customers to the first payload, 9 after
    customers[35]["age"] = 300
    client = make_client(Settings(backend="url", runtime_url=one_megabyte_runtime))

    with pytest.raises(AgentError) as caught:
        segment_customers(client, customers, as_of=AS_OF, session_id=SESSION, chunk_size=1000, max_workers=2,
                          chunk_max_bytes=900_000)

    assert [(d["loc"], d["input"], d["customerId"]) for d in caught.value.details] == \
        [("customers[35].age", 300, "C-00035")]
