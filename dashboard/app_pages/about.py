"""About: what the dashboard does, the segments and their rules, and how the agent is reached."""

from __future__ import annotations

import streamlit as st

from dashboard.glossary import segment_glossary
from dashboard.settings import BACKEND_LABELS, SettingsError
from dashboard.ui import session
from dashboard.ui.layout import page_header, show_settings_error
from rules.rulebook import default_rulebook

page_header("About", "Rule-based customer segments for marketers, explained by an agent.")

rules = default_rulebook()
left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown(
        "**What it does.** Upload a cohort (an export from a shop, an ERP or a spreadsheet) and every customer "
        "is segmented by the same rules the agent uses everywhere: age, churn risk, value, loyalty, category "
        "affinity and product diversity. Each segment comes with the reason it was assigned, and the agent "
        "explains customers, regions and whole cohorts in plain words.\n\n"
        "**Reproducible.** Every number is computed for an explicit *as-of* day (in the sidebar): the same file "
        "and the same day always give the same segments.\n\n"
        "**Segment codes** stay the Turkish codes existing systems use; the dashboard shows each with its English "
        "name, and every chart gives each segment value the same colour."
    )
with right, st.container(border=True):
    st.markdown("**This dashboard**")
    try:
        config = session.settings()
    except SettingsError as error:
        show_settings_error(error)
    else:
        st.markdown(f"Agent backend: **{BACKEND_LABELS[config.backend]}**  \n`{config.target}`")
        st.markdown(f"Cohort invocations: up to **{config.max_concurrency}** at once")
    st.markdown(f"Rulebook version: **{rules.version}** · currency **{rules.currency}**")
    st.markdown(f"Largest upload: **{st.get_option('server.maxUploadSize')} MB**")

st.subheader("Segments and their rules", anchor=False)
glossary = segment_glossary(rules)
st.dataframe(
    glossary.style.map(lambda colour: f"background-color: {colour}; color: white", subset=["colour"]),
    hide_index=True,
    width="stretch",
    column_order=["dimension", "code", "name", "rule", "colour"],
    column_config={
        "dimension": st.column_config.TextColumn("Dimension", width="small"),
        "code": st.column_config.TextColumn("Code", width="small"),
        "name": st.column_config.TextColumn("English name", width="small"),
        "rule": st.column_config.TextColumn("Rule", width="large"),
        "colour": st.column_config.TextColumn("Chart colour", width="small"),
    },
)
st.caption(
    f"Missing regulars: products a customer buys at least every {rules.missing_regulars.max_avg_days_between:g} "
    f"days and has not bought for more than {rules.missing_regulars.overdue_factor:g}× the usual gap. New customers "
    f"(no purchases) get the documented defaults ({rules.new_customer.churn}, {rules.new_customer.loyalty}) and are "
    "flagged as new."
)

st.subheader("How the dashboard reaches the agent", anchor=False)
st.markdown(
    "| backend | configure | use it for |\n"
    "| --- | --- | --- |\n"
    "| In-process | `SEGMENT_BACKEND=inprocess` (default) | a laptop or a demo: the agent runs inside the dashboard |\n"
    "| Runtime URL | `SEGMENT_RUNTIME_URL=http://127.0.0.1:8080` | `segment serve`, or any AgentCore-compatible "
    "endpoint |\n"
    "| AgentCore ARN | `SEGMENT_AGENT_RUNTIME_ARN=arn:aws:bedrock-agentcore:…` | the agent deployed on AgentCore "
    "Runtime |\n\n"
    "Settings come from the environment or `.streamlit/secrets.toml`. Cohorts larger than one invocation "
    "are sent in chunks, several at once."
)
