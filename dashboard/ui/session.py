"""Per-session state: the session's id, the configured agent client, and the as-of day.

Clients are cached once per configuration with `st.cache_resource` (they hold connection pools and are
thread-safe); everything a user computes stays in that user's `st.session_state`.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime

import streamlit as st

from dashboard.aws_setup import credential_fingerprint
from dashboard.client import AgentClient, make_client
from dashboard.settings import Settings, SettingsError, settings_from_environment

SESSION_ID_KEY = "segment_session_id"
AS_OF_KEY = "as_of"


def session_id() -> str:
    """This browser session's id: 42 characters, enough for AgentCore's runtimeSessionId (at least 33)."""
    if SESSION_ID_KEY not in st.session_state:
        st.session_state[SESSION_ID_KEY] = f"dashboard-{uuid.uuid4().hex}"
    return str(st.session_state[SESSION_ID_KEY])


def settings() -> Settings:
    """The configured settings (environment, then st.secrets).

    Raises:
        SettingsError: the configuration is invalid.
    """
    return settings_from_environment()


@st.cache_resource(max_entries=4, show_spinner=False)
def _client(config: Settings, credentials: tuple[object, ...]) -> AgentClient:
    # ``credentials`` is part of the key: changed AWS keys (`aws configure`) get a new AgentCore client.
    return make_client(config)


def agent_client() -> AgentClient:
    """The agent client for the configured backend, shared by the sessions that use that configuration.

    Raises:
        SettingsError: the configuration is invalid.
    """
    return _client(settings(), credential_fingerprint(os.environ))


def default_as_of() -> date:
    """The as-of day a session starts with: SEGMENT_AS_OF when configured, else today in UTC."""
    try:
        configured = settings().as_of
    except SettingsError:
        configured = None  # the sidebar shows the configuration error
    return configured or datetime.now(UTC).date()


def as_of() -> date:
    """The day every analysis of this session is for (the sidebar's date picker)."""
    value = st.session_state.get(AS_OF_KEY)
    return value if isinstance(value, date) else default_as_of()


__all__ = ["AS_OF_KEY", "SettingsError", "agent_client", "as_of", "default_as_of", "session_id", "settings"]
