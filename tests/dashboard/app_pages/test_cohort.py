"""The Cohort page in Streamlit's AppTest: empty state, sample and uploads, bad files, mapping, filters."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cohort_view, export, sources
from dashboard.client import make_client
from dashboard.recent import RecentAnswers
from dashboard.segmenting import SegmentedCohort, segment_with_agent
from dashboard.settings import Settings
from dashboard.ui import cohort_state
from dashboard.wording import counted
from rules.cohort.generate import generate
from tests.dashboard.agentcore_shim import AgentCoreShim
from tests.dashboard.apptest import (
    ENTRY,
    TIMEOUT_S,
    go_to,
    load_sample,
    open_app,
    open_with_orders_without_regions,
    plotly_figures,
    table_with,
    texts,
    values,
)
from tests.dashboard.conftest import RUNTIME_ARN
from tests.dashboard.servers import free_port

CHARTS = {"chart_churnSegment", "chart_valueSegment", "chart_loyaltyTier", "chart_ageSegment", "chart_affinityType",
          "chart_diversityProfile", "chart_heatMap", "chart_affinityCategory"}
SAMPLE_CHARTS = CHARTS | {"chart_opportunities"}  # the sample has customers overdue for regular products


@pytest.fixture(scope="module")
def sample_segments() -> SegmentedCohort:
    """The sample as the page should show it: read, then segmented by the in-process agent for its day."""
    sample = sources.sample()
    return segment_with_agent(sources.read(sample.file), make_client(Settings()), Settings(), as_of=sample.as_of,
                              session_id="expected-" + "0" * 32)


def _metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_without_a_cohort_the_page_says_what_to_do() -> None:
    at = open_app()

    assert at.title[0].value == "Cohort explorer"
    assert any(text.startswith("**No cohort loaded yet.**") for text in texts(at, "info"))
    assert at.get("plotly_chart") == []
    assert "**Backend:** In-process agent" in texts(at.sidebar, "markdown")
    assert any("up to **200 MB** per file" in caption for caption in texts(at, "caption"))


def test_the_sample_shows_kpis_every_segment_chart_and_the_import_report(sample_segments: SegmentedCohort) -> None:
    frame = sample_segments.frame
    at = load_sample(open_app())

    assert at.session_state["as_of"] == sources.sample().as_of
    assert not at.error
    assert set(plotly_figures(at)) == SAMPLE_CHARTS
    assert _metric(at, "Customers") == f"{len(frame):,}"
    assert _metric(at, "Share at risk") == f"{(frame['churnSegment'] == 'Riskli').mean():.1%}"
    assert [t.label for t in at.tabs] == ["Segments", "Customers", "Win-back", "Explain", "Import report"]
    report = sources.read(sources.sample().file).report
    assert _metric(at, "Rows read") == f"{report.rows_read:,}"
    assert _metric(at, "Rejected") == f"{report.rows_rejected:,}"
    assert {b.label for b in at.download_button} >= {"Download CSV", "Download Excel",
                                                      "Download the rejected rows (CSV)"}


def test_the_charts_show_the_agents_segments_in_the_rulebooks_colours(sample_segments: SegmentedCohort) -> None:
    at = load_sample(open_app())

    churn = plotly_figures(at)["chart_churnSegment"]
    bars = {trace["name"]: (values(trace["x"])[0], trace["marker"]["color"]) for trace in churn["data"]}
    counts = sample_segments.frame["churnSegment"].value_counts()
    assert bars == {"Aktif — active": (int(counts.get("Aktif", 0)), "#16a34a"),
                    "Ilık — cooling": (int(counts.get("Ilık", 0)), "#f59e0b"),
                    "Riskli — at risk": (int(counts.get("Riskli", 0)), "#dc2626")}


def test_uploading_a_file_reads_and_segments_it(sample_segments: SegmentedCohort) -> None:
    sample = sources.sample()
    at = open_app()
    at.session_state["as_of"] = sample.as_of

    at.file_uploader(key="cohort_upload").set_value((sample.file.name, sample.file.content, "text/csv")).run()

    assert not at.exception
    assert not at.error
    assert _metric(at, "Customers") == f"{len(sample_segments.frame):,}"
    assert set(plotly_figures(at)) == SAMPLE_CHARTS


def test_a_bad_file_is_a_clear_error_and_the_app_keeps_working() -> None:
    at = open_app()

    at.file_uploader(key="cohort_upload").set_value(("cohort.json", b'[{"customerId": "C-1",',
                                                      "application/json")).run()

    assert not at.exception
    assert texts(at, "error") == ["**cohort.json could not be read** — 1 problem. Check the column mapping below, "
                                  "or fix the file and upload it again."]
    assert at.dataframe[0].value.to_dict("records") == [
        {"where": "file", "problem": "not valid JSON: Expecting property name enclosed in double quotes at line 1 "
                                     "column 23", "value": "cohort.json"}]
    assert at.get("plotly_chart") == []
    load_sample(at)
    assert not at.error
    assert set(plotly_figures(at)) == SAMPLE_CHARTS
    go_to(at, "about")
    assert at.title[0].value == "About"


def test_values_the_report_quotes_show_as_text_not_as_markdown() -> None:
    # A customer whose every row is rejected is named in a warning; its id is Markdown that would load an image.
    content = (b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P,10\n"
               b"![x](https://evil.example/p.png),someday,P,10\n")
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)

    at.file_uploader(key="cohort_upload").set_value(("orders_2026.csv", content, "text/csv")).run()

    assert not at.exception
    assert [w for w in texts(at, "warning") if "only rejected rows" in w] == [
        "1 customer(s) have only rejected rows and are not in the cohort, unless a customers file lists them "
        "(e.g. !\\[x\\](https:\u2060//evil.example/p.png))"]


def test_a_corrupt_excel_file_is_a_clear_error() -> None:
    at = open_app()

    at.file_uploader(key="cohort_upload").set_value(("orders.xlsx", b"PK\x03\x04" + b"garbage" * 50,
                                                      "application/octet-stream")).run()

    assert not at.exception
    [error] = texts(at, "error")
    assert error.startswith("**orders.xlsx could not be read")
    assert at.get("plotly_chart") == []


def test_the_column_mapping_can_be_corrected_and_the_file_read_again() -> None:
    lines = pd.DataFrame({
        "Kunde": ["K1", "K1", "K2"], "Datum": ["2026-01-05", "2026-02-01", "2025-10-10"],
        "Artikel": ["P-2001", "P-2001", "P-1002"], "Menge": [1, 2, 1], "Betrag": [59.9, 119.8, 54.9],
    })
    content = lines.to_csv(index=False).encode()
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value(("kunden.csv", content, "text/csv")).run()
    assert texts(at, "error")[0].startswith("**kunden.csv could not be read**")

    _map_and_read_again(at, {"customer_id": "Kunde", "order_date": "Datum", "product_id": "Artikel",
                             "quantity": "Menge", "amount": "Betrag"})

    assert _metric(at, "Customers") == "2"
    assert _metric(at, "Revenue") == "235 TRY"  # 59.90 + 119.80 + 54.90, whole liras
    assert at.selectbox(key="map_customer_id").value == "Kunde"


def _map_and_read_again(at: AppTest, chosen: dict[str, str]) -> None:
    """Choose columns in the mapping editor and re-read the file with them; the page then reads it."""
    for field, column in chosen.items():
        at.selectbox(key=f"map_{field}").set_value(column)
    at.button(key="apply_mapping").click().run()
    assert not at.exception
    assert not at.error


def test_dates_day_or_month_first_can_be_chosen_and_read_again() -> None:
    content = b"customer_id,order_date,product_id,amount\nC1,03/04/2025,P,10\nC2,02/01/2026,P,20\n"
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value(("us.csv", content, "text/csv")).run()
    assert any("dates DMY" in m for m in texts(at, "markdown"))
    assert any("read as DMY (the Turkish and European convention)" in w for w in texts(at, "warning"))
    assert at.selectbox(key="date_order_choice").value == ""

    at.selectbox(key="date_order_choice").set_value("MDY")
    at.button(key="apply_mapping").click().run()

    assert not at.exception
    assert any("dates MDY" in m for m in texts(at, "markdown"))
    assert not any("day or month first" in w for w in texts(at, "warning"))
    since = table_with(at, "Days since purchase")["Days since purchase"].tolist()
    assert since == [(date(2026, 2, 12) - date(2025, 3, 4)).days, (date(2026, 2, 12) - date(2026, 2, 1)).days]
    assert at.selectbox(key="date_order_choice").value == "MDY"  # kept for this file


def test_an_undecided_segment_reads_in_the_table_as_on_the_charts_and_stays_empty_in_the_downloads() -> None:
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value(
        ("orders.csv", b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P,10\n", "text/csv")).run()

    ages = plotly_figures(at)["chart_ageSegment"]["data"]
    assert [trace["name"] for trace in ages if values(trace["x"])[0]] == ["Unknown — data missing"]
    table = table_with(at, "Age band")
    assert table[["Customer", "Age band"]].to_dict("records") == [{"Customer": "C1",
                                                                   "Age band": "Unknown — data missing"}]
    frame = next(iter(at.session_state[cohort_state.RESULTS_KEY].values())).frame
    download = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert download[["customerId", "ageSegment", "ageSegmentBasis"]].to_dict("records") == [
        {"customerId": "C1", "ageSegment": "", "ageSegmentBasis": "unknown"}]


def test_filters_narrow_every_number_and_chart(sample_segments: SegmentedCohort) -> None:
    frame = sample_segments.frame
    at = load_sample(open_app())

    at.multiselect(key="filter_churnSegment").set_value(["Riskli"]).run()
    at_risk = frame.loc[frame["churnSegment"] == "Riskli"]

    assert _metric(at, "Customers") == f"{len(at_risk):,}"
    assert _metric(at, "Share at risk") == "100.0%"
    churn = plotly_figures(at)["chart_churnSegment"]
    assert {t["name"]: values(t["x"])[0] for t in churn["data"]} == {"Aktif — active": 0, "Ilık — cooling": 0,
                                                                      "Riskli — at risk": len(at_risk)}
    table = at.dataframe[0].value
    assert len(table) == len(at_risk)
    assert set(table["Churn risk"]) == {"Riskli — at risk"}

    at.multiselect(key="filter_loyaltyTier").set_value(["Gümüş"]).run()
    both = at_risk.loc[at_risk["loyaltyTier"] == "Gümüş"]
    assert 0 < len(both) < len(at_risk)
    assert _metric(at, "Customers") == f"{len(both):,}"

    at.button(key="clear_filters").click().run()
    assert _metric(at, "Customers") == f"{len(frame):,}"


def test_a_selection_of_a_few_customers_is_never_shown_as_0_percent(sample_segments: SegmentedCohort) -> None:
    frame = sample_segments.frame
    region = frame["region"].value_counts().index[-1]  # the smallest region
    chosen = frame.loc[frame["region"] == region]
    at = load_sample(open_app())

    at.multiselect(key="filter_region").set_value([region]).run()

    customers = next(m for m in at.metric if m.label == "Customers")
    assert 0 < len(chosen) < len(frame) / 100  # the sample's smallest region: under 1% of its customers
    assert customers.value == f"{len(chosen):,}"
    assert customers.proto.delta == "<1% of the cohort"
    assert f"{counted(len(chosen), 'customer')} match{'es' if len(chosen) == 1 else ''} the filters." in \
        texts(at, "caption")


def test_the_region_filter_names_customers_without_a_region_as_the_charts_do_and_selects_them() -> None:
    at = open_with_orders_without_regions()

    region = at.multiselect(key="filter_region")
    assert region.options == ["Ege", "İç Anadolu", "Unknown — data missing"]
    assert at.multiselect(key="filter_ageSegment").options == ["Unknown — data missing"]  # the same words
    region.set_value([cohort_view.UNKNOWN]).run()

    assert _metric(at, "Customers") == "2"
    assert table_with(at, "Customer")["Customer"].tolist() == ["C3", "C4"]


def test_explain_this_cohort_shows_the_agents_narrative() -> None:
    at = load_sample(open_app())

    at.button(key="explain_cohort").click().run()

    assert not at.exception
    assert any(c == "Written by the agent's template explainer: the agent has no language model configured."
               for c in texts(at, "caption"))


def test_the_session_keeps_the_last_narratives_and_says_when_older_ones_were_dropped() -> None:
    at = load_sample(open_app())
    at.session_state["narratives"] = RecentAnswers(limit=1)

    at.button(key="explain_cohort").click().run()
    assert not [c for c in texts(at, "caption") if c.startswith("This session keeps")]
    at.segmented_control(key="narrative_language").set_value("tr").run()
    at.button(key="explain_cohort").click().run()

    assert len(at.session_state["narratives"]) == 1
    assert "This session keeps the last 1 narratives; 1 older one was dropped and would be asked for again." in \
        texts(at, "caption")


def test_a_cohort_larger_than_one_invocation_goes_in_chunks(
    runtime_url: str, monkeypatch: pytest.MonkeyPatch, sample_segments: SegmentedCohort
) -> None:
    monkeypatch.setenv("SEGMENT_RUNTIME_URL", runtime_url)
    monkeypatch.setenv("SEGMENT_CHUNK_SIZE", "40")
    at = load_sample(open_app())

    frame = sample_segments.frame
    assert frame["medianBasketSource"].eq("cohort").any()  # these travel in the chunks with their region
    chunks = -(-len(frame) // 40)
    assert chunks > 2
    assert any(c.endswith(f"({chunks} invocations).") for c in texts(at, "caption"))
    results = next(iter(at.session_state["cohort_results"].values()))
    pd.testing.assert_frame_equal(results.frame, frame)


def test_backend_down_is_a_clear_error_and_the_app_keeps_working(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("SEGMENT_RUNTIME_URL", f"http://127.0.0.1:{port}")
    at = load_sample(open_app())

    assert not at.exception
    [error] = texts(at, "error")
    assert error.startswith("**Segmenting the cohort failed** — Agent runtime URL: Cannot reach the agent runtime "
                            f"at http://127.0.0.1:{port}")
    assert "error code `unreachable`" in error
    assert "**Backend:** Agent runtime URL" in texts(at.sidebar, "markdown")
    go_to(at, "about")
    assert not at.error


def test_an_invalid_configuration_is_shown_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_BACKEND", "lambda")
    at = open_app()

    assert ("**The dashboard's configuration is invalid:** SEGMENT_BACKEND must be one of inprocess, url, arn, got "
            "'lambda'\n\nSet the environment variable and restart the dashboard, or set the same key in "
            "`.streamlit/secrets.toml` and reload the page.") in texts(at, "error")


@pytest.mark.parametrize("backend", ["url", "arn"])
def test_every_backend_shows_the_same_cohort(
    backend: str, runtime_url: str, agentcore: AgentCoreShim, monkeypatch: pytest.MonkeyPatch,
    sample_segments: SegmentedCohort,
) -> None:
    if backend == "url":
        monkeypatch.setenv("SEGMENT_RUNTIME_URL", runtime_url)
    else:
        monkeypatch.setenv("SEGMENT_AGENT_RUNTIME_ARN", RUNTIME_ARN)
    at = load_sample(open_app())

    assert not at.error
    results = next(iter(at.session_state["cohort_results"].values()))
    assert results.backend == backend
    pd.testing.assert_frame_equal(results.frame, sample_segments.frame)
    assert _metric(at, "Customers") == f"{len(sample_segments.frame):,}"
    label = {"url": "Agent runtime URL", "arn": "AgentCore runtime (ARN)"}[backend]  # as the sidebar, not lowercased
    assert any(text.startswith(f"Segmented with the **{label}** backend as of") for text in texts(at, "caption"))
    if backend == "arn":  # every invocation ran in an AgentCore session of this dashboard session
        session = at.session_state["segment_session_id"]
        workers = min(results.invocations, 4)
        assert {r.session_id for r in agentcore.received} == {f"{session}-w{i}" for i in range(workers)}


def test_the_backend_may_come_from_streamlit_secrets() -> None:
    port = free_port()
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT_S)
    at.secrets["SEGMENT_RUNTIME_URL"] = f"http://127.0.0.1:{port}"
    at.run()

    assert "**Backend:** Agent runtime URL" in texts(at.sidebar, "markdown")
    assert f"`http://127.0.0.1:{port}`" in texts(at.sidebar, "caption")


def test_customer_attributes_may_come_in_a_second_file() -> None:
    generated = generate(60, seed=5)
    lines = generated.order_lines.to_csv(index=False).encode()
    people = generated.customers.to_csv(index=False).encode()
    expected = sources.read(sources.CohortFile.from_bytes("order_lines.csv", lines),
                            customers=sources.CohortFile.from_bytes("customers.csv", people))
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)

    at.file_uploader(key="cohort_upload").set_value(("order_lines.csv", lines, "text/csv"))
    at.file_uploader(key="attributes_upload").set_value(("customers.csv", people, "text/csv")).run()

    assert not at.exception
    assert not at.error
    assert expected.report.customers_file is not None
    assert _metric(at, "Customers") == f"{expected.report.customers:,}"
    assert any(m.startswith(f"**Customer attributes file:** {expected.report.customers_file.rows_read:,} rows read")
               for m in texts(at, "markdown"))
    # The order lines have no ages; the attributes file gives most customers one.
    age = {t["name"]: values(t["x"])[0] for t in plotly_figures(at)["chart_ageSegment"]["data"]}
    without_age = int(expected.customers["age"].isna().sum())
    assert age.get("Unknown — data missing", 0) == without_age < expected.report.customers


def _upload_with_people(lines: bytes, people: bytes) -> AppTest:
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value(("orders.csv", lines, "text/csv"))
    at.file_uploader(key="attributes_upload").set_value(("people.csv", people, "text/csv")).run()
    assert not at.exception
    return at


def test_re_reading_with_the_mapping_keeps_the_customers_files_attributes() -> None:
    generated = generate(60, seed=5)
    at = _upload_with_people(generated.order_lines.to_csv(index=False).encode(),
                             generated.customers.to_csv(index=False).encode())
    before = plotly_figures(at)["chart_ageSegment"]["data"]

    at.button(key="apply_mapping").click().run()  # the boxes as detected: fields left "(not used)" are sent too

    assert not at.exception
    assert plotly_figures(at)["chart_ageSegment"]["data"] == before


def test_the_customers_files_warnings_and_rejected_rows_are_shown() -> None:
    lines = b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P,10\nC2,2026-01-06,P,20\n"
    people = b"customer_id,age\nC1,130\n,40\nC2,30\n"

    at = _upload_with_people(lines, people)

    assert "Customer attributes file: age: 1 value(s) are not a whole number of years from 0 to 120 and are left " \
           "unknown" in texts(at, "warning")
    assert "Every row was accepted." not in texts(at, "success")
    assert at.get("download_button") is not None
    assert any(button.proto.label == "Download the rejected rows (CSV)" for button in at.get("download_button"))


def test_a_file_with_a_header_and_no_rows_says_so_once() -> None:
    at = open_app()

    at.file_uploader(key="cohort_upload").set_value(("empty.csv", b"customer_id,order_date,amount\n", "text/csv")).run()

    assert not at.exception
    assert texts(at, "warning") == ["The file has no data rows: there is nobody to segment."]
    assert texts(at, "info") == ["The file has a header but no data rows."]
    assert texts(at, "success") == []


def test_json_lines_and_gzipped_files_can_be_uploaded() -> None:
    record = b'{"customer_id": "C1", "order_date": "2026-01-05", "product_id": "P", "amount": 5}\n'
    for name, content in [("orders.jsonl", record), ("orders.csv.gz", gzip.compress(
            b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P,5\n"))]:
        at = open_app()
        at.session_state["as_of"] = date(2026, 2, 12)

        at.file_uploader(key="cohort_upload").set_value((name, content, "application/octet-stream")).run()

        assert not at.exception
        assert not at.error
        assert _metric(at, "Customers") == "1"


def test_a_workbook_with_its_data_on_another_sheet_can_be_read_from_that_sheet() -> None:
    generated = generate(40, seed=8)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"note": ["exported 2026-02-12"]}).to_excel(writer, sheet_name="About", index=False)
        generated.order_lines.to_excel(writer, sheet_name="Orders", index=False)
    workbook = sources.CohortFile.from_bytes("orders.xlsx", buffer.getvalue())
    expected = sources.read(workbook, sheet="Orders")
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)

    at.file_uploader(key="cohort_upload").set_value(("orders.xlsx", workbook.content,
                                                      "application/octet-stream")).run()
    assert texts(at, "error")[0].startswith("**orders.xlsx could not be read**")
    picker = at.selectbox(key=f"sheet_{workbook.digest[:16]}")
    assert (picker.label, picker.options, picker.value) == ("Sheet", ["About", "Orders"], "About")

    picker.set_value("Orders").run()

    assert not at.exception
    assert not at.error
    assert _metric(at, "Customers") == f"{expected.report.customers:,}"
    assert "read sheet 'Orders' of 2 (About, Orders)" in expected.report.notes
    go_to(at, "about")
    go_to(at, "cohort")
    assert at.selectbox(key=f"sheet_{workbook.digest[:16]}").value == "Orders"  # kept across pages
    assert _metric(at, "Customers") == f"{expected.report.customers:,}"


def test_the_sheet_picker_shows_the_sheet_read_a_hidden_first_sheet_marked_and_still_choosable() -> None:
    # The reader skips a hidden first sheet; the picker showed that sheet as the one read, over the other's data.
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"customer_id": ["H1", "H2"], "order_date": ["2026-01-02", "2026-01-03"], "product_id": ["P", "P"],
                      "amount": [5, 6]}).to_excel(writer, sheet_name="Old", index=False)
        pd.DataFrame({"customer_id": ["C1"], "order_date": ["2026-01-05"], "product_id": ["P"], "amount": [10],
                      "city": ["Izmir"]}).to_excel(writer, sheet_name="Orders", index=False)
        writer.book["Old"].sheet_state = "hidden"
    workbook = sources.CohortFile.from_bytes("book.xlsx", buffer.getvalue())
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)

    at.file_uploader(key="cohort_upload").set_value(("book.xlsx", workbook.content, "application/octet-stream")).run()

    picker = at.selectbox(key=f"sheet_{workbook.digest[:16]}")
    assert (picker.options, picker.value) == (["Old (hidden)", "Orders"], "Orders")
    assert _metric(at, "Customers") == "1"
    assert at.selectbox(key="map_city").value == "city"  # the editor offers the columns of the sheet read
    picker.set_value("Old").run()
    assert not at.exception
    assert _metric(at, "Customers") == "2"


def test_an_uploaded_cohort_and_its_attributes_stay_loaded_across_pages_until_cleared() -> None:
    generated = generate(60, seed=5)
    at = _upload_with_people(generated.order_lines.to_csv(index=False).encode(),
                             generated.customers.to_csv(index=False).encode())
    customers = _metric(at, "Customers")
    ages = plotly_figures(at)["chart_ageSegment"]["data"]

    go_to(at, "customer")
    go_to(at, "cohort")  # the uploaders come back empty: Streamlit drops the state of widgets a run does not show

    assert not at.error
    assert _metric(at, "Customers") == customers
    assert plotly_figures(at)["chart_ageSegment"]["data"] == ages
    assert "Showing **orders.csv**, uploaded earlier; upload another file to replace it." in texts(at, "caption")
    assert "Using **people.csv**, uploaded earlier." in texts(at, "caption")

    at.button(key="forget_attributes").click().run()

    assert "Using **people.csv**, uploaded earlier." not in texts(at, "caption")
    assert plotly_figures(at)["chart_ageSegment"]["data"] != ages  # the order lines alone have no ages

    at.file_uploader(key="cohort_upload").set_value(("orders.csv", b"x", "text/csv")).run()
    at.file_uploader(key="cohort_upload").clear().run()  # the user clears the uploader: the cohort is unloaded

    assert any(text.startswith("**No cohort loaded yet.**") for text in texts(at, "info"))


@pytest.mark.parametrize(("name", "content"), [("zero.csv", b""), ("blank.csv", b"\n\n  \n"), ("zero.xlsx", b""),
                                               ("none.json", b"[]")])
def test_an_empty_upload_is_a_message_not_a_crash(name: str, content: bytes) -> None:
    at = open_app()

    at.file_uploader(key="cohort_upload").set_value((name, content, "application/octet-stream")).run()

    assert not at.exception
    if content == b"[]":
        assert "The file has no records." in texts(at, "info")
    else:
        assert texts(at, "error") == [f"**{name} could not be read** — 1 problem. Check the column mapping below, or "
                                      "fix the file and upload it again."]
        assert at.dataframe[0].value.to_dict("records") == [
            {"where": "file", "problem": "the file is empty", "value": name}]


def test_read_errors_point_to_the_pages_own_controls_not_to_code_or_the_command_line() -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"note": ["x"]}).to_excel(writer, sheet_name="About", index=False)
        pd.DataFrame({"Kunde": ["K1"]}).to_excel(writer, sheet_name="Data", index=False)
    at = open_app()

    at.file_uploader(key="cohort_upload").set_value(("book.xlsx", buffer.getvalue(), "application/octet-stream")).run()

    [error] = texts(at, "error")
    assert error == ("**book.xlsx could not be read** — 1 problem. Check the sheet above and the column mapping "
                     "below, or fix the file and upload it again.")
    [problem] = at.dataframe[0].value["problem"]
    assert problem.endswith("The workbook has more sheets (read sheet 'About' of 2 (About, Data))")
    for code_or_command_line in ("mapping=", "sheet=", "--"):
        assert code_or_command_line not in problem


def test_a_refused_attributes_file_is_said_not_to_be_used_and_the_cohort_is_read_without_it() -> None:
    at = _upload_with_people(b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P,10\n",
                             b"Name,Yas\nAyse,30\n")
    refused = ("**The customer attributes file people.csv could not be read, so it is not used** — 1 problem. The "
               "cohort is read without it. Fix it and upload it again, or remove it from the attributes uploader "
               "above (its ×).")

    assert texts(at, "error") == [refused]
    assert at.dataframe[0].value["where"].tolist() == ["customers.columns"]
    assert _metric(at, "Customers") == "1"
    assert at.session_state[cohort_state.FILE_KEY].name == "orders.csv"
    go_to(go_to(at, "about"), "cohort")  # the uploader comes back empty: the caption says what is kept
    assert texts(at, "error") == [refused]
    assert [c for c in texts(at, "caption") if "people.csv" in c] == ["Not using **people.csv**, uploaded earlier."]
    assert ("Read without the customer attributes file **people.csv**, which could not be read: the **Cohort** page "
            "says why.") in texts(go_to(at, "customer"), "caption")

    go_to(at, "cohort").button(key="forget_attributes").click().run()

    assert not at.error
    assert _metric(at, "Customers") == "1"


@pytest.mark.parametrize("name", ["kunden.csv.gz", "kunden.json", "kunden.jsonl"])
def test_gzipped_and_json_files_get_the_mapping_editor(name: str) -> None:
    lines = pd.DataFrame({"Kunde": ["K1", "K2"], "Datum": ["2026-01-05", "2026-02-01"], "Betrag": [59.9, 10.0]})
    content = {"kunden.csv.gz": gzip.compress(lines.to_csv(index=False).encode()),
               "kunden.json": lines.to_json(orient="records").encode(),
               "kunden.jsonl": lines.to_json(orient="records", lines=True).encode()}[name]
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value((name, content, "application/octet-stream")).run()
    assert texts(at, "error")[0].startswith(f"**{name} could not be read**")

    _map_and_read_again(at, {"customer_id": "Kunde", "order_date": "Datum", "amount": "Betrag"})

    assert _metric(at, "Customers") == "2"


def _gzipped_two_sheet_workbook_uploaded() -> tuple[sources.CohortFile, AppTest]:
    """A gzipped workbook whose orders are on its second sheet, uploaded to a fresh app."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"note": ["x"]}).to_excel(writer, sheet_name="About", index=False)
        generate(20, seed=3).order_lines.to_excel(writer, sheet_name="Orders", index=False)
    workbook = sources.CohortFile.from_bytes("book.xlsx.gz", gzip.compress(buffer.getvalue()))
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value((workbook.name, workbook.content, "application/gzip")).run()
    return workbook, at


