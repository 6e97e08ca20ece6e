"""The rule engine: seed-compatible customer segmentation (no AWS, no Streamlit).

- One customer (or one region): `analyze_customer`, `analyze_request`.
- Whole cohorts from files: `read_cohort`, then `segment_cohort` (columnar).

Examples:
    >>> from datetime import date
    >>> from rules import analyze_customer
    >>> analysis = analyze_customer({"city": "Antalya", "region": {"name": "Akdeniz"}}, date(2026, 2, 12))
    >>> analysis.mode, analysis.region, analysis.avg_basket
    ('region', 'Akdeniz', 60.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rules.analyze import analyze_customer, analyze_request
from rules.errors import InvalidInput, Problem
from rules.models.analysis import Analysis, Reason
from rules.rulebook import Rulebook, default_rulebook, load_rulebook

if TYPE_CHECKING:
    from rules.cohort.model import Cohort, IngestReport
    from rules.cohort.read import read_cohort
    from rules.cohort.segment import segment_cohort

# The cohort API needs pandas and pyarrow; importing them only when asked keeps `segment analyze` and the
# agent runtime, which analyse one customer at a time, quick to start.
_COHORT_API = {
    "Cohort": "rules.cohort.model",
    "IngestReport": "rules.cohort.model",
    "read_cohort": "rules.cohort.read",
    "segment_cohort": "rules.cohort.segment",
}


def __getattr__(name: str) -> Any:
    if name in _COHORT_API:
        import importlib

        return getattr(importlib.import_module(_COHORT_API[name]), name)
    raise AttributeError(f"module 'rules' has no attribute {name!r}")


__all__ = [
    "Analysis",
    "Cohort",
    "IngestReport",
    "InvalidInput",
    "Problem",
    "Reason",
    "Rulebook",
    "analyze_customer",
    "analyze_request",
    "default_rulebook",
    "load_rulebook",
    "read_cohort",
    "segment_cohort",
]
