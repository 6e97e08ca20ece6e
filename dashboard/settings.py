"""The dashboard's configuration: which agent backend to use and how, from the environment or st.secrets.

The environment wins over Streamlit secrets, so a launcher (`make run`) can point the dashboard at a runtime
without touching files. Every setting has the name of its environment variable; in `secrets.toml` the same
names are used (``SEGMENT_BACKEND = "arn"``). Without SEGMENT_BACKEND, the backend is ``url`` when
SEGMENT_RUNTIME_URL is set, else ``arn`` when SEGMENT_AGENT_RUNTIME_ARN is set, else ``inprocess``.

| variable | meaning | default |
| --- | --- | --- |
| SEGMENT_BACKEND | ``inprocess``, ``url`` or ``arn`` | see above |
| SEGMENT_RUNTIME_URL | base URL of ``segment serve`` or any AgentCore-compatible endpoint | |
| SEGMENT_AGENT_RUNTIME_ARN | ARN of a deployed AgentCore runtime | |
| SEGMENT_AGENT_QUALIFIER | endpoint qualifier of that runtime | ``DEFAULT`` |
| SEGMENT_AWS_REGION | region of that runtime | the region in the ARN |
| SEGMENT_TIMEOUT_SECONDS | read timeout of one invocation | 120 |
| SEGMENT_MAX_CONCURRENCY | invocations in flight at once for a chunked cohort | 4 |
| SEGMENT_CHUNK_SIZE | customers per cohort invocation | the agent's documented maximum batch size |
| SEGMENT_CHUNK_MAX_MB | most megabytes (of 1,000,000 bytes) of JSON per cohort invocation | 24 |
| SEGMENT_MAX_ATTEMPTS | attempts per invocation (url and arn backends) | 4 |
| SEGMENT_AS_OF | the as-of day a session starts with (YYYY-MM-DD) | today in UTC |
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from urllib.parse import urlparse

BackendKind = Literal["inprocess", "url", "arn"]
BACKENDS: tuple[BackendKind, ...] = ("inprocess", "url", "arn")

BACKEND_LABELS: dict[BackendKind, str] = {
    "inprocess": "In-process agent",
    "url": "Agent runtime URL",
    "arn": "AgentCore runtime (ARN)",
}

_ARN_PREFIX = "arn:aws:bedrock-agentcore:"

# A cohort invocation's body stays this far below the runtime's default SEGMENT_MAX_BODY_MB (32), which answers a
# larger one 413: a quarter of headroom, for a runtime or a proxy before it that counts a little differently.
DEFAULT_CHUNK_MAX_MB = 24
DEFAULT_CHUNK_MAX_BYTES = DEFAULT_CHUNK_MAX_MB * 1_000_000
_LARGEST_BODY_MB = 1024  # the most SEGMENT_MAX_BODY_MB may be (agent.json_guard.max_body_bytes)
# InvokeAgentRuntime takes at most 100 MB of payload (its botocore model: 100,000,000 bytes; AgentCore's quotas).
AGENTCORE_MAX_PAYLOAD_MB = 100


class SettingsError(ValueError):
    """The configuration is invalid; the message names the variable and the value."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated dashboard configuration (hashable, so clients can be cached per configuration)."""

    backend: BackendKind = "inprocess"
    runtime_url: str | None = None
    agent_runtime_arn: str | None = None
    qualifier: str = "DEFAULT"
    aws_region: str | None = None
    timeout_seconds: float = 120.0
    max_concurrency: int = 4
    chunk_size: int | None = None
    chunk_max_bytes: int = DEFAULT_CHUNK_MAX_BYTES
    max_attempts: int = 4
    as_of: date | None = None

    @property
    def target(self) -> str:
        """What the backend talks to, for the sidebar: the URL, the ARN, or the in-process handler."""
        if self.backend == "url":
            return self.runtime_url or ""
        if self.backend == "arn":
            return self.agent_runtime_arn or ""
        return "agent.handler.handle"


