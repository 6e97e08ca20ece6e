"""Turn invocation records into CloudWatch metric data, aggregated per minute (pure, no I/O).

Each series (metric, dimensions, minute) keeps a histogram of the values seen, published as the
``Values``/``Counts`` arrays of one ``MetricDatum``: a thousand invocations in a minute cost one datum per
series, not a thousand, and CloudWatch still derives Sum, SampleCount, Average, Minimum, Maximum and
percentiles from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from agent.telemetry import schema
from agent.telemetry.record import InvocationRecord

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch.type_defs import MetricDatumTypeDef

# PutMetricData limits: 150 distinct values per datum, 1000 datums and 1 MB per request.
MAX_VALUES_PER_DATUM: Final = 150
MAX_DATUMS_PER_REQUEST: Final = 1000
MAX_REQUEST_BYTES: Final = 1_000_000

# Request sizes are bounded as the query protocol encodes them (botocore before 1.42.7 uses it for CloudWatch),
# the most verbose of CloudWatch's protocols: every field is a form key such as
# "MetricData.member.1000.Dimensions.member.30.Value" with "=" and "&"; a number is Python's repr of a float,
# at most 24 characters plus the escaped "+" of an exponent; text is ASCII, at most tripled by escaping.
_FIELD_BYTES: Final = len("MetricData.member.1000.Dimensions.member.30.Value=&")
_NUMBER_BYTES: Final = 26
_TIMESTAMP_BYTES: Final = 3 * len("2026-02-12T09:30:00Z")
# Action, Version and a namespace of up to 255 characters.
_ENVELOPE_BYTES: Final = 3 * _FIELD_BYTES + 3 * 255 + len("PutMetricData2010-08-01")

BUCKET_SECONDS: Final = 60

# CloudWatch refuses a whole request for one value beyond ±2^360 (or NaN or infinite): such values are left out.
LARGEST_VALUE: Final = 2.0**360

SeriesKey = tuple[int, str, schema.Dimensions]
"""(bucket start in epoch seconds, metric name, dimensions)."""


def _dimension_value(value: object) -> str | None:
    """The label as dimension text, or None when it is blank (CloudWatch wants a non-whitespace character)."""
    return str(value).strip() or None


# The same few dozen labels come back with every record: work their dimensions out once.
@lru_cache(maxsize=4096)
def _segment_dimensions(dimension: object, segment: object) -> schema.Dimensions | None:
    dimension_value, segment_value = _dimension_value(dimension), _dimension_value(segment)
    if dimension_value is None or segment_value is None:
        return None
    return schema.segment_dimensions(dimension_value, segment_value)


@lru_cache(maxsize=256)
def _label_dimensions(kind: str, value: object) -> schema.Dimensions:
    label = str(value)
    if kind == schema.MODE:
        return schema.mode_dimensions(label)
    if kind == schema.ERROR_CLASS:
        return schema.error_dimensions(label)
    return schema.source_dimensions(label)


def _observations(record: InvocationRecord) -> list[tuple[str, schema.Dimensions, float]]:
    """The (metric, dimensions, value) observations of one record."""
    mode = _label_dimensions(schema.MODE, record.mode)
    observations = [
        (schema.INVOCATIONS, mode, 1.0),
        (schema.EXPLANATIONS, _label_dimensions(schema.SOURCE, record.explanation_source), 1.0),
    ]
    duration = float(record.duration_ms)
    if 0 <= duration <= LARGEST_VALUE:
        observations.append((schema.LATENCY, mode, duration))
    if record.outcome != "ok":
        observations.append((schema.ERRORS, _label_dimensions(schema.ERROR_CLASS, record.outcome), 1.0))
    for dimension, counts in record.segments.items():
        for segment, customers in counts.items():
            dims = _segment_dimensions(dimension, segment)
            count = float(customers)
            if dims is not None and 0 < count <= LARGEST_VALUE:
                observations.append((schema.SEGMENTS_ASSIGNED, dims, count))
    return observations


@dataclass
class MetricAggregator:
    """Accumulates records until `drain` turns them into metric data.

    Attributes:
        records: records added since the last drain.
    """

    records: int = 0
    _series: dict[SeriesKey, dict[float, int]] = field(default_factory=dict)

    def add(self, record: InvocationRecord, at: float) -> None:
        """Count one invocation.

        Args:
            record: the invocation.
            at: when it was recorded, in epoch seconds.

        Raises:
            TypeError: a field of the record has the wrong type (ValueError: a count is not a number); nothing
                of the record is counted then.
        """
        bucket = int(at // BUCKET_SECONDS) * BUCKET_SECONDS
        # Everything is worked out before anything is counted, so a malformed record leaves no partial trace.
        for metric, dims, value in _observations(record):
            self._observe(bucket, metric, dims, value)
        self.records += 1

    def add_drops(self, reason: schema.DropReason, count: int, at: float) -> None:
        """Report records that never reached the aggregator."""
        if count > 0:
            bucket = int(at // BUCKET_SECONDS) * BUCKET_SECONDS
            self._observe(bucket, schema.RECORDS_DROPPED, schema.drop_dimensions(reason), float(count))

    def _observe(self, bucket: int, metric: str, dims: schema.Dimensions, value: float) -> None:
        key = (bucket, metric, dims)
        histogram = self._series.get(key)
        if histogram is None:
            histogram = self._series[key] = {}
        histogram[value] = histogram.get(value, 0) + 1

    @property
    def empty(self) -> bool:
        """Whether nothing is waiting to be published."""
        return not self._series

    def drain(self) -> list[MetricDatumTypeDef]:
        """The metric data of everything added so far, in a stable order; the aggregator is then empty."""
        datums: list[MetricDatumTypeDef] = []
        for (bucket, metric, dims), histogram in sorted(self._series.items()):
            values = sorted(histogram)
            for start in range(0, len(values), MAX_VALUES_PER_DATUM):
                chunk = values[start : start + MAX_VALUES_PER_DATUM]
                datums.append(
                    {
                        "MetricName": metric,
                        "Dimensions": [{"Name": name, "Value": value} for name, value in dims],
                        "Timestamp": datetime.fromtimestamp(bucket, tz=UTC),
                        "Values": chunk,
                        "Counts": [float(histogram[v]) for v in chunk],
                        "Unit": schema.UNITS[metric],
                    }
                )
        self._series.clear()
        self.records = 0
        return datums


def encoded_size_bound(datum: MetricDatumTypeDef) -> int:
    """An upper bound of the bytes `datum` takes in a PutMetricData request, in any of CloudWatch's protocols."""
    text = len(datum["MetricName"]) + len(datum.get("Unit", ""))
    fields = 3
    for dimension in datum.get("Dimensions", ()):
        text += len(dimension["Name"]) + len(dimension["Value"])
        fields += 2
    numbers = len(datum.get("Values", ())) + len(datum.get("Counts", ())) + ("Value" in datum)
    return (fields + numbers) * _FIELD_BYTES + 3 * text + _TIMESTAMP_BYTES + numbers * _NUMBER_BYTES


def batches(datums: Sequence[MetricDatumTypeDef]) -> Iterator[list[MetricDatumTypeDef]]:
    """Split metric data into PutMetricData requests that respect the service's limits (count and size)."""
    batch: list[MetricDatumTypeDef] = []
    size = _ENVELOPE_BYTES
    for datum in datums:
        datum_size = encoded_size_bound(datum)
        if batch and (len(batch) == MAX_DATUMS_PER_REQUEST or size + datum_size > MAX_REQUEST_BYTES):
            yield batch
            batch, size = [], _ENVELOPE_BYTES
        batch.append(datum)
        size += datum_size
    if batch:
        yield batch


def aggregate(records: Iterable[tuple[float, InvocationRecord]]) -> list[MetricDatumTypeDef]:
    """The metric data of (epoch seconds, record) pairs: a convenience for one-off use and tests."""
    aggregator = MetricAggregator()
    for at, record in records:
        aggregator.add(record, at)
    return aggregator.drain()
