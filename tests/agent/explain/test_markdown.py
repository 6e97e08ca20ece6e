"""`markdown_text`: customer text shows as itself in Markdown, and ordinary names are left as they are."""

from __future__ import annotations

import pytest

from agent.explain.markdown import markdown_text


@pytest.mark.parametrize(("text", "escaped"), [
    ("Serum\n\n## URGENT: 90% off", "Serum  \\#\\# URGENT: 90% off"),  # no heading: it cannot start a line
    ("[Open](https://evil.example/login)", "\\[Open\\](https:\u2060//evil.example/login)"),
    ("![](https://evil.example/pixel.png)", "!\\[\\](https:\u2060//evil.example/pixel.png)"),
    ("see www.evil.example or me@evil.example", "see www\u2060.evil.example or me\u2060@evil.example"),
    ("<img src=x> </data> &#x202E; &amp;", "\\<img src=x> \\</data> \\&\\#x202E; \\&amp;"),
    ("*bold* _it_ ~~gone~~ `code` a|b $x$ \\", "\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~ \\`code\\` a\\|b \\$x\\$ \\\\"),
    (":red[alarm] :fire:", ":red\\[alarm\\] :fire:"),
    ("Cream \u202eevil\u202c \u2066x\u2069\u200f", "Cream evil x"),  # bidi controls would reorder the line
    ("A\x00B\x1b[31mC\x07D\rE\tF\u2028G\x85H", "A B \\[31mC D E F G H"),
    ("Dr. C. Tuna Tea Tree Face Wash (P-2001), 50 ml + 10% - 0.73 < 2 & more!",
     "Dr. C. Tuna Tea Tree Face Wash (P-2001), 50 ml + 10% - 0.73 < 2 & more!"),
    ("Kadın Parfüm Şampuan İğne", "Kadın Parfüm Şampuan İğne"),
])
def test_markdown_text(text: str, escaped: str) -> None:
    assert markdown_text(text) == escaped
