"""Plotly Express figures for the pages, one colour per segment value everywhere (the rulebook's colours).

Every figure takes a frame from `dashboard.cohort_view` and labels segments with their English names
(``"Riskli — at risk"``), so a chart reads the same on every page.

Plotly renders a subset of HTML in every label, tick, legend entry and hover text (``<a href>`` links, ``<b>``,
``<br>``, styled spans), so text from a file (categories, products, regions) goes in through `plotly_text`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.cohort_view import UNKNOWN, crosstab, distribution, segment_label
from rules.rulebook import Rulebook, default_rulebook

UNKNOWN_COLOUR = "#d6d3d1"  # a warm grey no segment uses, so "unknown" never passes for a segment
CATEGORY_COLOUR = "#0f766e"
REFERENCE_COLOUR = "#94a3b8"
ACTUAL_COLOUR = "#2563eb"
FONT = "Inter, Segoe UI, system-ui, sans-serif"

DIMENSION_TITLES: dict[str, str] = {
    "ageSegment": "Age",
    "churnSegment": "Churn risk",
    "valueSegment": "Value",
    "loyaltyTier": "Loyalty tier",
    "affinityType": "Category affinity",
    "diversityProfile": "Product diversity",
    "affinityCategory": "Top category",
}

# One sentence under each chart, for stakeholders: what it shows and why it matters.
CAPTIONS: dict[str, str] = {
    "churnSegment": "Days since each customer's last purchase. *At risk* customers have not bought for over two "
                    "months: the first audience for a win-back campaign.",
    "valueSegment": "Average basket against the median basket of the customer's region. *High value* customers "
                    "spend more per order than their region's typical shopper.",
    "loyaltyTier": "Membership length and order frequency. Platinum and gold customers order at least monthly "
                   "and have been members for six months or more.",
    "ageSegment": "Customers by age band, from the age in the file; unknown when the file has no age.",
    "affinityType": "Whether a customer concentrates on one category (*focused*) or buys across categories "
                    "(*explorer*), from their share of orders in their top category.",
    "diversityProfile": "Distinct products per order: *variety seekers* try new products, *loyal to a few* "
                        "customers rebuy the same ones.",
    "affinityCategory": "Each customer's top category by spend: where the cohort's money goes.",
    "heatMap": "Loyalty tier against churn risk. Loyal customers who are cooling or at risk (bottom-right of "
               "the top rows) are the most valuable to win back.",
    "opportunities": "Products customers buy regularly but are now overdue for (more than {factor}× their usual gap): "
                     "a reminder or an offer on these products is the easiest win-back.",
    "regionBaskets": "The cohort's median basket per region beside the reference median the value segment "
                     "compares against. A cohort above the reference spends more per order than usual there.",
    "regionMix": "How each region's customers split over the chosen segment dimension.",
}


def plotly_text(text: object) -> str:
    """Text Plotly shows as written: its ``<``, ``>`` and ``&`` as entities, which Plotly displays as the characters.

    Examples:
        >>> plotly_text('<a href="https://ev.il">Serum</a> & co')
        '&lt;a href="https://ev.il"&gt;Serum&lt;/a&gt; &amp; co'
    """
    return html.escape(str(text), quote=False)


def _plotly_texts(values: Iterable[object]) -> list[str]:
    return [plotly_text(value) for value in values]


def _plotly_colours(rulebook: Rulebook | None) -> dict[str, str]:
    """`segment_colours` keyed by the labels as the figures hold them."""
    return {plotly_text(label): colour for label, colour in segment_colours(rulebook).items()}


def segment_colours(rulebook: Rulebook | None = None) -> dict[str, str]:
    """Segment label → colour for every segment value of the rulebook, plus the unknown marker."""
    rules = rulebook or default_rulebook()
    colours = {rules.display_name(s.code): s.color for segments in rules.dimensions.values() for s in segments}
    colours[segment_label(UNKNOWN, rules)] = UNKNOWN_COLOUR
    return colours


def _style(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 8, "r": 8, "t": 48, "b": 8}, font_family=FONT, showlegend=False,
        title_font_size=15, plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def segment_bar(dist: pd.DataFrame, dimension: str, rulebook: Rulebook | None = None) -> go.Figure:
    """Customers per segment value of one dimension, a bar per value in the segment's colour.

    Args:
        dist: `cohort_view.distribution` of the dimension.
        dimension: its name, for the title.
        rulebook: for the colours.
    """
    data = dist.assign(percent=(dist["share"] * 100).round(1), label=_plotly_texts(dist["label"]),
                       code=_plotly_texts(dist["code"]))
    data["text"] = [f"{n:,} · {p:.0f}%" for n, p in zip(data["customers"], data["percent"], strict=True)]
    fig = px.bar(
        data, x="customers", y="label", color="label", orientation="h", text="text",
        color_discrete_map=_plotly_colours(rulebook), title=DIMENSION_TITLES.get(dimension, dimension),
        hover_data={"label": False, "percent": ":.1f", "code": True, "text": False},
        labels={"customers": "Customers", "label": "", "percent": "% of customers", "code": "Code"},
        category_orders={"label": list(data["label"])},
    )
    fig.update_traces(textposition="outside", cliponaxis=False)
    _room_for_labels(fig, data["customers"].max())
    return _style(fig, height=110 + 42 * len(data))


def _room_for_labels(fig: go.Figure, longest: float) -> None:
    """Leave space right of the longest bar for its count, so the label is never cut off."""
    fig.update_xaxes(showgrid=True, gridcolor="#eef2f7", range=[0, max(float(longest), 1.0) * 1.35])


def category_bar(dist: pd.DataFrame) -> go.Figure:
    """Customers per top category (categories come from the data, so they share one colour)."""
    data = dist.assign(percent=(dist["share"] * 100).round(1), label=_plotly_texts(dist["label"]))
    fig = px.bar(
        data, x="customers", y="label", orientation="h", text="customers", title=DIMENSION_TITLES["affinityCategory"],
        color_discrete_sequence=[CATEGORY_COLOUR], hover_data={"label": False, "percent": ":.1f"},
        labels={"customers": "Customers", "label": "", "percent": "% of customers"},
        category_orders={"label": list(data["label"])},
    )
    fig.update_traces(textposition="outside", cliponaxis=False)
    _room_for_labels(fig, data["customers"].max())
    return _style(fig, height=110 + 42 * len(data))


def heat_map(table: pd.DataFrame, title: str = "Loyalty tier × churn risk") -> go.Figure:
    """A heat map of customers per pair of segments (`cohort_view.crosstab`), counts written in each cell."""
    fig = px.imshow(
        table.rename(index=plotly_text, columns=plotly_text), text_auto=True, aspect="auto",
        color_continuous_scale="Blues", title=title,
        labels={"x": "Churn risk", "y": "Loyalty tier", "color": "Customers"},
    )
    fig.update_xaxes(side="top", title=None)
    fig.update_yaxes(title=None)
    fig = _style(fig, height=140 + 60 * len(table.index))
    fig.update_layout(margin={"l": 8, "r": 8, "t": 96, "b": 8}, coloraxis_showscale=False)
    return fig


def opportunities_bar(opportunities: pd.DataFrame, top: int = 10) -> go.Figure:
    """Overdue regular products by customers affected (`cohort_view.missing_regular_opportunities`)."""
    data = opportunities.head(top).copy()
    data["product"] = [plotly_text(f"{name} ({pid})" if isinstance(name, str) else pid)
                       for name, pid in zip(data["productName"], data["productId"], strict=True)]
    data["category"] = [None if pd.isna(category) else plotly_text(category) for category in data["category"]]
    fig = px.bar(
        data, x="customers", y="product", orientation="h", text="customers",
        title="Overdue regular products", labels={"customers": "Customers overdue", "product": "",
                                                   "category": "Category"},
        color_discrete_sequence=[CATEGORY_COLOUR],
        hover_data={"category": True, "medianDaysOverdue": ":.0f", "medianUsualGapDays": ":.0f"},
        category_orders={"product": list(data["product"])},
    )
    fig.update_traces(textposition="outside", cliponaxis=False)
    _room_for_labels(fig, data["customers"].max())
    return _style(fig, height=120 + 36 * len(data))


def region_baskets_chart(baskets: pd.DataFrame) -> go.Figure:
    """Each region's actual median basket beside its reference median (`cohort_view.region_baskets`)."""
    long = baskets.melt(id_vars=["region"], value_vars=["actualMedianBasket", "referenceMedianBasket"],
                        var_name="measure", value_name="basket")
    long["measure"] = long["measure"].map({"actualMedianBasket": "This cohort",
                                           "referenceMedianBasket": "Reference"})
    long["region"] = _plotly_texts(long["region"])
    fig = px.bar(
        long, x="region", y="basket", color="measure", barmode="group", title="Median basket by region",
        color_discrete_map={"This cohort": ACTUAL_COLOUR, "Reference": REFERENCE_COLOUR},
        labels={"basket": "Median basket", "region": "", "measure": ""},
    )
    fig = _style(fig, height=380)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "x": 1, "y": 1.02, "xanchor": "right",
                                               "yanchor": "bottom"})
    return fig


