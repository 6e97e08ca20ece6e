"""The rulebook loads, is validated, and rejects broken definitions."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from rules import load_rulebook
from rules.rulebook import RULEBOOK_PATH, default_rulebook

SEED_CODES = {
    "ageSegment": ["GenZ", "GençYetişkin", "Yetişkin", "Olgun"],
    "churnSegment": ["Aktif", "Ilık", "Riskli"],
    "valueSegment": ["HighValue", "Standard"],
    "loyaltyTier": ["Platin", "Altın", "Gümüş", "Bronz"],
    "affinityType": ["Odaklı", "Keşifçi"],
    "diversityProfile": ["Kaşif", "Dengeli", "Sadık"],
}


def test_bundled_rulebook_has_the_seed_codes_with_names_and_colours() -> None:
    rules = default_rulebook()

    assert {dim: [s.code for s in segs] for dim, segs in rules.dimensions.items()} == SEED_CODES
    assert rules.display_name("Riskli") == "Riskli — at risk"
    colours = [s.color for segs in rules.dimensions.values() for s in segs]
    assert len(set(colours)) == len(colours)


def _broken(tmp_path: Path, edit: Any) -> Path:
    raw = tomllib.loads(RULEBOOK_PATH.read_text(encoding="utf-8"))
    edit(raw)
    lines = []
    # A tiny TOML writer is enough: the rulebook is tables of scalars and arrays of inline tables.
    import json
    def value(v: Any) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        return json.dumps(v, ensure_ascii=False)
    for key, v in raw.items():
        if not isinstance(v, dict):
            lines.append(f"{key} = {value(v)}")
    for key, v in raw.items():
        if isinstance(v, dict):
            lines.append(f"[{key}]")
            lines += [f"{k} = {value(x)}" for k, x in v.items()]
    path = tmp_path / "rulebook.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_round_trip_of_the_test_writer(tmp_path: Path) -> None:
    assert load_rulebook(_broken(tmp_path, lambda raw: None)) == default_rulebook()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r["age"]["bands"][1].update(max=20), "band maxima must strictly ascend"),
        (lambda r: r["age"]["bands"][-1].update(max=99), "only the last band may (and must) have no max"),
        (lambda r: r["diversity"]["bands"][0].update(above=0.1), "band thresholds must strictly descend"),
        (lambda r: r["new_customer"].update(churn="Lost"), "new_customer.churn='Lost'"),
        (lambda r: r["churn"]["bands"][0].update(color="green"), "String should match pattern"),
        (lambda r: r.pop("version"), "version"),
        (lambda r: r["loyalty"]["tiers"][-1].update(min_orders=1), "the last tier is the fallback"),
        (lambda r: r["value"]["bands"][0].update(color="#16A34A"), "segment colours must be unique"),
        (lambda r: r.update(budget_factor=11), "Input should be less than or equal to 10"),  # room the models keep
    ],
)
def test_invalid_rulebooks_are_rejected(tmp_path: Path, edit: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_rulebook(_broken(tmp_path, edit))
