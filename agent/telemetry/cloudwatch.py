"""A `Recorder` that publishes invocation metrics to CloudWatch in batches, off the request path.

`record` only appends the record to a bounded in-memory queue (a lock held for one append, never waited on
for I/O): it never blocks and never raises. A background thread wakes every `flush_seconds` (or sooner when
many records are waiting), takes the whole queue at once, aggregates it per minute
(`aggregate.MetricAggregator`) and calls ``PutMetricData``. When the queue is full
the record is dropped, counted, reported in the next flush as ``RecordsDropped`` and logged (at most once a
minute). A failed ``PutMetricData`` is caught, counted and logged the same way; the request that produced the
records has long been answered. `close` stops taking records, publishes what is queued and returns within
its timeout even when CloudWatch does not answer.

The boto3 client is standard: region (``AWS_REGION``, else ``AWS_DEFAULT_REGION``, else the AWS config file),
credentials and endpoint come from the environment (``AWS_ENDPOINT_URL_CLOUDWATCH`` points it at a local
endpoint). Its timeouts are short and it retries once, so a CloudWatch outage costs the background thread
seconds, never the requests.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from agent.telemetry import schema
from agent.telemetry.aggregate import MetricAggregator, batches
from agent.telemetry.record import InvocationRecord
from agent.telemetry.throttled_log import ThrottledWarning

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS: Final = 2
READ_TIMEOUT_SECONDS: Final = 5

# Publish early when this many records wait, so a burst does not sit in memory for a whole interval.
FLUSH_RECORDS: Final = 5_000

_Queued = tuple[float, InvocationRecord]


def default_client() -> CloudWatchClient:
    """A CloudWatch client from boto3's standard configuration, with short timeouts and one retry."""
    # Imported here: boto3 takes a tenth of a second to import, and only a publishing runtime needs it.
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": 2},
    )
    # botocore reads AWS_DEFAULT_REGION only; AWS_REGION is the variable the other AWS SDKs, the model settings and
    # the deployment command use, so it is honoured here too.
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    return boto3.session.Session().client("cloudwatch", region_name=region, config=config)


@dataclass(frozen=True, slots=True)
class PublisherStats:
    """What the publisher has done since it started.

    Attributes:
        accepted: records taken onto the queue.
        dropped: records refused (queue full, recorder closed, or not an `InvocationRecord`).
        published_records: records whose metrics reached CloudWatch.
        unpublished_records: records whose metrics could not be published.
        published_datums: metric data accepted by CloudWatch.
        failed_datums: metric data in failed requests.
        publish_errors: failed ``PutMetricData`` requests (or failures to create the client).
    """

    accepted: int = 0
    dropped: int = 0
    published_records: int = 0
    unpublished_records: int = 0
    published_datums: int = 0
    failed_datums: int = 0
    publish_errors: int = 0


