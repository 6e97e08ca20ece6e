"""The AgentCore app: POST /invocations and GET /ping through Starlette's TestClient and a real uvicorn server."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from agent import json_guard
from agent.app import create_app
from agent.explain import TemplateExplainer
from agent.handler import handle
from agent.runtime import Runtime
from rules.models.dates import DAY_ERROR
from tests.agent.conftest import ListRecorder
from tests.agent.payloads import FailingExplainer, seed_payload, third_customer
from tests.agent.servers import threaded_server
from tests.conftest import seed_example

REQUEST_ID = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"


@pytest.fixture
def client(recorder: ListRecorder) -> Any:
    with TestClient(create_app(Runtime.offline(recorder))) as test_client:
        yield test_client


def without_volatile(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("timestamp", "requestId")}


def test_ping(client: TestClient) -> None:
    response = client.get("/ping")

    assert response.status_code == 200
    assert response.json()["status"] == "Healthy"


@pytest.mark.parametrize("suffix", ["", "-new-customer", "-region"])
def test_seed_examples_over_http_equal_the_in_process_handler(client: TestClient, suffix: str) -> None:
    response = client.post("/invocations", json=seed_payload(suffix), headers={REQUEST_ID: "req-42"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["requestId"] == "req-42"
    in_process = handle(seed_payload(suffix), explainer=TemplateExplainer())
    assert without_volatile(response.json()) == without_volatile(in_process.body)


def test_the_sdk_request_id_is_used_when_the_header_is_missing(client: TestClient) -> None:
    first = client.post("/invocations", json=seed_payload(explain=False)).json()["requestId"]
    second = client.post("/invocations", json=seed_payload(explain=False)).json()["requestId"]

    assert len(first) == 36
    assert first != second


def test_invalid_input_is_400_with_every_problem(client: TestClient) -> None:
    response = client.post("/invocations", json={"customerData": {"customer": {"age": 999}}, "language": "fr"},
                           headers={REQUEST_ID: "bad-1"})

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid_input", "message": "the request has 2 problems; see details",
                                          "details": [
                                              {"loc": "language", "msg": "expected one of en, tr", "input": "fr"},
                                              {"loc": "customerData.customer.age",
                                               "msg": "Input should be less than or equal to 120", "input": 999}]},
                               "requestId": "bad-1"}


@pytest.mark.parametrize(("body", "message"), [
    (b'{"customerData": ', "the request body is not valid JSON: Expecting value: line 1 column 18 (char 17)"),
    (b"", "the request body is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    (b"{'single': 'quotes'}", "the request body is not valid JSON: Expecting property name enclosed in double "
                              "quotes: line 1 column 2 (char 1)"),
    (b"\x80\x81", "the request body is not UTF-8 JSON (invalid start byte at byte 0)"),
    ('{"customerData": {}}'.encode("utf-16"), "the request body is not UTF-8 JSON (invalid start byte at byte 0)"),
    (b'{"customerData": {"customer": {"city": "\xed\xa0\x80"}}}',  # an encoded surrogate is not UTF-8
     "the request body is not UTF-8 JSON (invalid continuation byte at byte 40)"),
    (b'{"customerData": {"customer": {"age": NaN}}}', "the request body is not valid JSON: NaN is not a JSON number"),
    (b'{"asOf": Infinity}', "the request body is not valid JSON: Infinity is not a JSON number"),
    (b'{"customerData": {"customerId": "C-1\\ud800"}}',
     "the request body is not valid JSON: a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not "
     "text"),
    (b'{"customerData": {"customer": {"age": 1e400}}}', "the request body is not valid JSON: a number is out of "
                                                        "range (beyond ±1.8e308, the largest a 64-bit float holds)"),
    (b'{"cohort": {"customers": [-1E+999]}}', "the request body is not valid JSON: a number is out of range (beyond "
                                              "±1.8e308, the largest a 64-bit float holds)"),
    # Python's parser refuses 1000 levels; ~965 pass it, and used to overflow the SDK's second parse (a plain 500).
    *[(b'{"customerData": ' + b"[" * depth + b"]" * depth + b"}", "the request body is not valid JSON: the JSON "
                                                                  "is nested deeper than 64 levels")
      for depth in (64, 965, 1000)],
])
def test_malformed_json_is_400_in_the_error_shape(client: TestClient, recorder: ListRecorder, body: bytes,
                                                  message: str) -> None:
    response = client.post("/invocations", content=body, headers={REQUEST_ID: "mal-1",
                                                                  "content-type": "application/json"})

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "malformed_json", "message": message, "details": []},
                               "requestId": "mal-1"}
    [record] = recorder.records
    assert (record.mode, record.outcome, record.explanation_source) == ("invalid", "malformed_json", "none")


def test_json_that_is_not_an_object_is_invalid_input(client: TestClient) -> None:
    response = client.post("/invocations", content=b'"just a string"')

    assert (response.status_code, response.json()["error"]["details"]) == (
        400, [{"loc": "", "msg": "the request must be a JSON object", "input": "just a string"}])


def test_unexpected_failure_is_500_without_internals(recorder: ListRecorder) -> None:
    app = create_app(Runtime(FailingExplainer(), None, recorder))
    with TestClient(app) as client:
        response = client.post("/invocations", json=seed_payload(), headers={REQUEST_ID: "boom-1"})

    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_error", "message": "unexpected failure; the logs have the "
                                         "details under requestId boom-1", "details": []},
                               "requestId": "boom-1"}
    assert "secret" not in response.text
    assert "Traceback" not in response.text


def test_a_free_question_without_a_model_is_503(client: TestClient) -> None:
    response = client.post("/invocations", json={"prompt": "hello"})

    assert (response.status_code, response.json()["error"]["code"]) == (503, "model_unavailable")


def test_get_on_invocations_is_not_allowed(client: TestClient) -> None:
    assert client.get("/invocations").status_code == 405


def test_one_record_per_invocation_and_none_for_ping(client: TestClient, recorder: ListRecorder) -> None:
    client.get("/ping")
    client.post("/invocations", json=seed_payload())
    client.post("/invocations", json={"cohort": {"customers": [third_customer()]}, "asOf": "2026-02-12"})
    client.post("/invocations", json={"customerData": 1})
    client.post("/invocations", content=b"{")

    assert [(r.mode, r.outcome, r.explanation_source) for r in recorder.records] == [
        ("customer", "ok", "template"), ("cohort", "ok", "template"), ("customer", "invalid_input", "none"),
        ("invalid", "malformed_json", "none")]


def test_shutdown_closes_the_recorder_once(recorder: ListRecorder) -> None:
    with TestClient(create_app(Runtime.offline(recorder))) as client:
        client.get("/ping")
        assert recorder.closed == 0

    assert recorder.closed == 1


def test_create_app_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_MODEL_PROVIDER", "nonsense")

    with pytest.raises(ValueError, match="SEGMENT_MODEL_PROVIDER must be bedrock, openai or none"):
        create_app()


# --- a real uvicorn server on 127.0.0.1 ----------------------------------------------------------------------


def test_real_server_answers_every_kind_and_error(recorder: ListRecorder) -> None:
    with threaded_server(create_app(Runtime.offline(recorder))) as base_url, httpx.Client(base_url=base_url) as http:
        ping = http.get("/ping")
        ok = http.post("/invocations", json=seed_payload(), headers={REQUEST_ID: "real-1"})
        region = http.post("/invocations", json={"region": "Karadeniz", "explain": False})
        invalid = http.post("/invocations", json={"cohort": {"customers": "all"}})
        malformed = http.post("/invocations", content=b"[1, 2", headers={"content-type": "application/json"})

    assert ping.status_code == 200
    assert (ok.status_code, ok.json()["requestId"], ok.json()["analysis"]["customerId"]) == (200, "real-1", "C-1001")
    assert without_volatile(ok.json()) == without_volatile(handle(seed_payload(), explainer=TemplateExplainer()).body)
    assert (region.status_code, region.json()["analysis"]["region"]) == (200, "Karadeniz")
    assert (invalid.status_code, invalid.json()["error"]["details"][0]["loc"]) == (400, "cohort.customers")
    assert (malformed.status_code, malformed.json()["error"]["code"]) == (400, "malformed_json")
    assert len(recorder.records) == 4
    assert recorder.closed == 1  # uvicorn's shutdown ran the lifespan


def test_concurrent_requests_share_no_state(recorder: ListRecorder) -> None:
    payloads = [{"cohort": {"customers": [{**third_customer(), "customerId": f"C-{i}", "age": 20 + i}]},
                 "asOf": "2026-02-12"} for i in range(24)]

    with threaded_server(create_app(Runtime.offline(recorder))) as base_url, \
            httpx.Client(base_url=base_url) as http, ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda p: http.post("/invocations", json=p), payloads))

    answers = [json.loads(r.content)["analyses"][0] for r in responses]
    assert [(a["customerId"], a["age"]) for a in answers] == [(f"C-{i}", 20 + i) for i in range(24)]
    assert len({r.json()["requestId"] for r in responses}) == 24
    assert len(recorder.records) == 24


def test_a_surrogate_pair_is_text_and_a_zoned_day_outside_the_calendar_is_a_located_problem(
        client: TestClient) -> None:
    payload = seed_example("example-request")
    payload["customerData"]["customer"]["productHistory"][0]["productName"] = "Krem \U0001f600"
    body = json.dumps(payload).encode()  # ASCII, the emoji as an escaped surrogate pair
    assert b"\\ud83d\\ude00" in body

    ok = client.post("/invocations", content=body, headers={"content-type": "application/json"})
    # 1 + 63 levels: as deep as a body may nest (MAX_DEPTH)
    deep = {**payload, "meta": json.loads("[" * 63 + '"\\ud83d\\ude00"' + "]" * 63)}
    nested = client.post("/invocations", content=json.dumps(deep).encode(),
                         headers={"content-type": "application/json"})
    assert nested.status_code == 200  # a pair deep inside is text, as plain text is, and 64 levels are allowed
    early = client.post("/invocations", json={**seed_example("example-request"), "asOf": "0001-01-01T00:00:00+01:00"})

    assert ok.status_code == 200
    assert early.status_code == 400
    [problem] = early.json()["error"]["details"]
    assert problem == {"loc": "asOf", "msg": DAY_ERROR, "input": "0001-01-01T00:00:00+01:00"}


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/invocations", 405, "method_not_allowed"),
    ("PUT", "/invocations", 405, "method_not_allowed"),
    ("DELETE", "/invocations", 405, "method_not_allowed"),
    ("POST", "/ping", 405, "method_not_allowed"),
    ("GET", "/nope", 404, "not_found"),
    ("POST", "/invocations/", 404, "not_found"),  # no redirect: a client that follows it would post twice
])
def test_a_route_the_runtime_lacks_answers_in_the_error_shape(client: TestClient, recorder: ListRecorder,
                                                              caplog: pytest.LogCaptureFixture, method: str,
                                                              path: str, status: int, code: str) -> None:
    with caplog.at_level("INFO", logger="agent.handler"):
        response = client.request(method, path, content=b"{}", headers={REQUEST_ID: "req-7"}, follow_redirects=False)

    assert (response.status_code, response.headers["content-type"]) == (status, "application/json")
    assert response.json() == {"error": {"code": code, "message": response.json()["error"]["message"], "details": []},
                               "requestId": "req-7"}
    assert "the runtime answers POST /invocations and GET /ping" in response.json()["error"]["message"]
    assert [(r.requestId, r.status, r.outcome) for r in caplog.records if r.name == "agent.handler"] == [  # type: ignore[attr-defined]
        ("req-7", status, code)]
    assert recorder.records == []  # not an invocation: no metrics


def test_a_body_over_the_size_limit_is_413_in_the_error_shape_and_the_server_keeps_serving(
        recorder: ListRecorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_MAX_BODY_MB", "1")
    big = json.dumps({**seed_payload(), "padding": "x" * 1_000_000}).encode()

    def chunked() -> Any:  # no Content-Length: the limit is found while reading
        yield big[:600_000]
        yield big[600_000:]

    with threaded_server(create_app(Runtime.offline(recorder))) as base_url, httpx.Client(base_url=base_url) as http:
        declared = http.post("/invocations", content=big, headers={REQUEST_ID: "big-1"})
        streamed = http.post("/invocations", content=chunked(), headers={REQUEST_ID: "big-2"})
        ok = http.post("/invocations", json=seed_payload())

    message = ("the request body is larger than 1,000,000 bytes, the most this runtime takes (SEGMENT_MAX_BODY_MB); "
               "send a large cohort in smaller chunks")
    for response, request_id in ((declared, "big-1"), (streamed, "big-2")):
        assert (response.status_code, response.json()) == (413, {
            "error": {"code": "payload_too_large", "message": message, "details": []}, "requestId": request_id})
    assert ok.status_code == 200
    assert [r.outcome for r in recorder.records] == ["payload_too_large", "payload_too_large", "ok"]


def test_an_invalid_body_limit_stops_the_app_from_being_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_MAX_BODY_MB", "lots")

    with pytest.raises(ValueError, match="SEGMENT_MAX_BODY_MB must be a whole number of megabytes from 1 to 1024"):
        create_app(Runtime.offline())


def test_ping_is_answered_while_a_large_body_is_decoded(recorder: ListRecorder,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The decoding waits until /ping has been answered: on the event loop, it would hold /ping until it timed out.
    pinged = threading.Event()
    decode = json_guard.strict_json

    def decode_after_a_ping(body: bytes) -> Any:
        pinged.wait(timeout=10)
        return decode(body)

    monkeypatch.setattr(json_guard, "strict_json", decode_after_a_ping)
    seed_customer = seed_example("example-request")["customerData"]["customer"]
    cohort = {"cohort": {"customers": [{**seed_customer, "customerId": f"C-{i}"} for i in range(400)]},
              "asOf": "2026-02-12", "explain": False}
    body = json.dumps(cohort).encode()
    assert len(body) > 256 * 1024  # decoded in a worker thread

    with threaded_server(create_app(Runtime.offline(recorder))) as base_url, httpx.Client(base_url=base_url) as http, \
            ThreadPoolExecutor(max_workers=1) as pool:
        invocation = pool.submit(http.post, "/invocations", content=body, timeout=30)
        time.sleep(0.2)  # the body is sent and its decoding waits
        ping = httpx.get(f"{base_url}/ping", timeout=2)
        pinged.set()
        answer = invocation.result()

    assert ping.status_code == 200
    assert (answer.status_code, len(answer.json()["analyses"])) == (200, 400)
