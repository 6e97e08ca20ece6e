"""Layout pieces every page uses: header, sidebar, error boxes, empty states and segment cards."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.client import AgentError
from dashboard.settings import BACKEND_LABELS, SettingsError
from dashboard.ui import session

ASSETS = Path(__file__).resolve().parents[1] / "assets"

_GRID = ('<div class="segment-cards" style="display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));'
         'gap:0.7rem;margin:0.4rem 0 1rem">{cards}</div>')
_CARD = (
    '<div class="segment-card" style="border-left:6px solid {colour};padding:0.55rem 0.8rem;'
    'border-radius:0.6rem;background:#f8fafc">'
    '<div style="font-size:0.78rem;color:#64748b;text-transform:uppercase;letter-spacing:0.04em">{dimension}</div>'
    '<div style="font-size:1.1rem;font-weight:650;color:#0f172a;margin:0.1rem 0 0.25rem">'
    '<span style="display:inline-block;width:0.7rem;height:0.7rem;border-radius:50%;background:{colour};'
    'margin-right:0.4rem"></span>{label}</div>'
    '<div style="font-size:0.85rem;color:#334155">{reason}</div></div>'
)


def page_header(title: str, subtitle: str) -> None:
    """The page title and one line on what the page is for."""
    st.title(title, anchor=False)
    st.caption(subtitle)


def empty_state(message: str, *, icon: str = ":material/info:") -> None:
    """A friendly note where data would be, saying what to do next."""
    st.info(message, icon=icon)


def metric_row() -> DeltaGenerator:
    """A row for `st.metric` cards that wraps onto another line when the window is narrow: in `st.columns` a card
    keeps its share of the row and cuts its value off ("198,09…"), even at a laptop's width."""
    return st.container(horizontal=True)


def show_agent_error(error: AgentError, doing: str) -> None:
    """Show an agent failure on the page: what failed, the agent's message, and every located problem."""
    where = BACKEND_LABELS.get(error.backend, "the agent") if error.backend else "the agent"
    status = f" (HTTP {error.status})" if error.status else ""
    request = f" · request id `{error.request_id}`" if error.request_id else ""
    st.error(f"**{doing} failed** — {where}{status}: {error.message}\n\nerror code `{error.code}`{request}",
             icon=":material/error:")
    if error.details:
        details = pd.DataFrame([{
            "where": str(d.get("loc", "")),
            "problem": str(d.get("msg", "")),
            "value": str(d.get("input", "")),
            **({"customer": str(d["customerId"])} if "customerId" in d else {}),
        } for d in error.details])
        st.dataframe(details, hide_index=True, width="stretch")


def show_settings_error(error: SettingsError) -> None:
    """Show an invalid configuration and where to fix it."""
    # The process reads its environment once, at start; Streamlit reads secrets.toml again when it changes.
    st.error(f"**The dashboard's configuration is invalid:** {error}\n\nSet the environment variable and restart "
             "the dashboard, or set the same key in `.streamlit/secrets.toml` and reload the page.",
             icon=":material/settings_alert:")


def segment_card(dimension: str, label: str | None, colour: str, reason: str | None) -> str:
    """HTML of one segment card (every value escaped: labels and reasons may carry customer text)."""
    return _CARD.format(
        colour=html.escape(colour), dimension=html.escape(dimension),
        label=html.escape(label or "Unknown"), reason=html.escape(reason or ""),
    )


def card_grid(cards: list[str]) -> str:
    """Cards laid out in a responsive grid whose rows share one height."""
    return _GRID.format(cards="".join(cards))


def demote_headings(markdown: str, levels: int = 2) -> str:
    """Markdown whose headings are `levels` smaller, for text shown under the page's own headings.

    Examples:
        >>> demote_headings("## Customer C-1\\ntext\\n### Actions")
        '#### Customer C-1\\ntext\\n##### Actions'
    """
    lines = []
    for line in markdown.split("\n"):
        if line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            line = "#" * min(6, hashes + levels) + line[hashes:]
        lines.append(line)
    return "\n".join(lines)


def sidebar() -> None:
    """The logo, and in the sidebar which agent backend answers and the as-of day of every analysis."""
    st.logo(str(ASSETS / "logo.svg"), size="large", icon_image=str(ASSETS / "icon.svg"))
    with st.sidebar:
        try:
            config = session.settings()
        except SettingsError as error:
            st.error(f"Configuration: {error}", icon=":material/settings_alert:")
        else:
            st.markdown(f"**Backend:** {BACKEND_LABELS[config.backend]}")
            st.caption(f"`{config.target}`")
        if session.AS_OF_KEY not in st.session_state:
            st.session_state[session.AS_OF_KEY] = session.default_as_of()
        st.date_input(
            "As of", key=session.AS_OF_KEY,
            help="Every segment is computed for this day: the same data and day always give the same answer.",
            format="YYYY-MM-DD",
        )
