"""Reads metric series from CloudWatch with GetMetricData.

The client fails fast: two-second connect and five-second read timeouts and no retries, so a page whose
CloudWatch is unreachable shows an error within seconds instead of hanging. Every failure becomes
`MetricsUnavailableError`, whose message says what went wrong in words a user can act on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ReadTimeoutError,
)

from dashboard.aws_setup import setup_problem
from dashboard.observability.config import ObservabilityConfig, ObservabilityConfigError
from dashboard.observability.queries import MetricQuery
from dashboard.observability.window import TimeWindow

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cloudwatch.type_defs import MetricDataQueryTypeDef, MetricDataResultTypeDef

MAX_QUERIES_PER_CALL: Final = 500
# GetMetricData's StatusCode of a series it could not read (Complete and PartialData carry data).
_FAILED_STATUSES: Final = frozenset({"InternalError", "Forbidden"})
CONNECT_TIMEOUT_SECONDS: Final = 2
READ_TIMEOUT_SECONDS: Final = 5


class MetricsUnavailableError(Exception):
    """CloudWatch could not be read; the message is meant for the page."""


@dataclass(frozen=True, slots=True)
class SeriesResult:
    """The data points of one query, oldest first."""

    query: MetricQuery
    timestamps: tuple[datetime, ...]
    values: tuple[float, ...]


@contextmanager
def _aws_setup() -> Iterator[None]:
    """Turn the AWS configuration mistakes botocore finds while building a session or client into settings errors."""
    try:
        yield
    except (BotoCoreError, ValueError) as error:
        problem = setup_problem(error, region_variable="AWS_REGION (or AWS_DEFAULT_REGION)",
                                endpoint_variable="AWS_ENDPOINT_URL_CLOUDWATCH")
        if problem is None:
            raise
        raise ObservabilityConfigError(problem) from error


def has_credentials() -> bool:
    """Whether boto3's credential chain finds any credentials.

    Raises:
        ObservabilityConfigError: the AWS configuration is wrong (e.g. AWS_PROFILE names a missing profile).
    """
    import boto3

    with _aws_setup():
        return boto3.session.Session().get_credentials() is not None


def default_region() -> str | None:
    """The region boto3 would use (environment or profile), if any.

    Raises:
        ObservabilityConfigError: the AWS configuration is wrong (e.g. AWS_PROFILE names a missing profile).
    """
    import boto3

    with _aws_setup():
        return boto3.session.Session().region_name


def cloudwatch_client(config: ObservabilityConfig) -> CloudWatchClient:
    """A CloudWatch client with short timeouts and no retries (the endpoint comes from the environment).

    Raises:
        ObservabilityConfigError: the AWS configuration cannot make a client (a missing profile, a malformed
            region, an endpoint URL without its scheme); the message says what to set.
    """
    import boto3
    from botocore.config import Config

    client_config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": 1},
    )
    with _aws_setup():
        return boto3.session.Session().client("cloudwatch", region_name=config.region, config=client_config)


def _status_text(result: MetricDataResultTypeDef) -> str:
    """A failed series' status with CloudWatch's messages about it."""
    messages = "; ".join(f"{m.get('Code', '?')}: {m.get('Value', '')}" for m in result.get("Messages", []))
    return f"{result.get('StatusCode')}" + (f" ({messages})" if messages else "")


class MetricsReader:
    """Runs metric queries over a time window.

    Args:
        client: a CloudWatch client.
        where: how to name CloudWatch in error messages (its endpoint or region).
    """

    def __init__(self, client: CloudWatchClient, where: str = "CloudWatch") -> None:
        self._client = client
        self._where = where

    def read(self, queries: Sequence[MetricQuery], window: TimeWindow) -> list[SeriesResult]:
        """The data points of every query in the window, in the order of `queries`.

        Raises:
            MetricsUnavailableError: CloudWatch could not be read.
        """
        results: list[SeriesResult] = []
        for start in range(0, len(queries), MAX_QUERIES_PER_CALL):
            results += self._read_chunk(queries[start : start + MAX_QUERIES_PER_CALL], window)
        return results

    def _read_chunk(self, queries: Sequence[MetricQuery], window: TimeWindow) -> list[SeriesResult]:
        request: list[MetricDataQueryTypeDef] = [
            {
                "Id": f"q{index}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": query.namespace,
                        "MetricName": query.metric,
                        "Dimensions": [{"Name": name, "Value": value} for name, value in query.dimensions],
                    },
                    "Period": window.period_seconds,
                    "Stat": query.stat,
                },
                "ReturnData": True,
            }
            for index, query in enumerate(queries)
        ]
        points: dict[str, list[tuple[datetime, float]]] = {f"q{i}": [] for i in range(len(queries))}
        answered: set[str] = set()
        failed: dict[str, str] = {}
        next_token: str | None = None
        while True:
            try:
                if next_token is None:
                    response = self._client.get_metric_data(
                        MetricDataQueries=request,
                        StartTime=window.start,
                        EndTime=window.end,
                        ScanBy="TimestampAscending",
                    )
                else:
                    response = self._client.get_metric_data(
                        MetricDataQueries=request,
                        StartTime=window.start,
                        EndTime=window.end,
                        ScanBy="TimestampAscending",
                        NextToken=next_token,
                    )
            except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as exc:
                raise MetricsUnavailableError(f"{self._where} did not answer: {exc}") from exc
            except NoCredentialsError as exc:
                raise MetricsUnavailableError("No AWS credentials were found to sign the CloudWatch request.") from exc
            except NoRegionError as exc:
                raise MetricsUnavailableError("No AWS region is set: set AWS_REGION.") from exc
            except ClientError as exc:
                error = exc.response.get("Error", {})
                raise MetricsUnavailableError(
                    f"{self._where} refused GetMetricData: {error.get('Code', '?')}: {error.get('Message', '')}"
                ) from exc
            except BotoCoreError as exc:
                raise MetricsUnavailableError(f"Reading {self._where} failed: {exc}") from exc
            for result in response.get("MetricDataResults", []):
                series = points.get(result.get("Id", ""))
                if series is not None:
                    answered.add(result.get("Id", ""))
                    series += zip(result.get("Timestamps", []), result.get("Values", []), strict=True)
                    if result.get("StatusCode") in _FAILED_STATUSES:
                        failed[result.get("Id", "")] = _status_text(result)
            next_token = response.get("NextToken")
            if not next_token:
                break
        if len(answered) < len(queries):
            # CloudWatch answers every query, with empty series when there is no data: an endpoint that does not
            # is something else answering 200 (a web page, a proxy), and its silence must not look like no traffic.
            raise MetricsUnavailableError(
                f"{self._where} answered, but not as CloudWatch does: {len(queries) - len(answered)} of "
                f"{len(queries)} metric queries got no result. Is AWS_ENDPOINT_URL_CLOUDWATCH a CloudWatch endpoint?"
            )
        if failed:
            # CloudWatch answers a query it could not read (InternalError, Forbidden) with the points it has, often
            # none: shown as they are, they would look like a quiet system.
            first_id, status = next(iter(failed.items()))
            raise MetricsUnavailableError(
                f"{self._where} could not read {len(failed)} of {len(queries)} metric series, e.g. "
                f"{queries[int(first_id[1:])].metric}: {status}"
            )
        return [
            SeriesResult(
                query=query,
                timestamps=tuple(ts for ts, _ in sorted(points[f"q{i}"])),
                values=tuple(v for _, v in sorted(points[f"q{i}"])),
            )
            for i, query in enumerate(queries)
        ]
