"""The agent, through one interface with three backends: in-process, runtime URL and AgentCore ARN.

Examples:
    >>> from dashboard.client import make_client
    >>> from dashboard.settings import Settings
    >>> make_client(Settings()).kind
    'inprocess'
"""

from __future__ import annotations

from dashboard.client.base import AgentClient, AgentError
from dashboard.settings import Settings

__all__ = ["AgentClient", "AgentError", "make_client"]


def make_client(settings: Settings) -> AgentClient:
    """The client for the configured backend (imports only what that backend needs)."""
    if settings.backend == "url":
        from dashboard.client.url import RuntimeUrlClient

        return RuntimeUrlClient(settings)
    if settings.backend == "arn":
        from dashboard.client.agentcore import AgentCoreClient

        return AgentCoreClient(settings)
    from dashboard.client.inprocess import InProcessClient

    return InProcessClient()
