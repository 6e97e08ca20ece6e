"""Words for the pages: counts with their noun in the right number, shares that never round away, and text from
files shown as text."""

from __future__ import annotations

from agent.explain.markdown import markdown_text
from rules.errors import InvalidInput
from rules.text import counted

__all__ = ["counted", "plain", "share", "unreadable_cohort"]

PROBLEMS_SHOWN = 3  # an unreadable cohort's problems quoted on the pages that only use it; the Cohort page has all


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage, never shown as 0% or 100% when it is neither.

    Examples:
        >>> share(1, 291), share(145, 291), share(290, 291), share(0, 291)
        ('<1%', '50%', '>99%', '0%')
    """
    if not whole:
        return "0%"
    fraction = part / whole
    if 0 < fraction < 0.01:
        return "<1%"
    if 0.99 < fraction < 1:
        return ">99%"
    return f"{fraction:.0%}"


def plain(text: object) -> str:
    r"""Text from a file (a name, an id, a warning quoting a value) for a Markdown element (st.markdown, st.caption,
    st.warning, …): shown as the text it is, never as a link, an image or a heading.

    Examples:
        >>> print(plain("orders_2026.csv"), plain("![x](https://evil.example/p.png)").replace("\u2060", "<WJ>"))
        orders\_2026.csv !\[x\](https:<WJ>//evil.example/p.png)
    """
    return markdown_text(str(text))


def unreadable_cohort(file_name: str, error: Exception) -> str:
    """Markdown for the pages that use the loaded cohort (Customer, Regions) when it cannot be read: its first
    problems, located, without their hints, which name the API's arguments and the command line's options: in the
    dashboard the Cohort page's sheet picker and column mapping are the way, as it says.
    """
    if isinstance(error, InvalidInput):
        shown = "; ".join(f"{problem.loc}: {problem.msg}" if problem.loc else problem.msg
                          for problem in error.problems[:PROBLEMS_SHOWN])
        more = len(error.problems) - PROBLEMS_SHOWN
        what = f"{counted(len(error.problems), 'problem')}: {shown}" + (f"; and {more:,} more" if more > 0 else "")
    else:
        what = f"{type(error).__name__}: {error}"
    return (f"The loaded cohort ({plain(file_name)}) could not be read — {plain(what)}. The **Cohort** page lists "
            "the problems, with the column mapping (and a workbook's sheet picker) to correct them.")
