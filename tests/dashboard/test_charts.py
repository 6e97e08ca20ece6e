"""Charts: one colour per segment value everywhere, taken from the rulebook; every dimension charted."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import (
    UNKNOWN_COLOUR,
    heat_map,
    overview_figures,
    region_mix_chart,
    segment_bar,
    segment_colours,
)
from dashboard.cohort_view import crosstab, distribution, region_mix
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
