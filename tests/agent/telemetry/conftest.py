"""Fixtures of the telemetry tests: a local CloudWatch (moto's server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.agent.telemetry.moto_cloudwatch import local_cloudwatch


@pytest.fixture
def cloudwatch_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty local CloudWatch that boto3 reaches through AWS_ENDPOINT_URL_CLOUDWATCH."""
    yield from local_cloudwatch(monkeypatch)
