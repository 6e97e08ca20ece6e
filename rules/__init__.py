"""The rule engine: seed-compatible customer segmentation, pure Python (no AWS, no Streamlit).

Examples:
    >>> from datetime import date
    >>> from rules import analyze_customer
    >>> analysis = analyze_customer({"city": "Antalya", "region": {"name": "Akdeniz"}}, date(2026, 2, 12))
    >>> analysis.mode, analysis.region, analysis.avg_basket
    ('region', 'Akdeniz', 60.0)
"""

from rules.analyze import analyze_customer, analyze_request
from rules.errors import InvalidInput, Problem
from rules.models.analysis import Analysis, Reason
from rules.rulebook import Rulebook, default_rulebook, load_rulebook

__all__ = [
    "Analysis",
    "InvalidInput",
    "Problem",
    "Reason",
    "Rulebook",
    "analyze_customer",
    "analyze_request",
    "default_rulebook",
    "load_rulebook",
]
