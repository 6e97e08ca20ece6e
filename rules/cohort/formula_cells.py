"""Which text cells a spreadsheet would run as a formula, and how they are defused, for one text or a whole
column at a time.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (also after white space, or after a tab or carriage return,
which some spreadsheets skip) is a formula to Excel and LibreOffice, and a customer name like ``=HYPERLINK(...)``
in an export would run when opened. Such cells get a leading apostrophe, which spreadsheets show as text. Plain
numbers (``-12,50``, a return's quantity) are not formulas and stay as they are.

The patterns mean the same to Python's `re` and to RE2, which Arrow's compute functions use: white space is
spelled out (RE2's ``\\s`` is ASCII only, Python's every Unicode space) and digits are ASCII in both.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_strings import TEXT

# Every character `str.isspace` calls white space.
_SPACE = "\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_FORMULA_START = f"^[{_SPACE}]*[=+\\-@]|^[\t\r]"
_PLAIN_NUMBER = " *[+-]?[0-9][0-9.,]*"
_FORMULA_START_RE = re.compile(_FORMULA_START)
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula."""
    return bool(_FORMULA_START_RE.match(text)) and not _PLAIN_NUMBER_RE.fullmatch(text)


def defused(text: object) -> object:
    """``text`` with a leading apostrophe when it would run as a formula; anything else as it is.

    Examples:
        >>> defused("=1+1"), defused("-12,50"), defused(3)
        ("'=1+1", '-12,50', 3)
    """
    if isinstance(text, str) and is_formula(text):
        return "'" + text
    return text


def defused_texts(texts: pa.Array) -> pa.Array:
    """`defused` for every text of a string array (nulls stay null)."""
    risky = pc.match_substring_regex(texts, _FORMULA_START)
    if not pc.any(risky).as_py():
        return texts
    # RE2 anchors ``$`` at the very end, as `re.fullmatch` does (Python's ``$`` would also match before a last
    # line break).
    risky = pc.and_kleene(risky, pc.invert(pc.match_substring_regex(texts, f"^(?:{_PLAIN_NUMBER})$")))
    apostrophed = pc.binary_join_element_wise(pa.scalar("'", TEXT), texts.cast(TEXT), pa.scalar("", TEXT))
    return pc.if_else(risky, apostrophed, texts.cast(TEXT))
