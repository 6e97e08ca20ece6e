"""Layout helpers: segment cards escape what they show, explanations sit under the page's own headings."""

from __future__ import annotations

from dashboard.ui.layout import card_grid, demote_headings, segment_card


def test_a_segment_card_escapes_customer_text() -> None:
    card = segment_card("Top category", "<script>alert(1)</script>", "#16a34a", 'SKINCARE & "Care" <b>')

    assert "<script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "SKINCARE &amp; &quot;Care&quot; &lt;b&gt;" in card
    assert "border-left:6px solid #16a34a" in card


def test_cards_share_one_grid() -> None:
    grid = card_grid([segment_card("Churn risk", "Aktif — active", "#16a34a", "r1"),
                      segment_card("Value", None, "#d6d3d1", None)])

    assert grid.startswith('<div class="segment-cards" style="display:grid;')
    assert grid.count('<div class="segment-card" ') == 2
    assert ">Unknown</div>" in grid


def test_headings_are_demoted_and_other_lines_kept() -> None:
    text = "## Customer C-1\n\nSegments:\n- **Age**: 30\n### Actions\n###### tiny"

    assert demote_headings(text) == "#### Customer C-1\n\nSegments:\n- **Age**: 30\n##### Actions\n###### tiny"