def region_mix_chart(
    mix: pd.DataFrame, dimension: str, rulebook: Rulebook | None = None, order: list[str] | None = None
) -> go.Figure:
    """Each region's segment mix as 100 % stacked bars in the segments' colours (`cohort_view.region_mix`).

    Args:
        mix: the mix.
        dimension: its dimension, for the title.
        rulebook: for the colours.
        order: regions top to bottom (by default as in `mix`).
    """
    data = mix.assign(percent=(mix["share"] * 100).round(1), region=_plotly_texts(mix["region"]),
                      label=_plotly_texts(mix["label"]))
    wanted = _plotly_texts(order or [])
    regions = [r for r in wanted if r in set(data["region"])]
    regions += [r for r in dict.fromkeys(data["region"]) if r not in regions]
    fig = px.bar(
        data, x="percent", y="region", color="label", orientation="h",
        color_discrete_map=_plotly_colours(rulebook),
        title=f"{DIMENSION_TITLES.get(dimension, dimension)} mix by region",
        labels={"percent": "% of the region's customers", "region": "", "label": ""},
        hover_data={"customers": True},
        category_orders={"label": list(dict.fromkeys(data["label"])), "region": regions},
    )
    fig = _style(fig, height=140 + 40 * data["region"].nunique())
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.15, "x": 0}, barmode="stack")
    return fig


def overview_figures(frame: pd.DataFrame, rulebook: Rulebook | None = None) -> dict[str, go.Figure]:
    """Every figure of the Cohort page's segment tab: a bar per dimension, the top categories, the heat map.

    Keys are the dimension names, ``affinityCategory`` and ``heatMap``.
    """
    rules = rulebook or default_rulebook()
    figures = {dimension: segment_bar(distribution(frame, dimension, rules), dimension, rules)
               for dimension in rules.dimensions}
    figures["affinityCategory"] = category_bar(distribution(frame, "affinityCategory", rules).head(12))
    figures["heatMap"] = heat_map(crosstab(frame, "loyaltyTier", "churnSegment", rules))
    return figures
