"""The About page's segment glossary: every code, its English name, its rule in words and its colour."""

from __future__ import annotations

from dashboard.glossary import segment_glossary


def test_every_segment_value_is_explained_from_the_rulebook() -> None:
    glossary = segment_glossary()

    assert len(glossary) == 18
    assert glossary.loc[glossary["code"].isin(["Aktif", "Ilık", "Riskli", "Platin", "Bronz", "Dengeli"]),
                        ["code", "name", "rule", "colour"]].to_dict("records") == [
        {"code": "Aktif", "name": "active", "rule": "days since the last purchase ≤ 29", "colour": "#16a34a"},
        {"code": "Ilık", "name": "cooling", "rule": "days since the last purchase 30–60", "colour": "#f59e0b"},
        {"code": "Riskli", "name": "at risk", "rule": "days since the last purchase > 60", "colour": "#dc2626"},
        {"code": "Platin", "name": "platinum", "rule": "≥ 12 months a member and ≥ 2 orders a month",
         "colour": "#64748b"},
        {"code": "Bronz", "name": "bronze", "rule": "every other customer", "colour": "#b45309"},
        {"code": "Dengeli", "name": "balanced", "rule": "distinct products ÷ orders > 0.40 and ≤ 0.70",
         "colour": "#eab308"},
    ]