def test_a_gzipped_workbook_gets_the_sheet_picker() -> None:
    workbook, at = _gzipped_two_sheet_workbook_uploaded()

    at.selectbox(key=f"sheet_{workbook.digest[:16]}").set_value("Orders").run()

    assert not at.error
    assert _metric(at, "Customers") == f"{sources.read(workbook, sheet='Orders').report.customers:,}"


def test_an_upload_kept_across_pages_can_be_unloaded() -> None:
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value(
        ("orders.csv", b"customer_id,order_date,product_id,amount\nC1,2026-01-05,P,10\n", "text/csv")).run()
    go_to(at, "about")
    go_to(at, "cohort")
    assert _metric(at, "Customers") == "1"

    at.button(key="unload_cohort").click().run()

    assert any(text.startswith("**No cohort loaded yet.**") for text in texts(at, "info"))


def test_reruns_neither_reopen_a_workbook_nor_unpack_a_gzipped_file_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counted_call(name: str) -> Callable[..., Any]:
        real = getattr(sources, name)

        def call(*args: Any) -> Any:
            calls.append(name)
            return real(*args)
        return call

    for name in ("workbook_sheets", "file_columns"):
        monkeypatch.setattr(sources, name, counted_call(name))
    workbook, at = _gzipped_two_sheet_workbook_uploaded()
    at.selectbox(key=f"sheet_{workbook.digest[:16]}").set_value("Orders").run()
    assert sorted(calls) == ["file_columns", "file_columns", "workbook_sheets"]  # sheets once, columns per sheet
    calls.clear()

    at.multiselect(key="filter_churnSegment").set_value([at.multiselect(key="filter_churnSegment").options[0]]).run()
    at.run()
    go_to(go_to(at, "about"), "cohort")

    assert not at.error
    assert calls == []


