"""The explainer backed by a language model through a Strands Agent, with the template as its fallback."""

from __future__ import annotations

import logging

from agent.cohort import CohortSummary
from agent.explain.base import Explainer, Explanation
from agent.explain.markdown import model_markdown
from agent.explain.prompt import analysis_message, cohort_message, system_prompt
from agent.explain.template import TemplateExplainer
from agent.model_call import ModelFailed, bounded_agent, invoke_bounded
from agent.model_settings import ModelFactory
from agent.payloads import Language
from agent.telemetry import redact_model_content, scrub_strands_spans
from agent.tools import SEGMENT_TOOL_NAMES
from rules import Analysis

logger = logging.getLogger(__name__)


class ModelExplainer:
    """Asks a model for each explanation; the template answers when the model fails or is too slow.

    It keeps no state between calls: each explanation gets a new Strands Agent and a new model from
    `model_factory`, so any number of requests can use one instance at once.
    """

    def __init__(self, model_factory: ModelFactory, timeout_s: float, fallback: Explainer | None = None) -> None:
        """Explain with models from `model_factory`, each answer bounded by `timeout_s` seconds."""
        redact_model_content()  # before the first Strands agent: its spans must not carry the customer's data
        scrub_strands_spans(SEGMENT_TOOL_NAMES)  # nor a failed model call's error, which may quote it
        self._model_factory = model_factory
        self._timeout_s = timeout_s
        self._fallback = fallback or TemplateExplainer()

    def explain_analysis(self, analysis: Analysis, language: Language) -> Explanation:
        """Explain one analysis with the model, or with the template if the model fails."""
        message = analysis_message(analysis.model_dump(mode="json", by_alias=True))
        text = self._ask(message, language)
        return Explanation(text, "model") if text else self._fallback.explain_analysis(analysis, language)

    def explain_cohort(self, summary: CohortSummary, language: Language) -> Explanation:
        """Explain a cohort summary with the model, or with the template if the model fails."""
        text = self._ask(cohort_message(summary.to_json()), language)
        return Explanation(text, "model") if text else self._fallback.explain_cohort(summary, language)

    def _ask(self, message: str, language: Language) -> str | None:
        """The model's answer with its links, images and HTML disarmed (customer data may have steered it), or None."""
        try:
            agent = bounded_agent(self._model_factory(), system_prompt(language))
            return model_markdown(invoke_bounded(agent, message, self._timeout_s))
        except ModelFailed as failure:
            logger.warning("model explanation failed, the template answers: %s", failure,
                           extra={"event": "model_fallback"})
        except Exception as error:  # a misconfigured model must not fail the request: the template answers
            logger.warning("model could not be built, the template answers (%s)", type(error).__name__,
                           extra={"event": "model_fallback"})
        return None
