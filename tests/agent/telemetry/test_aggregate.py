"""Records become per-minute CloudWatch metric data (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.telemetry.aggregate import MAX_DATUMS_PER_REQUEST, MetricAggregator, aggregate, batches
from agent.telemetry.record import InvocationRecord
from tests.agent.telemetry.strict_cloudwatch import query_request_bytes

MINUTE = datetime(2026, 2, 12, 9, 30, tzinfo=UTC)
T0 = MINUTE.timestamp()


def test_records_of_one_minute_become_one_datum_per_series() -> None:
    records = [
        (T0 + 1, InvocationRecord("customer", "ok", 12.5, "template", {"churnSegment": {"Aktif": 1}})),
        (T0 + 20, InvocationRecord("customer", "ok", 12.5, "model", {"churnSegment": {"Riskli": 1}})),
        (T0 + 59, InvocationRecord("cohort", "invalid_input", 3.0)),
    ]

    assert aggregate(records) == [
        {
            "MetricName": "Errors",
            "Dimensions": [{"Name": "ErrorClass", "Value": "invalid_input"}],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
        {
            "MetricName": "Explanations",
            "Dimensions": [{"Name": "Source", "Value": "model"}],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
        {
            "MetricName": "Explanations",
            "Dimensions": [{"Name": "Source", "Value": "none"}],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
        {
            "MetricName": "Explanations",
            "Dimensions": [{"Name": "Source", "Value": "template"}],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
        {
            "MetricName": "Invocations",
            "Dimensions": [{"Name": "Mode", "Value": "cohort"}],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
        {
            "MetricName": "Invocations",
            "Dimensions": [{"Name": "Mode", "Value": "customer"}],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [2.0],
            "Unit": "Count",
        },
        {
            "MetricName": "Latency",
            "Dimensions": [{"Name": "Mode", "Value": "cohort"}],
            "Timestamp": MINUTE,
            "Values": [3.0],
            "Counts": [1.0],
            "Unit": "Milliseconds",
        },
        {
            "MetricName": "Latency",
            "Dimensions": [{"Name": "Mode", "Value": "customer"}],
            "Timestamp": MINUTE,
            "Values": [12.5],
            "Counts": [2.0],
            "Unit": "Milliseconds",
        },
        {
            "MetricName": "SegmentsAssigned",
            "Dimensions": [
                {"Name": "SegmentDimension", "Value": "churnSegment"},
                {"Name": "Segment", "Value": "Aktif"},
            ],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
        {
            "MetricName": "SegmentsAssigned",
            "Dimensions": [
                {"Name": "SegmentDimension", "Value": "churnSegment"},
                {"Name": "Segment", "Value": "Riskli"},
            ],
            "Timestamp": MINUTE,
            "Values": [1.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
    ]


def test_a_cohort_counts_its_customers_per_segment_and_minutes_stay_apart() -> None:
    cohort = InvocationRecord("cohort", "ok", 40.0, "template", {"loyaltyTier": {"Altın": 120, "Bronz": 7}})
    datums = aggregate([(T0, cohort), (T0 + 61, cohort), (T0 + 62, cohort)])

    segments = [
        (d["Timestamp"], d["Dimensions"][1]["Value"], d["Values"], d["Counts"])
        for d in datums
        if d["MetricName"] == "SegmentsAssigned"
    ]
    later = datetime(2026, 2, 12, 9, 31, tzinfo=UTC)
    assert segments == [
        (MINUTE, "Alt%C4%B1n", [120.0], [1.0]),
        (MINUTE, "Bronz", [7.0], [1.0]),
        (later, "Alt%C4%B1n", [120.0], [2.0]),
        (later, "Bronz", [7.0], [2.0]),
    ]


def test_dimension_values_are_printable_ascii_as_cloudwatch_requires() -> None:
    record = InvocationRecord("cohort", "ok", 5.0, "none", {"affinityType": {"Keşifçi": 2, "100%\tOdak": 1}})

    segments = [d["Dimensions"] for d in aggregate([(T0, record)]) if d["MetricName"] == "SegmentsAssigned"]

    assert segments == [
        [{"Name": "SegmentDimension", "Value": "affinityType"}, {"Name": "Segment", "Value": "100%25%09Odak"}],
        [{"Name": "SegmentDimension", "Value": "affinityType"}, {"Name": "Segment", "Value": "Ke%C5%9Fif%C3%A7i"}],
    ]


def test_more_than_150_distinct_values_are_split_across_datums() -> None:
    datums = aggregate([(T0, InvocationRecord("customer", "ok", float(ms))) for ms in range(400)])

    latency = [d for d in datums if d["MetricName"] == "Latency"]
    assert [len(d["Values"]) for d in latency] == [150, 150, 100]
    assert [v for d in latency for v in d["Values"]] == [float(ms) for ms in range(400)]
    assert {c for d in latency for c in d["Counts"]} == {1.0}


def test_impossible_values_are_left_out_rather_than_sent() -> None:
    record = InvocationRecord(
        "region",
        "ok",
        float("nan"),
        "none",
        {"ageSegment": {"GenZ": 0, "": 3}, " ": {"Olgun": 2}, "churnSegment": {"Aktif": -1}},
    )

    assert [d["MetricName"] for d in aggregate([(T0, record)])] == ["Explanations", "Invocations"]


def test_values_beyond_2_to_the_360_which_cloudwatch_refuses_are_left_out() -> None:
    huge = InvocationRecord("customer", "ok", 2.0**361, "none", {"churnSegment": {"Aktif": 10**109, "Riskli": 2}})

    kept = [(d["MetricName"], d["Values"]) for d in aggregate([(T0, huge)])]

    assert kept == [("Explanations", [1.0]), ("Invocations", [1.0]), ("SegmentsAssigned", [2.0])]


def test_a_malformed_record_raises_and_leaves_no_partial_counts() -> None:
    aggregator = MetricAggregator()
    aggregator.add(InvocationRecord("customer", "ok", 1.0), T0)
    broken = InvocationRecord("customer", "ok", 2.0, "model", {"churnSegment": {"Aktif": "many"}})  # type: ignore[dict-item]

    with pytest.raises(ValueError, match="many"):
        aggregator.add(broken, T0)

    assert aggregator.records == 1
    assert [(d["MetricName"], d["Counts"]) for d in aggregator.drain()] == [
        ("Explanations", [1.0]),
        ("Invocations", [1.0]),
        ("Latency", [1.0]),
    ]
    assert aggregator.empty


def test_drops_are_reported_as_their_own_metric() -> None:
    aggregator = MetricAggregator()
    aggregator.add_drops("queue_full", 17, T0 + 5)
    aggregator.add_drops("closed", 0, T0 + 5)

    assert aggregator.drain() == [
        {
            "MetricName": "RecordsDropped",
            "Dimensions": [{"Name": "Reason", "Value": "queue_full"}],
            "Timestamp": MINUTE,
            "Values": [17.0],
            "Counts": [1.0],
            "Unit": "Count",
        },
    ]


def test_batches_respect_the_request_limits() -> None:
    small = aggregate([(T0 + 60 * i, InvocationRecord("customer", "ok", 1.0)) for i in range(400)])
    assert len(small) == 1200  # three series a minute

    requests = list(batches(small))

    assert [len(r) for r in requests] == [MAX_DATUMS_PER_REQUEST, 200]
    assert [d for r in requests for d in r] == small


def test_every_request_fits_in_1_mb_even_in_the_most_verbose_protocol() -> None:
    # Two minutes of 10,000 distinct latencies each, printed with 20 or 21 characters (1.2345678901234e-08).
    latencies = [(ms + 0.123456789012345) * 1e-7 for ms in range(10_000)]
    wide = aggregate([(T0 + s, InvocationRecord("customer", "ok", ms)) for s in (0, 60) for ms in latencies])

    requests = list(batches(wide))

    sizes = [query_request_bytes({"Namespace": "N" * 255, "MetricData": r}) for r in requests]
    assert max(sizes) <= 1_000_000, sizes
    assert [d for r in requests for d in r] == wide
