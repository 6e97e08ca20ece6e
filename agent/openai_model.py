"""Strands' OpenAI model, with requests that strict OpenAI-compatible servers accept.

Strands sends ``"tools": []`` when an agent has no tools, as the explainer's has not. OpenAI answers that with
HTTP 400 (``empty_array``), and vLLM does the same since it matched OpenAI (vllm-project/vllm#39780): every
explanation would fail and fall back to the template. Without tools, the request carries no ``tools`` key.
"""

from __future__ import annotations

from typing import Any

from strands.models.openai import OpenAIModel
from typing_extensions import override


class OpenAICompatibleModel(OpenAIModel):
    """`OpenAIModel` that leaves an empty tool list out of its requests."""

    @override
    def format_request(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Strands' request, without ``tools`` when there are none."""
        request = super().format_request(*args, **kwargs)
        if not request.get("tools"):
            request.pop("tools", None)
        return request
