"""Chunks and bounded concurrency: order kept, progress reported, the first failure stops the rest."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest

from dashboard.client import AgentError
from dashboard.client.batch import chunks, invoke_all
from dashboard.settings import BackendKind


class CountingClient:
    """An AgentClient that answers with the payload's number after a short wait, counting calls in flight."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.fail_on = fail_on
        self.in_flight = 0
        self.most_in_flight = 0
        self.calls: list[int] = []
        self._lock = threading.Lock()

    @property
    def kind(self) -> BackendKind:
        return "inprocess"

    @property
    def target(self) -> str:
        return "counting"

    def invoke(self, payload: Mapping[str, Any], *, session_id: str) -> dict[str, Any]:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.calls.append(payload["n"])
        time.sleep(0.02)
        with self._lock:
            self.in_flight -= 1
        if payload["n"] == self.fail_on:
            raise AgentError("invalid_input", f"payload {payload['n']} is invalid")
        return {"n": payload["n"], "session": session_id}


def test_chunks_cut_in_order() -> None:
    assert [list(c) for c in chunks(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    with pytest.raises(ValueError, match="chunk size must be at least 1"):
        list(chunks([1], 0))


def test_answers_keep_the_payloads_order_with_bounded_concurrency_and_progress() -> None:
    client = CountingClient()
    progress: list[tuple[int, int]] = []

    answers = invoke_all(client, [{"n": n} for n in range(9)], session_id="s" * 40, max_workers=3,
                         on_progress=lambda done, total: progress.append((done, total)))

    assert [a["n"] for a in answers] == list(range(9))
    assert {a["session"] for a in answers} == {"s" * 40 + "-w0", "s" * 40 + "-w1", "s" * 40 + "-w2"}
    assert client.most_in_flight == 3
    assert progress[0] == (0, 9)
    assert progress[-1] == (9, 9)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_the_first_failure_is_raised_with_its_payload_index() -> None:
    client = CountingClient(fail_on=1)

    with pytest.raises(AgentError) as caught:
        invoke_all(client, [{"n": n} for n in range(40)], session_id="s" * 40, max_workers=2)

    assert caught.value.payload_index == 1
    assert len(client.calls) < 40  # the payloads not yet started were cancelled


def test_problems_of_customers_with_their_own_region_are_located_like_any_other() -> None:
    from datetime import date

    from dashboard.client.calls import segment_customer_data
    from dashboard.client.inprocess import InProcessClient

    plain = {"customer": {"customerId": "C-1", "age": 30, "productHistory": []}}
    foreign = {"customer": {"customerId": "C-2", "age": 300, "region": "Kıbrıs", "productHistory": []},
               "region": {"name": "Kıbrıs", "medianBasket": 40.0, "medianBasketSource": "cohort"}}

    with pytest.raises(AgentError) as caught:
        segment_customer_data(InProcessClient(), [plain, foreign], as_of=date(2026, 2, 12), session_id="s" * 40,
                              chunk_size=10, max_workers=1)

    assert [(d["loc"], d["input"], d["customerId"]) for d in caught.value.details] == [("customers[1].age", 300, "C-2")]