def test_an_attributes_file_with_the_sample_loaded_is_said_to_be_unused_never_claimed() -> None:
    at = load_sample(open_app())
    at.file_uploader(key="attributes_upload").set_value(
        ("people.csv", b"customer_id,age,city\nC0000001,99,Van\n", "text/csv")).run()

    notice = "**people.csv is not used with the sample cohort**, which is one complete file: it applies to a " \
             "cohort you upload."
    assert notice in texts(at, "info")
    assert _metric(at, "Customers") == "291"
    go_to(go_to(at, "about"), "cohort")
    assert notice in texts(at, "info")
    assert [c for c in texts(at, "caption") if "people.csv" in c] == ["Kept **people.csv**, uploaded earlier."]


def test_the_drill_down_filters_stay_set_across_pages(sample_segments: SegmentedCohort) -> None:
    # Streamlit drops the state of widgets a run does not show: a marketer who filtered, looked up a customer and
    # came back found every filter reset to "All", and every number back to the whole cohort, without a word.
    frame = sample_segments.frame
    at = load_sample(open_app())
    at.multiselect(key="filter_churnSegment").set_value(["Riskli"]).run()
    at_risk = f"{int((frame['churnSegment'] == 'Riskli').sum()):,}"

    go_to(at, "customer")
    go_to(at, "cohort")

    assert (at.multiselect(key="filter_churnSegment").value, _metric(at, "Customers")) == (["Riskli"], at_risk)
    at.button(key="clear_filters").click().run()
    go_to(at, "regions")
    go_to(at, "cohort")
    assert (at.multiselect(key="filter_churnSegment").value, _metric(at, "Customers")) == ([], f"{len(frame):,}")


