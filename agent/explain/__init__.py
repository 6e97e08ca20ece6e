"""Explainers: a language model through a Strands Agent, or the deterministic template (English, Turkish)."""

from agent.explain.base import Explainer, Explanation, Source
from agent.explain.model import ModelExplainer
from agent.explain.template import TemplateExplainer

__all__ = ["Explainer", "Explanation", "ModelExplainer", "Source", "TemplateExplainer"]
