"""Cohort page: upload a cohort (or load the sample), see every customer's segments, drill down, export."""

from __future__ import annotations

import streamlit as st

from dashboard.client import AgentError
from dashboard.cohort_view import filter_customers
from dashboard.narrative import Narrative, explain_cohort
from dashboard.recent import RecentAnswers
from dashboard.settings import BACKEND_LABELS, SettingsError
from dashboard.ui import cohort_sections, cohort_state, session
from dashboard.ui.layout import demote_headings, empty_state, page_header, show_agent_error, show_settings_error

NARRATIVES_KEY = "narratives"

page_header("Cohort explorer", "Upload a customer export, or try the sample, to see every customer's segments, "
                               "drill into them and export audiences for campaigns.")
try:
    config = session.settings()
    client = session.agent_client()
except SettingsError as error:
    show_settings_error(error)
    st.stop()

cohort_sections.source_picker()
file = cohort_state.current_file()
if file is None:
    empty_state(
        "**No cohort loaded yet.** Upload an export from your shop, ERP or spreadsheet (order lines, purchase "
        "histories or orders; English or Turkish column names), or load the sample cohort to look around. "
        "Every customer is segmented by the agent for the as-of day in the sidebar.",
        icon=":material/upload_file:",
    )
    st.stop()

cohort_sections.sheet_picker(file)
try:
    cohort = cohort_state.read(file)
except Exception as error:  # any unreadable file: say why, keep the app usable, offer the mapping
    cohort_sections.show_read_error(file, error)
    cohort_sections.mapping_editor(file, cohort_state.mapping(file), expanded=True)
    st.stop()

cohort_sections.refused_attributes_notice()
cohort_sections.import_summary(file, cohort.report)
cohort_sections.mapping_editor(file, cohort.report.column_mapping, expanded=False)
if cohort.report.customers == 0:
    st.warning("The file has no data rows: there is nobody to segment." if cohort.report.rows_read == 0 else
               "No customer is left after reading the file: every row was rejected. The import report says why.",
               icon=":material/warning:")
    cohort_sections.import_report(file, cohort.report, cohort.rejected)
    st.stop()

key = cohort_state.result_key(file, config, client)
try:
    segmented = cohort_state.segments(cohort, key, client, config)
except AgentError as error:
    show_agent_error(error, "Segmenting the cohort")
    st.stop()
how = (f"{segmented.invocations} invocation{'s' * (segmented.invocations != 1)}" if segmented.invocations
       else "the rule engine's columnar path")
st.caption(f"Segmented with the **{BACKEND_LABELS[config.backend]}** backend as of **{segmented.as_of}** in "
           f"{segmented.seconds:.2f} s ({how}).")

frame = segmented.frame
selections = cohort_sections.filters(frame, file)
filtered = filter_customers(frame, selections)
cohort_sections.kpi_cards(filtered, len(frame))

segments_tab, customers_tab, win_back_tab, explain_tab, import_tab = st.tabs(
    ["Segments", "Customers", "Win-back", "Explain", "Import report"], key="cohort_tabs"
)
if filtered.empty:
    empty_state("No customer matches these filters. Remove a filter to see customers again.",
                icon=":material/filter_alt_off:")
else:
    with segments_tab:
        cohort_sections.segment_charts(filtered)
    with customers_tab:
        cohort_sections.customer_table(filtered, file)
    with win_back_tab:
        cohort_sections.win_back(filtered, cohort.report)
    with explain_tab:
        st.markdown("A narrative of the customers selected above (the whole cohort without filters), written by "
                    "the agent for stakeholders.")
        language = st.segmented_control("Language", ["en", "tr"], default="en", key="narrative_language",
                                        format_func=lambda code: {"en": "English", "tr": "Türkçe"}[code])
        narratives: RecentAnswers[tuple[object, ...], Narrative] = st.session_state.setdefault(NARRATIVES_KEY,
                                                                                              RecentAnswers())
        signature = (key, tuple(sorted((c, tuple(v)) for c, v in selections.items() if v)), language)
        if st.button("Explain this cohort", key="explain_cohort", icon=":material/auto_awesome:", type="primary"):
            try:
                with st.spinner("The agent is writing…"):
                    narratives.put(signature, explain_cohort(client, filtered, as_of=segmented.as_of,
                                                             session_id=session.session_id(),
                                                             language=str(language or "en")))
            except AgentError as error:
                show_agent_error(error, "Explaining the cohort")
        narrative = narratives.get(signature)
        if narrative is not None:
            with st.container(border=True):
                st.markdown(demote_headings(narrative.text))
            st.caption("Written by the agent's language model." if narrative.source == "model" else
                       "Written by the agent's template explainer: the agent has no language model configured.")
        dropped = narratives.dropped_note("narratives")
        if dropped:
            st.caption(dropped)
with import_tab:
    cohort_sections.import_report(file, cohort.report, cohort.rejected)
