"""The Regions page in AppTest: the agent's reference regions, the loaded cohort beside them, a backend down."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import sources
from dashboard.cohort_view import region_baskets
from dashboard.ui import cohort_state
from dashboard.wording import plain
from tests.dashboard.apptest import (
    go_to,
    load_sample,
    open_app,
    open_with_orders_without_regions,
    plotly_figures,
    texts,
    unreadable_cohort_error,
)
from tests.dashboard.servers import free_port


def test_reference_regions_come_from_the_agents_region_mode() -> None:
    at = go_to(open_app(), "regions")

    table = at.dataframe[0].value
    assert table[["Region", "Median basket", "Trending category"]].to_dict("records")[:3] == [
        {"Region": "Marmara", "Median basket": 85.0, "Trending category": "SKINCARE"},
        {"Region": "Ege", "Median basket": 65.0, "Trending category": "SKINCARE"},
        {"Region": "Akdeniz", "Median basket": 60.0, "Trending category": "MAKEUP"},
    ]
    assert len(table) == 7
    assert any(i.startswith("Load a cohort on the **Cohort** page") for i in texts(at, "info"))


def test_with_a_cohort_each_region_shows_its_median_basket_and_segment_mix() -> None:
    at = go_to(load_sample(open_app()), "regions")

    figures = plotly_figures(at)
    assert set(figures) == {"chart_region_baskets", "chart_region_mix"}
    results = next(iter(at.session_state[cohort_state.RESULTS_KEY].values()))
    reference = {"Marmara": 85.0, "Ege": 65.0, "Akdeniz": 60.0, "İç Anadolu": 55.0, "Karadeniz": 50.0,
                 "Doğu Anadolu": 45.0, "Güneydoğu Anadolu": 50.0}
    expected = region_baskets(results.frame, reference)
    shown = at.dataframe[1].value
    assert shown["Region"].tolist() == expected["region"].tolist()
    assert shown["Cohort median"].tolist() == pytest.approx(expected["actualMedianBasket"].tolist(), nan_ok=True)

    at.segmented_control(key="region_mix_dimension").set_value("loyaltyTier").run()
    mix = plotly_figures(at)["chart_region_mix"]
    assert mix["layout"]["title"]["text"] == "Loyalty tier mix by region"
    assert {t["marker"]["color"] for t in mix["data"]} <= {"#64748b", "#ca8a04", "#9ca3af", "#b45309"}


def test_asking_about_a_region_shows_the_agents_explanation() -> None:
    at = go_to(open_app(), "regions")

    at.selectbox(key="region_detail").set_value("Akdeniz")
    at.button(key="explain_region").click().run()

    assert any(m.startswith("#### Region profile: Akdeniz\n") for m in texts(at, "markdown"))


def test_backend_down_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("SEGMENT_RUNTIME_URL", f"http://127.0.0.1:{port}")

    at = go_to(open_app(), "regions")

    assert not at.exception
    [error] = texts(at, "error")
    assert error.startswith("**Profiling the regions failed** — Agent runtime URL")


def test_customers_without_a_known_region_are_counted_not_dropped_silently() -> None:
    at = open_with_orders_without_regions()

    go_to(at, "regions")

    assert at.dataframe[1].value["Customers"].sum() == 2
    assert "2 of 4 customers have no known region (no city or region the reference table knows) and are not in this " \
           "table or the chart below." in texts(at, "caption")


def test_a_cohort_not_yet_segmented_for_the_day_is_named() -> None:
    at = load_sample(open_app())

    at.session_state["as_of"] = date(2026, 3, 1)
    go_to(at, "regions")

    assert any(i.startswith(f"**{plain(sources.sample().file.name)}** is not segmented as of 2026-03-01 with this "
                            "backend yet") for i in texts(at, "info"))


def test_a_cohort_whose_every_row_was_rejected_says_it_has_no_customers() -> None:
    at = open_app()
    at.file_uploader(key="cohort_upload").set_value(
        ("allbad.csv", b"customer_id,order_date,product_id,amount\nC1,someday,P,10\nC2,31.02.2026,P,5\n",
         "text/csv")).run()

    go_to(at, "regions")

    assert any(i.startswith("**allbad.csv** has no customers: every row was rejected, or it has none.")
               for i in texts(at, "info"))
    assert not any("is not segmented" in i for i in texts(at, "info"))


def test_an_unreadable_cohort_shows_only_its_read_error() -> None:
    at, error = unreadable_cohort_error("regions")  # it checks the problem is named without the API's options

    assert error.endswith("The **Cohort** page lists the problems, with the column mapping (and a workbook's sheet "
                          "picker) to correct them.")
    assert texts(at, "info") == []  # not also "not segmented yet"
    assert not at.get("plotly_chart")
