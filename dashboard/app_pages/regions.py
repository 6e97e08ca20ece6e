"""Regions page: the agent's reference profile of each region and, with a cohort loaded, how it compares."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.client import AgentError
from dashboard.client.calls import Answer, profile_region, profile_regions
from dashboard.cohort_view import region_baskets, region_mix
from dashboard.regions_view import reference_frame, reference_medians
from dashboard.settings import SettingsError
from dashboard.ui import cohort_state, session
from dashboard.ui.layout import demote_headings, empty_state, page_header, show_agent_error, show_settings_error
from dashboard.wording import counted, plain, unreadable_cohort
from rules.reference import reference_regions
from rules.rulebook import default_rulebook

PROFILES_KEY = "region_profiles"
EXPLAINED_KEY = "region_explanations"

page_header("Regions", "The agent's reference profile of each region, and how the loaded cohort compares with it.")
try:
    config = session.settings()
    client = session.agent_client()
except SettingsError as error:
    show_settings_error(error)
    st.stop()

as_of = session.as_of()
names = [r.name for r in reference_regions()]
profiles: dict[tuple[Any, ...], list[Answer]] = st.session_state.setdefault(PROFILES_KEY, {})
profile_key = (client.kind, client.target, as_of)
if profile_key not in profiles:
    try:
        with st.spinner("Asking the agent for the region profiles…"):
            profiles[profile_key] = profile_regions(client, names, as_of=as_of, session_id=session.session_id(),
                                                    max_workers=config.max_concurrency)
    except AgentError as error:
        show_agent_error(error, "Profiling the regions")
        st.stop()
reference = reference_frame([answer.analysis for answer in profiles[profile_key]])
currency = default_rulebook().currency

st.subheader("Reference regions", anchor=False)
st.dataframe(
    reference.rename(columns={"region": "Region", "climateType": "Climate", "referenceMedianBasket": "Median basket",
                              "trend": "Trending category", "estimatedBudget": "Typical budget",
                              "avgMonthlySpend": "Typical monthly spend"}),
    hide_index=True, width="stretch",
    column_config={c: st.column_config.NumberColumn(format=f"%.2f {currency}")
                   for c in ("Median basket", "Typical budget", "Typical monthly spend")},
)
st.caption("From the agent's region mode: each region's reference median basket (what the value segment compares "
           "a customer's average basket with), its climate and trending category.")

with st.expander("Ask the agent about a region", icon=":material/travel_explore:"):
    chosen = st.selectbox("Region", names, key="region_detail")
    explained: dict[tuple[Any, ...], Answer] = st.session_state.setdefault(EXPLAINED_KEY, {})
    detail_key = (*profile_key, chosen)
    if st.button("Explain this region", key="explain_region", icon=":material/auto_awesome:"):
        try:
            explained[detail_key] = profile_region(client, chosen, as_of=as_of, session_id=session.session_id(),
                                                   explain=True)
        except AgentError as error:
            show_agent_error(error, "Explaining the region")
    if detail_key in explained and explained[detail_key].explanation:
        st.markdown(demote_headings(explained[detail_key].explanation or ""))

st.subheader("Your cohort by region", anchor=False)
file = cohort_state.current_file()
segmented = None
if file is not None:
    try:
        cohort = cohort_state.read(file)
    except Exception as error:  # the Cohort page shows the details; "not segmented yet" would only add noise
        st.error(unreadable_cohort(file.name, error), icon=":material/error:")
        st.stop()
    if cohort.report.customers == 0:
        empty_state(f"**{plain(file.name)}** has no customers: every row was rejected, or it has none. The "
                    "**Cohort** page's import report says why.", icon=":material/groups:")
        st.stop()
    segmented = cohort_state.cached_segments(cohort_state.result_key(file, config, client))
if segmented is None:
    empty_state("Load a cohort on the **Cohort** page (it is segmented there) to compare its median basket and "
                "segment mix per region with the reference." if file is None else
                f"**{plain(file.name)}** is not segmented as of {as_of} with this backend yet: open the **Cohort** "
                "page to segment it (it says there if that fails).", icon=":material/groups:")
    st.stop()

frame: pd.DataFrame = segmented.frame
refused = cohort_state.refused_attributes_note()
if refused:
    st.caption(refused)
baskets = region_baskets(frame, reference_medians(reference))
st.plotly_chart(charts.region_baskets_chart(baskets), key="chart_region_baskets", config={"displayModeBar": False})
st.caption(charts.CAPTIONS["regionBaskets"])
unlocated = int(frame["region"].isna().sum())
if unlocated:
    one = unlocated == 1
    st.caption(f"{unlocated:,} of {counted(len(frame), 'customer')} {'has' if one else 'have'} no known region (no "
               f"city or region the reference table knows) and {'is' if one else 'are'} not in this table or the "
               "chart below.")
st.dataframe(
    baskets.rename(columns={"region": "Region", "customers": "Customers", "actualMedianBasket": "Cohort median",
                            "referenceMedianBasket": "Reference median", "difference": "Difference"}),
    hide_index=True, width="stretch",
    column_config={c: st.column_config.NumberColumn(format=f"%.2f {currency}")
                   for c in ("Cohort median", "Reference median", "Difference")},
)
dimension = st.segmented_control(
    "Segment mix of", list(default_rulebook().dimensions), default="churnSegment", key="region_mix_dimension",
    format_func=lambda d: charts.DIMENSION_TITLES[d],
)
mix = region_mix(frame, str(dimension or "churnSegment"))
st.plotly_chart(charts.region_mix_chart(mix, str(dimension or "churnSegment"), order=list(baskets["region"])),
                key="chart_region_mix",
                config={"displayModeBar": False})
st.caption(charts.CAPTIONS["regionMix"])
