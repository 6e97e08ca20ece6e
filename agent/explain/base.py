"""What an explainer is: analyses in, a short text for marketers out, and who wrote it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from agent.cohort import CohortSummary
from agent.payloads import Language
from rules import Analysis

Source = Literal["model", "template"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """An explanation and who wrote it: the language model, or the deterministic template."""

    text: str
    source: Source


class Explainer(Protocol):
    """Writes explanations of analyses. Never changes a segment: the rule engine decides those."""

    def explain_analysis(self, analysis: Analysis, language: Language) -> Explanation:
        """Explain one customer's analysis, or one region's profile."""
        ...

    def explain_cohort(self, summary: CohortSummary, language: Language) -> Explanation:
        """Explain the segment distribution of a cohort."""
        ...
