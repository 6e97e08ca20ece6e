"""Observability page: a placeholder until the observability issue fills it in."""

import streamlit as st

st.title("Observability")
st.info(
    "This page is filled in by the observability issue: it will chart the agent's traffic, latency, errors, "
    "explanation sources and segment mix from CloudWatch.",
    icon=":material/construction:",
)
