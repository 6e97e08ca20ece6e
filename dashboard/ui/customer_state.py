"""The Customer page's session state: which customer to show, and the agent's answers about customers.

A customer looked up in the loaded cohort remembers which read of that cohort it came from, and goes when the
cohort is replaced, re-read with another sheet, mapping or attributes file, or unloaded. Answers are kept per
backend, as-of day, language and customer, the last `dashboard.recent.KEPT_ANSWERS` of them. The loaded cohort's
ids, normalised for lookups, are kept once per read of the cohort.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import customer_view
from dashboard.client.calls import Answer, analyze_customer
from dashboard.recent import RecentAnswers
from dashboard.sources import CohortFile
from dashboard.ui import cohort_state, session

REQUEST_KEY = "customer_request"
ANSWERS_KEY = "customer_answers"
NORMALISED_IDS_KEY = "customer_normalised_ids"


def request(customer_data: dict[str, Any], origin: str, source: cohort_state.SourceKey | None = None) -> None:
    """Show this customer; ``origin`` says where it came from, ``source`` is the cohort it was looked up in (it
    goes when that cohort does)."""
    st.session_state[REQUEST_KEY] = (customer_data, origin, source)


def forget_request() -> None:
    """Show no customer (a later lookup failed: the previous customer must not stay under its answer)."""
    st.session_state.pop(REQUEST_KEY, None)


def current_request() -> tuple[dict[str, Any], str] | None:
    """The customer to show and where it came from, unless it was looked up in a cohort that is no longer loaded
    as it was (another file, sheet, mapping or attributes file, or none)."""
    found = st.session_state.get(REQUEST_KEY)
    if found is None:
        return None
    customer_data, origin, source = found
    if source is not None:
        file = cohort_state.current_file()
        if file is None or cohort_state.source_key(file) != source:
            forget_request()
            return None
    return customer_data, origin


def normalised_ids(file: CohortFile, ids: pd.Series) -> pd.Series:
    """The loaded cohort's ids in NFKC (`customer_view.normalised_ids`) for a lookup no id matches exactly:
    computed once per read of the cohort (its content, sheet, mapping and attributes file), the last one kept, so
    a failed lookup among a million ids does not normalise them all again."""
    key = cohort_state.source_key(file)
    kept: tuple[cohort_state.SourceKey, pd.Series] | None = st.session_state.get(NORMALISED_IDS_KEY)
    if kept is None or kept[0] != key:
        kept = (key, customer_view.normalised_ids(ids))
        st.session_state[NORMALISED_IDS_KEY] = kept
    return kept[1]


def answers() -> RecentAnswers[tuple[Any, ...], Answer]:
    """The session's recent answers about customers."""
    kept: RecentAnswers[tuple[Any, ...], Answer] = st.session_state.setdefault(ANSWERS_KEY, RecentAnswers())
    return kept


def answer(customer_data: dict[str, Any], language: str) -> Answer:
    """The agent's analysis of the customer, asked once per backend, as-of day and language.

    Raises:
        AgentError: the agent could not analyse the customer.
    """
    client = session.agent_client()
    as_of = session.as_of()
    key = (client.kind, client.target, as_of, language, json.dumps(customer_data, sort_keys=True, default=str))
    kept = answers()
    found = kept.get(key)
    if found is None:
        with st.spinner("Asking the agent…"):
            found = analyze_customer(client, customer_data, as_of=as_of, session_id=session.session_id(),
                                     language=language)
        kept.put(key, found)
    return found
