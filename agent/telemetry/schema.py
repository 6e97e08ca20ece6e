"""The metrics the runtime publishes: names, units and dimensions, shared by the publisher and the dashboard.

Every metric carries at least one dimension, and the dimensions of a metric always come in the order given
here. CloudWatch accepts only printable ASCII in a dimension value and refuses the whole PutMetricData request
otherwise, so other characters are percent-encoded as UTF-8 (`dimension_value`: ``Altın`` is ``Alt%C4%B1n``)
and the reader decodes them (`dimension_text`). Totals (all modes, all error classes) are sums over the known
dimension values, computed by the reader: CloudWatch does not add up series with different dimensions by
itself, and a local endpoint (moto) matches dimension lists exactly and in order.

| metric | unit | dimensions | one datum per |
| --- | --- | --- | --- |
| Invocations | Count | Mode | invocation |
| Latency | Milliseconds | Mode | invocation (its duration) |
| Errors | Count | ErrorClass | invocation whose outcome is not ``ok`` |
| Explanations | Count | Source | invocation (who wrote the explanation; ``none`` when nobody did) |
| SegmentsAssigned | Count | SegmentDimension, Segment | segment value of an invocation (its customer count) |
| RecordsDropped | Count | Reason | flush after records were dropped (the number dropped) |
"""

from __future__ import annotations

import string
from typing import Final, Literal, get_args
from urllib.parse import quote, unquote

from agent.telemetry.record import ExplanationSource, Mode, Outcome

DEFAULT_NAMESPACE: Final = "CustomerSegmentAgent"

INVOCATIONS: Final = "Invocations"
LATENCY: Final = "Latency"
ERRORS: Final = "Errors"
EXPLANATIONS: Final = "Explanations"
SEGMENTS_ASSIGNED: Final = "SegmentsAssigned"
RECORDS_DROPPED: Final = "RecordsDropped"

MODE: Final = "Mode"
ERROR_CLASS: Final = "ErrorClass"
SOURCE: Final = "Source"
SEGMENT_DIMENSION: Final = "SegmentDimension"
SEGMENT: Final = "Segment"
DROP_REASON: Final = "Reason"

Unit = Literal["Count", "Milliseconds"]
DropReason = Literal["queue_full", "closed", "invalid"]

UNITS: Final[dict[str, Unit]] = {
    INVOCATIONS: "Count",
    LATENCY: "Milliseconds",
    ERRORS: "Count",
    EXPLANATIONS: "Count",
    SEGMENTS_ASSIGNED: "Count",
    RECORDS_DROPPED: "Count",
}

MODES: Final[tuple[Mode, ...]] = get_args(Mode)
ERROR_CLASSES: Final[tuple[Outcome, ...]] = tuple(o for o in get_args(Outcome) if o != "ok")
EXPLANATION_SOURCES: Final[tuple[ExplanationSource, ...]] = get_args(ExplanationSource)
DROP_REASONS: Final[tuple[DropReason, ...]] = get_args(DropReason)

# CloudWatch rejects empty dimension values and values longer than this.
MAX_DIMENSION_VALUE_LENGTH: Final = 1024

# Printable ASCII stays as it is, so ASCII codes keep the values they always had; "%" is encoded to stay reversible.
_KEPT_AS_IS: Final = "".join(c for c in string.printable if c not in string.whitespace + "%") + " "

Dimensions = tuple[tuple[str, str], ...]
"""Dimension (name, value) pairs in their canonical order, the values as `dimension_value` encodes them."""


def dimension_value(text: str) -> str:
    """`text` as a value CloudWatch accepts: characters outside printable ASCII percent-encoded as UTF-8.

    A value longer than `MAX_DIMENSION_VALUE_LENGTH` once encoded keeps the characters that fit: never half a
    character, so the text still decodes.
    """
    encoded = quote(text, safe=_KEPT_AS_IS)
    if len(encoded) <= MAX_DIMENSION_VALUE_LENGTH:
        return encoded
    kept: list[str] = []
    length = 0
    for character in text:
        piece = quote(character, safe=_KEPT_AS_IS)
        if length + len(piece) > MAX_DIMENSION_VALUE_LENGTH:
            break
        kept.append(piece)
        length += len(piece)
    return "".join(kept)


def dimension_text(value: str) -> str:
    """The text of a dimension value `dimension_value` encoded (``Alt%C4%B1n`` → ``Altın``)."""
    return unquote(value)


def mode_dimensions(mode: str) -> Dimensions:
    """Dimensions of Invocations and Latency."""
    return ((MODE, dimension_value(mode)),)


def error_dimensions(error_class: str) -> Dimensions:
    """Dimensions of Errors."""
    return ((ERROR_CLASS, dimension_value(error_class)),)


def source_dimensions(source: str) -> Dimensions:
    """Dimensions of Explanations."""
    return ((SOURCE, dimension_value(source)),)


def segment_dimensions(dimension: str, segment: str) -> Dimensions:
    """Dimensions of SegmentsAssigned, e.g. ``("churnSegment", "Riskli")``."""
    return ((SEGMENT_DIMENSION, dimension_value(dimension)), (SEGMENT, dimension_value(segment)))


def drop_dimensions(reason: DropReason) -> Dimensions:
    """Dimensions of RecordsDropped."""
    return ((DROP_REASON, dimension_value(reason)),)
