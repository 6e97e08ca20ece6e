"""Charts: one colour per segment value everywhere, taken from the rulebook; every dimension charted."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import (
    UNKNOWN_COLOUR,
    category_bar,
    heat_map,
    opportunities_bar,
    overview_figures,
    region_baskets_chart,
    region_mix_chart,
    segment_bar,
    segment_colours,
)
from dashboard.cohort_view import crosstab, distribution, missing_regular_opportunities, region_baskets, region_mix
from rules.rulebook import default_rulebook
from tests.dashboard.data import hand_frame, seed_frame


def _values(array: Any) -> list[Any]:
    """Plotly ≥ 6 may store arrays as base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        shaped = decoded.reshape(array["shape"]) if "shape" in array else decoded
        return list(shaped.tolist())
    return list(np.asarray(array).tolist())


def _trace_colours(fig: go.Figure) -> dict[str, str]:
    return {trace.name: trace.marker.color for trace in fig.data}


def test_every_segment_value_has_its_rulebook_colour_and_no_two_share_one() -> None:
    rules = default_rulebook()
    colours = segment_colours(rules)

    expected = {rules.display_name(s.code): s.color for segments in rules.dimensions.values() for s in segments}
    expected["Unknown — data missing"] = UNKNOWN_COLOUR
    assert colours == expected
    assert len(set(colours.values())) == len(colours)


def test_a_segment_bar_colours_each_value_as_the_rulebook_says() -> None:
    fig = segment_bar(distribution(hand_frame(), "valueSegment"), "valueSegment")

    assert _trace_colours(fig) == {"HighValue — high value": "#0ea5e9", "Standard — standard": "#94a3b8",
                                   "Unknown — data missing": UNKNOWN_COLOUR}
    assert fig.layout.title.text == "Value"
    assert {trace.name: _values(trace.x) for trace in fig.data} == {
        "HighValue — high value": [1], "Standard — standard": [2], "Unknown — data missing": [1]}


def test_the_same_segment_has_the_same_colour_on_every_chart() -> None:
    frame = hand_frame()
    bar = _trace_colours(segment_bar(distribution(frame, "churnSegment"), "churnSegment"))
    mix = _trace_colours(region_mix_chart(region_mix(frame, "churnSegment"), "churnSegment"))

    assert mix == {name: bar[name] for name in mix}
    assert mix["Riskli — at risk"] == "#dc2626"


def test_overview_has_every_dimension_the_categories_and_the_heat_map() -> None:
    figures = overview_figures(seed_frame())

    assert set(figures) == {*default_rulebook().dimensions, "affinityCategory", "heatMap"}


def test_heat_map_cells_are_the_customer_counts() -> None:
    table = crosstab(seed_frame(), "loyaltyTier", "churnSegment")

    fig = heat_map(table)

    assert _values(fig.data[0].z) == [[0, 0, 0], [0, 0, 0], [3, 1, 3], [0, 0, 1]]
    assert list(fig.data[0].y) == ["Platin — platinum", "Altın — gold", "Gümüş — silver", "Bronz — bronze"]


LINK = '<a href="https://ev.il">Ege</a>'
BOLD = "<b>SKIN</b><br>CARE & co"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def test_names_from_the_file_are_text_in_every_chart_never_markup() -> None:
    frame = hand_frame()
    frame["region"] = frame["region"].replace({"Ege": LINK})
    frame["affinityCategory"] = frame["affinityCategory"].replace({"SKINCARE": BOLD})
    frame["missingRegulars"] = pd.Series([
        [{**item, "productName": item["productName"] and LINK, "category": BOLD if item["category"] == "SKINCARE"
          else item["category"]} for item in items]
        for items in frame["missingRegulars"]], index=frame.index, dtype=object)

    figures = {
        "categories": category_bar(distribution(frame, "affinityCategory")),
        "opportunities": opportunities_bar(missing_regular_opportunities(frame)),
        "baskets": region_baskets_chart(region_baskets(frame, {"Kıbrıs": 40.0})),
        "mix": region_mix_chart(region_mix(frame, "churnSegment"), "churnSegment", order=[LINK, "Kıbrıs"]),
        **overview_figures(frame),
    }

    texts = {name: _strings(figure.to_plotly_json()) for name, figure in figures.items()}
    assert {name: [t for t in found if "<a " in t or "<b>" in t] for name, found in texts.items()} == {
        name: [] for name in figures}
    shown_link = "&lt;a href=\"https://ev.il\"&gt;Ege&lt;/a&gt;"
    shown_bold = "&lt;b&gt;SKIN&lt;/b&gt;&lt;br&gt;CARE &amp; co"
    assert list(figures["categories"].data[0].y) == [shown_bold, "MAKEUP", "Unknown — data missing"]
    assert list(figures["opportunities"].data[0].y) == [f"{shown_link} (P-2001)", "P-1002"]
    assert list(figures["opportunities"].data[0].customdata[:, 0]) == [shown_bold, "MAKEUP"]
    assert {region for trace in figures["baskets"].data for region in trace.x} == {shown_link, "Kıbrıs"}
    # The order given still applies (Plotly lists a horizontal chart's categories bottom to top).
    assert list(figures["mix"].layout.yaxis.categoryarray) == ["Kıbrıs", shown_link]
    assert _trace_colours(figures["mix"])["Riskli — at risk"] == "#dc2626"