class CloudWatchRecorder:
    """Publishes invocation metrics to CloudWatch from a background thread.

    Args:
        namespace: the CloudWatch namespace.
        flush_seconds: how often to publish.
        queue_size: records held while waiting; more are dropped.
        client_factory: makes the CloudWatch client (called in the background thread, once it works).
        clock: epoch seconds, for the metrics' timestamps.
        flush_records: publish early when this many records are waiting.
    """

    def __init__(
        self,
        namespace: str = schema.DEFAULT_NAMESPACE,
        *,
        flush_seconds: float = 10.0,
        queue_size: int = 10_000,
        client_factory: Callable[[], CloudWatchClient] = default_client,
        clock: Callable[[], float] = time.time,
        flush_records: int = FLUSH_RECORDS,
    ) -> None:
        self.namespace = namespace
        self._flush_seconds = flush_seconds
        # Wake the worker by half a queue at the latest, so a small queue does not fill while it sleeps.
        self._flush_records = max(1, min(flush_records, queue_size // 2))
        self._client_factory = client_factory
        self._client: CloudWatchClient | None = None
        self._clock = clock
        # The bounded queue: a list the worker swaps for an empty one under the lock, so taking a batch costs
        # the same for one record as for ten thousand, and `record` pays only for an append.
        self._queue_size = queue_size
        self._queued: list[_Queued] = []
        self._stop = threading.Event()
        # The worker sleeps until the next flush instead of waking for every record: a thread that woke per
        # record would take the GIL from the requests thousands of times a second.
        self._wake = threading.Event()
        self._closed = False
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._drops: dict[schema.DropReason, int] = {}
        self._drop_warning = ThrottledWarning(
            logger,
            "metrics: dropped %d invocation record(s) (%s); CloudWatch publishing is falling behind",
            event="metrics_dropped",
        )
        self._error_warning = ThrottledWarning(
            logger, "metrics: %d PutMetricData failure(s), last: %s: %s", event="metrics_publish_failed"
        )
        self._thread = threading.Thread(target=self._run, name="cloudwatch-metrics", daemon=True)
        self._thread.start()
        logger.info(
            "metrics: publishing to CloudWatch namespace %s every %.1f s",
            namespace,
            flush_seconds,
            extra={"event": "metrics_started"},
        )

    def record(self, record: InvocationRecord) -> None:
        """Queue one record for publishing; never blocks, never raises."""
        with self._lock:
            if self._closed:
                reason: schema.DropReason = "closed"
            elif len(self._queued) >= self._queue_size:
                reason = "queue_full"
            else:
                self._queued.append((self._clock(), record))
                self._counts["accepted"] += 1
                if len(self._queued) == self._flush_records:
                    self._wake.set()
                return
            self._count_drop(reason)
        self._drop_warning.note(1, reason)

    def close(self, timeout: float = 5.0) -> None:
        """Stop taking records, publish what is queued, and wait at most `timeout` seconds for that."""
        with self._lock:
            # Under the lock, so every record accepted before this point is on the queue the worker drains.
            self._closed = True
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.warning(
                "metrics: CloudWatch publishing did not finish within %.1f s at shutdown",
                timeout,
                extra={"event": "metrics_close_timeout"},
            )
            return
        stats = self.stats()
        logger.info(
            "metrics: closed; records published %d, unpublished %d, dropped %d; failed requests %d",
            stats.published_records,
            stats.unpublished_records,
            stats.dropped,
            stats.publish_errors,
            extra={"event": "metrics_closed"},
        )

    def stats(self) -> PublisherStats:
        """A snapshot of the counters."""
        with self._lock:
            return PublisherStats(**{name: self._counts[name] for name in PublisherStats.__dataclass_fields__})

    def _count_drop(self, reason: schema.DropReason) -> None:
        """Count a dropped record; the caller holds the lock."""
        self._counts["dropped"] += 1
        self._drops[reason] = self._drops.get(reason, 0) + 1

    def _run(self) -> None:
        aggregator = MetricAggregator()
        next_flush = time.monotonic() + self._flush_seconds
        while not self._stop.is_set():
            self._wake.wait(max(0.0, next_flush - time.monotonic()))
            self._wake.clear()
            try:
                self._drain_queue(aggregator)
                if time.monotonic() >= next_flush or aggregator.records >= self._flush_records:
                    next_flush = time.monotonic() + self._flush_seconds
                    self._flush(aggregator)
            except Exception:  # a bug here must not end the thread: later records would pile up unpublished
                logger.exception("metrics: publisher failure", extra={"event": "metrics_publisher_error"})
        self._drain_queue(aggregator)
        self._flush(aggregator)

    def _drain_queue(self, aggregator: MetricAggregator) -> None:
        with self._lock:
            taken, self._queued = self._queued, []
        for at, record in taken:
            try:
                if not isinstance(record, InvocationRecord):
                    raise TypeError(type(record).__name__)
                aggregator.add(record, at)
            except Exception:  # a bad record must not stop the publisher
                with self._lock:
                    self._counts["accepted"] -= 1
                    self._count_drop("invalid")
                self._drop_warning.note(1, "invalid")

    def _flush(self, aggregator: MetricAggregator) -> None:
        with self._lock:
            drops, self._drops = self._drops, {}
        now = self._clock()
        for reason, count in drops.items():
            aggregator.add_drops(reason, count, now)
        if aggregator.empty:
            return
        records = aggregator.records
        datums = aggregator.drain()
        published = failed = errors = 0
        client = self._client_or_none()
        for batch in batches(datums):
            if client is None:
                failed += len(batch)
                continue
            try:
                client.put_metric_data(Namespace=self.namespace, MetricData=batch)
            except Exception as exc:  # any failure of the backend is counted, never raised
                errors += 1
                failed += len(batch)
                self._error_warning.note(1, type(exc).__name__, exc)
            else:
                published += len(batch)
        if client is None:
            errors += 1
        with self._lock:
            self._counts["published_records" if failed == 0 else "unpublished_records"] += records
            self._counts["published_datums"] += published
            self._counts["failed_datums"] += failed
            self._counts["publish_errors"] += errors

    def _client_or_none(self) -> CloudWatchClient | None:
        if self._client is None:
            try:
                self._client = self._client_factory()
            except Exception as exc:  # e.g. no region configured: counted like a failed request
                self._error_warning.note(1, type(exc).__name__, exc)
        return self._client
