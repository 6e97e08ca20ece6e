"""Fixtures of the dashboard's tests: a real agent runtime, the AgentCore stand-in, fresh Streamlit caches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st

from tests.dashboard.agentcore_shim import AgentCoreShim
from tests.dashboard.servers import running_runtime

RUNTIME_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/segment_agent-AbC123xyz"


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
