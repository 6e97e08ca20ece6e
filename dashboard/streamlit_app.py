"""The dashboard's entry: `streamlit run dashboard/streamlit_app.py`.

Sets up logging (JSON lines on stderr, as the runtime's), sets the page config, draws the sidebar (backend in use,
as-of day) and runs the page the user picked.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from agent.logging import configure_logging_once
from dashboard.ui.layout import sidebar

PAGES = Path(__file__).with_name("app_pages")

# Streamlit sets up its own logger only: the in-process agent's lines (Strands' among them) need ours.
configure_logging_once()

st.set_page_config(
    page_title="Customer Segments",
    page_icon=str(Path(__file__).with_name("assets") / "icon.svg"),
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"About": "Customer Segment Agent: rule-based segments for marketers, explained by an agent."},
)

navigation = st.navigation(
    {
        "Analyse": [
            st.Page(PAGES / "cohort.py", title="Cohort", icon=":material/groups:", url_path="cohort", default=True),
            st.Page(PAGES / "customer.py", title="Customer", icon=":material/person_search:", url_path="customer"),
            st.Page(PAGES / "regions.py", title="Regions", icon=":material/map:", url_path="regions"),
        ],
        "Operate": [
            st.Page(PAGES / "observability.py", title="Observability", icon=":material/monitoring:",
                    url_path="observability"),
            st.Page(PAGES / "about.py", title="About", icon=":material/info:", url_path="about"),
        ],
    },
    position="sidebar",
)
sidebar()
navigation.run()
