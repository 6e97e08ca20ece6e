"""`markdown_text`: customer text shows as itself in Markdown, and ordinary names are left as they are.
`model_markdown`: a model's Markdown keeps its formatting but shows no link, image or HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.explain.markdown import markdown_text, model_markdown

WJ = "\u2060"  # the word joiner that keeps a renderer from linking an address


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


@pytest.mark.parametrize(("text", "disarmed"), [
    ("![x](https://evil.example/p.png?d=C-1)", f"!\\[x\\](https:{WJ}//evil.example/p.png?d=C-1)"),
    ("[Log in](http://evil.example 'now')", f"\\[Log in\\](http:{WJ}//evil.example 'now')"),
    ("See [the offer][1] and [this].\n\n[1]: https://evil.example/o\n[this]: <https://evil.example/t>",
     f"See \\[the offer\\]\\[1\\] and \\[this\\].\n\n\\[1\\]: https:{WJ}//evil.example/o\n"
     f"\\[this\\]: \\<https:{WJ}//evil.example/t>"),
    ("<https://evil.example> <me@evil.example>", f"\\<https:{WJ}//evil.example> \\<me{WJ}@evil.example>"),
    ("https://evil.example/?d=C-1, www.evil.example, me@evil.example",
     f"https:{WJ}//evil.example/?d=C-1, www{WJ}.evil.example, me{WJ}@evil.example"),
    ('<img src="https://e.example/p.png"> <a href=x>go</a> <!-- c --> <?php ?> <![CDATA[x]]>',
     f'\\<img src="https:{WJ}//e.example/p.png"> \\<a href=x>go\\</a> \\<!-- c --> \\<?php ?> '
     "\\<!\\[CDATA\\[x\\]\\]>"),
    # The model's own escapes stay single: doubling the backslash of "\[" would leave the bracket live.
    ("\\[x\\](y) \\\\[z](w) \\<b> \\*", "\\[x\\](y) \\\\\\[z\\](w) \\<b> \\*"),
    ("`[x](https://e.example)` and\n```\n<b>\n```", f"`\\[x\\](https:{WJ}//e.example)` and\n```\n\\<b>\n```"),
    (":red[alarm] - [ ] task", ":red\\[alarm\\] - \\[ \\] task"),
    # Ordinary Markdown is left as it is: headings, emphasis, lists, tables, code, quotes, comparisons.
    ("## Customer C-1\n\n**At risk**, _cooling_ ~~gone~~\n\n- one\n  1. two\n> note\n\n| a | b |\n|---|---|\n"
     "| 0.73 < 2 | 5 > 3 & more! |\n\n`C-1` $5 (P-2001) #1",
     "## Customer C-1\n\n**At risk**, _cooling_ ~~gone~~\n\n- one\n  1. two\n> note\n\n| a | b |\n|---|---|\n"
     "| 0.73 < 2 | 5 > 3 & more! |\n\n`C-1` $5 (P-2001) #1"),
])
def test_model_markdown(text: str, disarmed: str) -> None:
    assert model_markdown(text) == disarmed


def _escaped(text: str, at: int) -> bool:
    """Whether the character at `at` follows an odd number of backslashes, i.e. a renderer reads it as text."""
    return (at - len(text[:at].rstrip("\\"))) % 2 == 1


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="[]()<>!\\`/:@w.a \n", max_size=40))
def test_model_markdown_leaves_no_bracket_tag_or_address_live(text: str) -> None:
    disarmed = model_markdown(text)

    live = [m.start() for m in re.finditer(r"[\[\]]|<(?=[A-Za-z/!?])", disarmed) if not _escaped(disarmed, m.start())]
    assert live == []
    assert "://" not in disarmed
    assert "www." not in disarmed
    assert all(disarmed[i - 1] == WJ for i, c in enumerate(disarmed) if c == "@")


def test_model_markdown_drops_bidirectional_controls_as_customer_text_does() -> None:
    steered = "Renew at \u202eexe.lanigiro\u202c today"

    assert model_markdown(steered) == markdown_text(steered) == "Renew at exe.lanigiro today"
