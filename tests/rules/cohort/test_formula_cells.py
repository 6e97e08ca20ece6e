"""Formula-like cells: one text in Python and a whole column in Arrow (RE2) judge alike."""

from __future__ import annotations

import sys

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.formula_cells import defused, defused_texts, is_formula

# Formula marks, digits, separators and every kind of white space, so that near misses come up often.
ALPHABET = st.sampled_from(list("=+-@0123456789.,;: aZçİ\t\r\n\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u202f\u3000"
                                "\u0663\u200b'\""))
TEXTS = st.one_of(st.none(), st.text(ALPHABET, max_size=6), st.text(max_size=4))


def test_cells_a_spreadsheet_would_run_get_an_apostrophe() -> None:
    texts = ["=HYPERLINK(\"http://x\")", "+90 555 0000", "-1+2", "@SUM(A1)", "\t=1", "\tplain", "\rx", " =1",
             "\u3000=1", "\xa0+5", "-12,50", " +3", "1.234,50", "-", "plain", "", "-\u0663", "a=1"]

    assert [defused(text) for text in texts] == [
        "'=HYPERLINK(\"http://x\")", "'+90 555 0000", "'-1+2", "'@SUM(A1)", "'\t=1", "'\tplain", "'\rx", "' =1",
        "'\u3000=1", "'\xa0+5", "-12,50", " +3", "1.234,50", "'-", "plain", "", "'-\u0663", "a=1"]
    assert defused(-5) == -5
    assert defused(None) is None


def test_white_space_before_a_formula_is_every_character_python_calls_space() -> None:
    characters = [chr(point) for point in range(sys.maxunicode + 1)
                  if not 0xD800 <= point <= 0xDFFF and chr(point) not in "=+-@"]  # surrogates; formulas alone

    column = defused_texts(pa.array([character + "=1" for character in characters]))

    spaces = [character for character in characters if character.isspace()]
    assert [character for character in characters if is_formula(character + "=1")] == spaces
    assert [character for character, text in zip(characters, column.to_pylist(), strict=True)
            if text == f"'{character}=1"] == spaces


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXTS, max_size=10))
def test_a_column_is_defused_as_each_text_is(texts: list[str | None]) -> None:
    array = pa.array(texts, pa.string())

    assert defused_texts(array).to_pylist() == [defused(text) for text in texts]
