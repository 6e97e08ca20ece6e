"""Which language model explains and answers, read from the environment, and how to build it.

| variable | meaning |
| --- | --- |
| `SEGMENT_MODEL_PROVIDER` | `bedrock`; `openai` (any OpenAI-compatible server: Ollama, vLLM, llama.cpp); |
| | unset or `none`: the template explainer only |
| `SEGMENT_MODEL_ID` | Bedrock model or inference-profile id (required for `bedrock`) |
| `AWS_REGION` | Bedrock's region (else `AWS_DEFAULT_REGION`, else the SDK's default) |
| `SEGMENT_OPENAI_BASE_URL` | e.g. `http://127.0.0.1:11434/v1` (required for `openai`) |
| `SEGMENT_OPENAI_MODEL` | the model name the server knows (required for `openai`) |
| `SEGMENT_OPENAI_API_KEY` | optional; local servers usually need none |
| `SEGMENT_MODEL_TIMEOUT_S` | seconds one model answer may take before the template answers instead (default 20) |
| `SEGMENT_MODEL_MAX_TOKENS` | longest answer, in tokens: a whole number (default 1024, at most 100000) |

Bedrock is reached through boto3's usual configuration, so `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` points it
elsewhere (tests use a local stand-in).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from strands.models import Model

Provider = Literal["bedrock", "openai"]
ModelFactory = Callable[[], "Model"]  # a new model per invocation

DEFAULT_TIMEOUT_S = 20.0
MAX_TIMEOUT_S = 300.0
DEFAULT_MAX_TOKENS = 1024
MAX_MAX_TOKENS = 100_000  # above any model's output limit; each model refuses more than its own
# Local servers ignore the key, but the OpenAI client refuses to start without one.
_PLACEHOLDER_API_KEY = "not-needed"


class ModelConfigError(ValueError):
    """The environment configures the model wrongly; the message names the variable and its value."""


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """A configured model.

    Attributes:
        provider: "bedrock" or "openai".
        model_id: Bedrock model id, or the OpenAI-compatible server's model name.
        region: Bedrock's region (None: boto3's default resolution).
        base_url: the OpenAI-compatible server's base URL.
        api_key: the OpenAI-compatible server's key (never logged).
        timeout_s: the bound on one model answer.
        max_tokens: the longest answer.
    """

    provider: Provider
    model_id: str
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_tokens: int = DEFAULT_MAX_TOKENS
    region: str | None = None
    base_url: str | None = None
    api_key: str | None = None

    def __repr__(self) -> str:
        # The key and any password in the URL stay out of reprs, and so out of logs and tracebacks.
        base_url = without_userinfo(self.base_url) if self.base_url else self.base_url
        return (f"ModelSettings(provider={self.provider!r}, model_id={self.model_id!r}, "
                f"timeout_s={self.timeout_s}, base_url={base_url!r}, region={self.region!r})")


def settings_from_env(env: Mapping[str, str] | None = None) -> ModelSettings | None:
    """The model the environment configures, or None for the template explainer only.

    Args:
        env: the variables to read; `os.environ` when None.

    Raises:
        ModelConfigError: a variable is missing or invalid.
    """
    env = os.environ if env is None else env
    provider = env.get("SEGMENT_MODEL_PROVIDER", "").strip().lower()
    if provider in ("", "none"):
        return None
    timeout_s = _number(env, "SEGMENT_MODEL_TIMEOUT_S", DEFAULT_TIMEOUT_S, 0.0, MAX_TIMEOUT_S)
    max_tokens = _whole_number(env, "SEGMENT_MODEL_MAX_TOKENS", DEFAULT_MAX_TOKENS, 1, MAX_MAX_TOKENS)
    if provider == "bedrock":
        return ModelSettings(
            provider="bedrock", model_id=_required(env, "SEGMENT_MODEL_ID"), timeout_s=timeout_s,
            max_tokens=max_tokens, region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
        )
    if provider == "openai":
        base_url = _required(env, "SEGMENT_OPENAI_BASE_URL")
        if not base_url.startswith(("http://", "https://")):
            shown = without_userinfo(base_url)
            raise ModelConfigError(f"SEGMENT_OPENAI_BASE_URL must be an http(s) URL, got {shown!r}")
        return ModelSettings(
            provider="openai", model_id=_required(env, "SEGMENT_OPENAI_MODEL"), timeout_s=timeout_s,
            max_tokens=max_tokens, base_url=base_url.rstrip("/"),
            api_key=env.get("SEGMENT_OPENAI_API_KEY") or None,
        )
    raise ModelConfigError(f"SEGMENT_MODEL_PROVIDER must be bedrock, openai or none, got {provider!r}")


def build_model(settings: ModelSettings) -> Model:
    """A new Strands model for `settings` (one per invocation: models keep per-call clients).

    The client's own timeout is the same bound as the caller's, and retries are off, so a slow or failing
    model releases its thread soon after the caller has given up on it.
    """
    if settings.provider == "bedrock":
        from botocore.config import Config
        from strands.models.bedrock import BedrockModel

        return BedrockModel(
            model_id=settings.model_id,
            region_name=settings.region,
            boto_client_config=Config(connect_timeout=min(5.0, settings.timeout_s), read_timeout=settings.timeout_s,
                                      retries={"total_max_attempts": 1, "mode": "standard"}),
            # One JSON answer instead of an event stream: nothing is streamed to the caller anyway.
            streaming=False,
            max_tokens=settings.max_tokens,
            temperature=0.2,
        )
    from agent.openai_model import OpenAICompatibleModel

    return OpenAICompatibleModel(
        client_args={"base_url": settings.base_url, "api_key": settings.api_key or _PLACEHOLDER_API_KEY,
                     "timeout": settings.timeout_s, "max_retries": 0},
        model_id=settings.model_id,
        params={"temperature": 0.2, "max_tokens": settings.max_tokens},
    )


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*@")


def without_userinfo(url: str) -> str:
    """`url` with any user and password before its host shown as ``***`` (for messages and reprs).

    Examples:
        >>> without_userinfo("ftp://admin:hunter2@models.example/v1"), without_userinfo("http://127.0.0.1:8000")
        ('ftp://***@models.example/v1', 'http://127.0.0.1:8000')
    """
    return _USERINFO.sub(r"\1***@", url, count=1)


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ModelConfigError(f"{name} is required when SEGMENT_MODEL_PROVIDER is {env['SEGMENT_MODEL_PROVIDER']!r}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ModelConfigError(f"{name} must be a number, got {text!r}") from None
    if not low < value <= high:
        raise ModelConfigError(f"{name} must be above {low:g} and at most {high:g}, got {text!r}")
    return value


def _whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ModelConfigError(f"{name} must be a whole number, got {text!r}") from None
    if not low <= value <= high:
        raise ModelConfigError(f"{name} must be from {low} to {high}, got {text!r}")
    return value
