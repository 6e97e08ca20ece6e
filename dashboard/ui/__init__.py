"""Streamlit building blocks shared by the pages: session state, layout pieces, cohort loading."""
