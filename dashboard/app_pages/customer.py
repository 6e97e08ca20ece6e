"""Customer page: one customer's segments with their reasons, metrics, products and the agent's explanation."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.client import AgentError
from dashboard.client.calls import Answer
from dashboard.customer_view import (
    EXAMPLE_JSON,
    CustomerInputError,
    customer_from_form,
    customer_heading,
    days_since_purchase,
    example_product_lines,
    explanation_note,
    look_up,
    missing_regulars_frame,
    money,
    no_missing_regulars_note,
    no_products_note,
    parse_customer_json,
    segment_cards,
    top_products_frame,
)
from dashboard.settings import SettingsError
from dashboard.ui import cohort_state, customer_state, session
from dashboard.ui.layout import (
    card_grid,
    demote_headings,
    empty_state,
    metric_row,
    page_header,
    segment_card,
    show_agent_error,
    show_settings_error,
)
from dashboard.wording import counted, plain, unreadable_cohort
from rules.errors import InvalidInput
from rules.reference import reference_regions
from rules.rulebook import default_rulebook

LOOKUP_LIMIT = 1000
LOOKUP_ID_KEY = "lookup_id"
LOOKUP_PICK_KEY = "lookup_pick"


def _clear(key: str, empty: str | None) -> None:
    st.session_state[key] = empty


def _from_cohort() -> None:
    file = cohort_state.current_file()
    if file is None:
        empty_state("No cohort is loaded. Load one on the **Cohort** page, or enter a customer in the other tabs.",
                    icon=":material/groups:")
        return
    try:
        cohort = cohort_state.read(file)
    except Exception as error:  # the Cohort page shows the details
        st.error(unreadable_cohort(file.name, error), icon=":material/error:")
        return
    ids = cohort.customers["customer_id"].astype(str)
    listed = f"; the list holds the first {LOOKUP_LIMIT:,}, type any id" if len(ids) > LOOKUP_LIMIT else ""
    st.caption(f"{counted(len(ids), 'customer')} in **{plain(file.name)}**{listed}.")
    refused = cohort_state.refused_attributes_note()
    if refused:
        st.caption(refused)
    left, right = st.columns([2, 2], vertical_alignment="bottom")
    # Whichever of the two was changed last is the one asked for: changing one empties the other.
    with left:
        typed = st.text_input("Customer id", key=LOOKUP_ID_KEY, placeholder=str(ids.iloc[0]) if len(ids) else "",
                              on_change=_clear, args=(LOOKUP_PICK_KEY, None))
    with right:
        picked = st.selectbox("…or pick one", list(ids.head(LOOKUP_LIMIT)), index=None, key=LOOKUP_PICK_KEY,
                              placeholder="Choose a customer", on_change=_clear, args=(LOOKUP_ID_KEY, ""))
    if st.button("Look up", key="lookup_button", icon=":material/search:", type="primary"):
        lookup = look_up(ids, (typed or "").strip() or picked or "", file.name,
                         normalised=lambda: customer_state.normalised_ids(file, ids))
        if lookup.customer_id is None:
            customer_state.forget_request()  # the previous customer must not stay under this answer
            st.warning(lookup.problem or "", icon=":material/person_off:")
            return
        # The cohort's own median basket for a region outside the reference table, as on the Cohort page.
        try:
            medians = cohort_state.region_medians(file, cohort)
        except InvalidInput as error:  # e.g. an as-of day before the cohort's purchases
            customer_state.forget_request()
            st.error(f"**{plain(file.name)} cannot be segmented as of {session.as_of()}:** "
                     f"{plain(error.problems[0].msg)}", icon=":material/error:")
            return
        customer_state.request(cohort.customer_data(lookup.customer_id, medians), file.name,
                               cohort_state.source_key(file))


def _from_form() -> None:
    regions = ["(from the city)", *(r.name for r in reference_regions())]
    with st.form("customer_form", border=False):
        top = st.columns(3)
        customer_id = top[0].text_input("Customer id", value="C-NEW-1")
        city = top[1].text_input("City", value="Izmir")
        region = top[2].selectbox("Region", regions)
        second = st.columns(3)
        age = second[0].number_input("Age", min_value=0, max_value=120, value=34, step=1)
        gender = second[1].selectbox("Gender", ["", "F", "M"], index=1)
        registered = second[2].date_input("Signup date", value=date(2025, 3, 1), format="YYYY-MM-DD")
        st.markdown("**Purchase history** — one row per product")
        lines = st.data_editor(
            example_product_lines(),
            num_rows="dynamic", width="stretch", key="form_lines",
            column_config={"firstPurchase": st.column_config.DateColumn(format="YYYY-MM-DD"),
                           "lastPurchase": st.column_config.DateColumn(format="YYYY-MM-DD")},
        )
        if st.form_submit_button("Analyse this customer", icon=":material/person_search:", type="primary"):
            fields = {"customerId": customer_id.strip(), "city": city.strip(), "age": age, "gender": gender,
                      "registeredAt": registered}
            data = customer_from_form(fields, lines)
            if region != regions[0]:
                data["region"] = {"name": region}
            customer_state.request(data, "the form")


def _from_json() -> None:
    text = st.text_area("Seed JSON", key="customer_json", height=220, placeholder=EXAMPLE_JSON,
                        help="A whole request {\"customerData\": …}, a customerData object, or one customer of the "
                             "seed's mock data (with productHistory).")
    if st.button("Analyse JSON", key="analyse_json", icon=":material/data_object:", type="primary"):
        try:
            customer_state.request(parse_customer_json(text or ""), "pasted JSON")
        except CustomerInputError as error:
            customer_state.forget_request()  # the previous customer must not stay under this error
            st.error(f"**The JSON cannot be used:** {error}", icon=":material/error:")


def _answer(customer_data: dict[str, object], language: str) -> Answer | None:
    try:
        return customer_state.answer(dict(customer_data), language)
    except AgentError as error:
        show_agent_error(error, "Analysing the customer")
        return None


def _show(answer: Answer, origin: str) -> None:
    analysis = answer.analysis
    rules = default_rulebook()
    st.subheader(plain(customer_heading(analysis)), anchor=False)
    badges = [f":gray-badge[from {plain(origin)}]", f":blue-badge[as of {analysis.get('asOf')}]"]
    if analysis.get("isNewCustomer"):
        badges.append(":orange-badge[new customer: no purchases yet]")
    st.markdown(" ".join(badges))
    cards = [segment_card(c.title, c.label, c.colour, c.reason) for c in segment_cards(analysis, rules)]
    st.markdown(card_grid(cards), unsafe_allow_html=True)
    currency = rules.currency
    with metric_row():
        st.metric("Average basket", money(analysis.get("avgBasket"), currency), border=True)
        st.metric("Total spent", money(analysis.get("totalSpent"), currency), border=True)
        st.metric("Estimated budget", money(analysis.get("estimatedBudget"), currency), border=True,
                  help="What the customer is likely to spend on the next order.")
    with metric_row():
        st.metric("Orders", f"{analysis.get('orderCount', 0):,}", border=True)
        st.metric("Days since purchase", days_since_purchase(analysis), border=True)
        st.metric("Member for", f"{analysis.get('membershipDays', 0):,} days", border=True)
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Top products**")
        top = top_products_frame(analysis)
        if top.empty:
            st.caption(no_products_note(analysis))
        else:
            st.dataframe(top, hide_index=True, width="stretch", column_config={
                "product": "Product", "category": "Category", "quantity": "Quantity", "lastBought": "Last bought",
                "spent": st.column_config.NumberColumn("Spent", format=f"%.2f {currency}")})
    with right:
        st.markdown("**Missing regulars** — overdue products they usually rebuy")
        missing = missing_regulars_frame(analysis)
        if missing.empty:
            st.caption(no_missing_regulars_note(analysis))
        else:
            st.dataframe(missing, hide_index=True, width="stretch", column_config={
                "product": "Product", "category": "Category", "lastBought": "Last bought",
                "usualGapDays": st.column_config.NumberColumn("Usual gap (days)", format="%.0f"),
                "daysSinceLastPurchase": "Days since", "daysOverdue": st.column_config.NumberColumn(
                    "Days overdue", format="%.0f")})
    if answer.explanation:
        st.markdown("**The agent's explanation**")
        with st.container(border=True):
            st.markdown(demote_headings(answer.explanation))
        st.caption(explanation_note(answer.explanation_source))
    for warning in analysis.get("warnings") or []:
        st.warning(plain(warning), icon=":material/warning:")


page_header("Customer", "Look up a customer of the loaded cohort, or enter one, to see their segments, why they "
                        "were assigned, and what to offer next.")
try:
    session.agent_client()
except SettingsError as error:
    show_settings_error(error)
    st.stop()

cohort_tab, form_tab, json_tab = st.tabs(["From the cohort", "Enter a customer", "Paste seed JSON"],
                                         key="customer_tabs")
with cohort_tab:
    _from_cohort()
with form_tab:
    _from_form()
with json_tab:
    _from_json()

request = customer_state.current_request()
if request is None:
    empty_state("Pick a customer above to see their segment cards, metrics, products and the agent's explanation.",
                icon=":material/person_search:")
else:
    language = st.segmented_control("Explanation language", ["en", "tr"], default="en", key="customer_language",
                                    format_func=lambda code: {"en": "English", "tr": "Türkçe"}[code])
    found = _answer(request[0], str(language or "en"))
    if found is not None:
        _show(found, request[1])
    dropped = customer_state.answers().dropped_note("customer analyses")
    if dropped:
        st.caption(dropped)