def load_settings(env: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> Settings:
    """Build the settings from environment variables, falling back to secrets, then to defaults.

    Raises:
        SettingsError: a value is invalid or a backend lacks what it needs.
    """

    def get(name: str) -> str | None:
        value = env.get(name)
        if value is None and secrets is not None and secrets.get(name) is not None:
            value = str(secrets[name])
        value = value.strip() if value is not None else None
        return value or None

    url = get("SEGMENT_RUNTIME_URL")
    arn = get("SEGMENT_AGENT_RUNTIME_ARN")
    chosen = get("SEGMENT_BACKEND")
    if chosen is None:
        chosen = "url" if url else "arn" if arn else "inprocess"
    chosen = chosen.lower().replace("-", "").replace("_", "")
    if chosen not in BACKENDS:
        raise SettingsError(f"SEGMENT_BACKEND must be one of {', '.join(BACKENDS)}, got {get('SEGMENT_BACKEND')!r}")
    backend: BackendKind = next(kind for kind in BACKENDS if kind == chosen)

    if backend == "url":
        if url is None:
            raise SettingsError("SEGMENT_BACKEND=url needs SEGMENT_RUNTIME_URL (e.g. http://127.0.0.1:8080)")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SettingsError(f"SEGMENT_RUNTIME_URL must be an http(s) URL, got {url!r}")
    if backend == "arn":
        if arn is None:
            raise SettingsError("SEGMENT_BACKEND=arn needs SEGMENT_AGENT_RUNTIME_ARN")
        if not arn.startswith(_ARN_PREFIX) or ":runtime/" not in arn:
            raise SettingsError(
                f"SEGMENT_AGENT_RUNTIME_ARN must look like {_ARN_PREFIX}<region>:<account>:runtime/<id>, got {arn!r}"
            )

    region = get("SEGMENT_AWS_REGION") or (arn.split(":")[3] if arn and arn.startswith(_ARN_PREFIX) else None)
    chunk = get("SEGMENT_CHUNK_SIZE")
    as_of_text = get("SEGMENT_AS_OF")
    try:
        as_of = date.fromisoformat(as_of_text) if as_of_text else None
    except ValueError:
        raise SettingsError(f"SEGMENT_AS_OF must be a YYYY-MM-DD date, got {as_of_text!r}") from None
    return Settings(
        backend=backend,
        runtime_url=url.rstrip("/") if url else None,
        agent_runtime_arn=arn,
        qualifier=get("SEGMENT_AGENT_QUALIFIER") or "DEFAULT",
        aws_region=region or None,
        timeout_seconds=_number(get, "SEGMENT_TIMEOUT_SECONDS", 120.0, float),
        max_concurrency=_number(get, "SEGMENT_MAX_CONCURRENCY", 4, int),
        chunk_size=_number(get, "SEGMENT_CHUNK_SIZE", 1, int) if chunk else None,
        chunk_max_bytes=_chunk_max_bytes(get, backend),
        max_attempts=_number(get, "SEGMENT_MAX_ATTEMPTS", 4, int),
        as_of=as_of,
    )


def _number(get: Callable[[str], str | None], name: str, default: float, kind: type[int] | type[float]) -> Any:
    """A positive number setting, parsed as `kind`."""
    raw = get(name)
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a positive {kind.__name__}, got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:  # float() reads "nan" and "inf" too
        raise SettingsError(f"{name} must be a positive {kind.__name__}, got {raw!r}")
    return value


def _chunk_max_bytes(get: Callable[[str], str | None], backend: BackendKind) -> int:
    """SEGMENT_CHUNK_MAX_MB in bytes: megabytes of 1,000,000 bytes, as the runtime counts its SEGMENT_MAX_BODY_MB."""
    megabytes = _number(get, "SEGMENT_CHUNK_MAX_MB", DEFAULT_CHUNK_MAX_MB, float)
    if not 1 <= megabytes * 1_000_000 <= _LARGEST_BODY_MB * 1_000_000:
        raise SettingsError(f"SEGMENT_CHUNK_MAX_MB must be from 0.000001 (one byte) to {_LARGEST_BODY_MB} (the most "
                            f"SEGMENT_MAX_BODY_MB lets a runtime take), got {get('SEGMENT_CHUNK_MAX_MB')!r}")
    if backend == "arn" and megabytes > AGENTCORE_MAX_PAYLOAD_MB:
        raise SettingsError(f"SEGMENT_CHUNK_MAX_MB must be at most {AGENTCORE_MAX_PAYLOAD_MB} with the AgentCore "
                            f"backend (InvokeAgentRuntime's largest payload), got {get('SEGMENT_CHUNK_MAX_MB')!r}")
    return int(megabytes * 1_000_000)


def settings_from_environment() -> Settings:
    """The settings of this process: ``os.environ`` first, then ``st.secrets`` (when a secrets file exists)."""
    return load_settings(os.environ, _streamlit_secrets())


def _streamlit_secrets() -> Mapping[str, Any] | None:
    import streamlit as st

    try:
        # Without a secrets.toml even `.get` raises StreamlitSecretNotFoundError, a FileNotFoundError.
        return {key: st.secrets[key] for key in st.secrets}
    except FileNotFoundError:
        return None
