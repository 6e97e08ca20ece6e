"""The About and Observability pages in AppTest."""

from __future__ import annotations

from tests.dashboard.apptest import go_to, open_app, texts


def test_about_explains_every_segment_and_the_configuration() -> None:
    at = go_to(open_app(), "about")

    glossary = at.dataframe[0].value
    assert len(glossary) == 18
    assert glossary.loc[glossary["code"] == "Riskli", ["name", "rule"]].to_dict("records") == [
        {"name": "at risk", "rule": "days since the last purchase > 60"}]
    markdown = texts(at, "markdown")
    assert "Largest upload: **200 MB**" in markdown
    assert any("Agent backend: **In-process agent**" in m for m in markdown)