def test_an_upload_of_the_samples_own_bytes_is_unloaded_when_the_uploader_is_cleared() -> None:
    # The bundled sample's file, uploaded: the uploader's × must unload it as any other upload (the page kept it,
    # taking it for the sample loaded with the button).
    at = open_app()
    sample = sources.sample().file
    at.file_uploader(key="cohort_upload").set_value((sample.name, sample.content, "text/csv")).run()
    assert _metric(at, "Customers") != "0"

    at.file_uploader(key="cohort_upload").clear().run()

    assert any(text.startswith("**No cohort loaded yet.**") for text in texts(at, "info"))


def test_another_cohort_starts_without_the_filters_of_the_last_one() -> None:
    # The kept picks were the last cohort's: carried over, they narrowed every number of the next file without a word.
    lines = sources.sample().file.content.splitlines(keepends=True)
    half = sources.CohortFile.from_bytes("half.csv", b"".join(lines[: len(lines) // 2]))  # another cohort
    at = load_sample(open_app())
    at.multiselect(key="filter_churnSegment").set_value(["Riskli"]).run()
    region = at.multiselect(key="filter_region").options[0]
    at.multiselect(key="filter_region").set_value([region]).run()
    unfiltered = f"{sources.read(half).report.customers:,}"

    at.file_uploader(key="cohort_upload").set_value((half.name, half.content, "text/csv")).run()
    shown = ([at.multiselect(key=f"filter_{c}").value for c in ("churnSegment", "region")], _metric(at, "Customers"))
    go_to(go_to(at, "about"), "cohort")
    back = ([at.multiselect(key=f"filter_{c}").value for c in ("churnSegment", "region")], _metric(at, "Customers"))

    assert (shown, back) == (([[], []], unfiltered), ([[], []], unfiltered))
