"""Per-session state: the shared agent client."""

from __future__ import annotations

import pytest

from dashboard.ui import session


def test_one_agent_client_per_configuration_and_a_new_one_for_new_aws_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOLD")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "old-secret")
    session._client.clear()
    first = session.agent_client()

    assert session.agent_client() is first
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "new-secret")  # `aws configure` or a refreshed session key
    assert session.agent_client() is not first
