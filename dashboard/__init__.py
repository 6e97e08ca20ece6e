"""The analyst dashboard: a Streamlit app over the segment agent (run `streamlit run dashboard/streamlit_app.py`).

Pages are thin UI in `dashboard/app_pages/`; the logic lives in plain modules beside them: `client/` (the agent,
through one interface with three backends), `cohort_view` (filters, KPIs, distributions), `charts` (Plotly
figures), `export` (CSV and Excel downloads) and `settings` (configuration from the environment or st.secrets).
"""
