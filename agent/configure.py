"""The explainer and the assistant the environment configures (see `agent.model_settings`)."""

from __future__ import annotations

from collections.abc import Mapping

from agent.assistant import Assistant
from agent.explain.base import Explainer
from agent.explain.model import ModelExplainer
from agent.explain.template import TemplateExplainer
from agent.model_settings import ModelFactory, ModelSettings, build_model, settings_from_env


def explainer_from_env(env: Mapping[str, str] | None = None) -> Explainer:
    """The model explainer when a model is configured, else the template explainer.

    Raises:
        ModelConfigError: the model configuration is invalid.
    """
    settings = settings_from_env(env)
    if settings is None:
        return TemplateExplainer()
    return ModelExplainer(_factory(settings), settings.timeout_s)


def assistant_from_env(env: Mapping[str, str] | None = None) -> Assistant | None:
    """The assistant for free questions, or None when no model is configured.

    Raises:
        ModelConfigError: the model configuration is invalid.
    """
    settings = settings_from_env(env)
    return None if settings is None else Assistant(_factory(settings), settings.timeout_s)


def _factory(settings: ModelSettings) -> ModelFactory:
    return lambda: build_model(settings)
