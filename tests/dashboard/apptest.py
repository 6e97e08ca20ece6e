"""Driving the dashboard with Streamlit's AppTest: open it, load the sample, read charts back."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

ENTRY = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
TIMEOUT_S = 120  # the first run imports pandas, plotly and the agent; a cohort segments on 2 busy cores


def open_app() -> AppTest:
    """The dashboard, run once (on its default page, Cohort)."""
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go_to(at: AppTest, page: str) -> AppTest:
    """Switch to a page (``"customer"``, ``"regions"``, ...) and run it."""
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def load_sample(at: AppTest) -> AppTest:
    """Press "Load the sample cohort" on the Cohort page."""
    at.button(key="load_sample").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# Four customers: one in İzmir (Ege), one in Ankara (İç Anadolu), one without a city and one in a city no region
# table knows, so two have no region.
ORDERS_WITHOUT_REGIONS = (b"customer_id,order_date,product_id,amount,city\nC1,2026-01-05,P,10,Izmir\n"
                          b"C2,2026-01-06,P,20,Ankara\nC3,2026-01-07,P,30,\nC4,2026-01-08,P,40,Nowhere\n")


def open_with_orders_without_regions() -> AppTest:
    """The dashboard with `ORDERS_WITHOUT_REGIONS` uploaded on the Cohort page, segmented as of 2026-02-12."""
    at = open_app()
    at.session_state["as_of"] = date(2026, 2, 12)
    at.file_uploader(key="cohort_upload").set_value(("orders.csv", ORDERS_WITHOUT_REGIONS, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unreadable_cohort_error(page: str) -> tuple[AppTest, str]:
    """The dashboard on ``page`` with a cohort loaded that has no customer id column, and the page's one error,
    checked to name the problem and none of the API's or command line's options (mapping=, --map)."""
    at = open_app()
    at.file_uploader(key="cohort_upload").set_value(("kunden.csv", b"Kunde\nK1\n", "text/csv")).run()
    go_to(at, page)
    [error] = texts(at, "error")
    assert error.startswith("The loaded cohort (kunden.csv) could not be read — 1 problem: columns: the file has no "
                            "customer id column")
    for code_or_command_line in ("mapping=", "--map"):  # not the way on a page: the Cohort page's mapping is
        assert code_or_command_line not in error
    return at, error


def plotly_figures(at: AppTest) -> dict[str, dict[str, Any]]:
    """Every Plotly chart on the page as its figure JSON, by element key (``chart_churnSegment``, ...)."""
    return {str(chart.key): json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def values(array: Any) -> list[Any]:
    """A Plotly JSON array as a list (Plotly ≥ 6 writes numbers as base64 typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        shaped = decoded.reshape(array["shape"]) if "shape" in array else decoded
        return list(shaped.tolist())
    return list(array)


def texts(at: AppTest | Block, kind: str) -> list[str]:
    """The text of every element of a kind (``error``, ``warning``, ``info``, ``markdown``, ``caption``)."""
    return [str(element.value) for element in getattr(at, kind)]


def table_with(at: AppTest, column: str) -> Any:
    """The first table (dataframe or data editor) on the page that has `column`, as a DataFrame."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")
