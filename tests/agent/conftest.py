"""Fixtures of the agent's tests: a recorder that keeps what it is given."""

from __future__ import annotations

import pytest

from agent.telemetry import InvocationRecord


class ListRecorder:
    """A telemetry recorder that keeps every record, and counts how often it was closed."""

    def __init__(self) -> None:
        self.records: list[InvocationRecord] = []
        self.closed = 0

    def record(self, record: InvocationRecord) -> None:
        self.records.append(record)

    def close(self, timeout: float = 5.0) -> None:
        self.closed += 1


@pytest.fixture
def recorder() -> ListRecorder:
    return ListRecorder()
