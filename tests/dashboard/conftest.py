"""Fixtures of the dashboard's tests: seed customers, a real agent runtime, AWS settings, fresh caches."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import streamlit as st

from tests.conftest import SEED
from tests.dashboard.agentcore_shim import AgentCoreShim
from tests.dashboard.servers import running_runtime

RUNTIME_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/segment_agent-AbC123xyz"


def seed_customers() -> list[dict[str, Any]]:
    """The seed's eight mock customers (customer objects with productHistory)."""
    customers: list[dict[str, Any]] = json.loads((SEED / "mock-data" / "customers.json").read_text(encoding="utf-8"))
    return customers


def many_customers(count: int) -> list[dict[str, Any]]:
    """`count` seed customers, the eight mock ones over and over with ids C-00000, C-00001, ..."""
    base = seed_customers()
    out = []
    for index in range(count):
        customer = copy.deepcopy(base[index % len(base)])
        customer["customerId"] = f"C-{index:05d}"
        out.append(customer)
    return out


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> None:
    # Streamlit's caches are process-wide; a test must not see another test's cached reads or clients.
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def runtime_url() -> Iterator[str]:
    with running_runtime() as url:
        yield url


@pytest.fixture
def agentcore(runtime_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AgentCoreShim]:
    """The AgentCore stand-in in front of the real runtime, with boto3 pointed at it by the standard variables."""
    shim = AgentCoreShim(runtime_url).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", shim.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    try:
        yield shim
    finally:
        shim.stop()
