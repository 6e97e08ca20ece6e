"""What CloudWatch refuses and moto accepts: a botocore hook that refuses such PutMetricData requests.

moto stores whatever it is sent. CloudWatch documents limits it enforces by refusing the whole request
(PutMetricData and Dimension in the CloudWatch API Reference): dimension names and values of printable ASCII
with a non-whitespace character, at most 30 dimensions, 1,000 metric data and 1 MB per request, 150 values per
datum, and values that are finite and within ±2^360. `refuse_what_cloudwatch_refuses` makes a real client check
the request it is about to send against them and fail as CloudWatch would, so the tests see what AWS would do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

from botocore.exceptions import ClientError
from botocore.model import OperationModel
from botocore.serialize import create_serializer
from botocore.session import Session

from agent.telemetry.cloudwatch import default_client

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

MAX_REQUEST_BYTES: Final = 1_000_000  # "1 MB"; the decimal reading, the stricter one
MAX_DATUMS: Final = 1000
MAX_VALUES: Final = 150
MAX_DIMENSIONS: Final = 30
LARGEST_VALUE: Final = 2.0**360


def _refuse(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "PutMetricData")


def _check_text(field: str, text: str, longest: int) -> None:
    if not text.isascii() or not text.isprintable():
        raise _refuse("InvalidParameterValue", f"The value for parameter {field} contains non-ASCII characters.")
    if not text.strip() or len(text) > longest:
        raise _refuse("InvalidParameterValue", f"The parameter {field} must be 1 to {longest} characters.")


def _check_datum(index: int, datum: dict[str, Any]) -> None:
    field = f"MetricData.member.{index}"
    dimensions = datum.get("Dimensions", [])
    if len(dimensions) > MAX_DIMENSIONS:
        raise _refuse("InvalidParameterValue", f"{field}.Dimensions has more than {MAX_DIMENSIONS} members.")
    for position, dimension in enumerate(dimensions, start=1):
        _check_text(f"{field}.Dimensions.member.{position}.Name", dimension["Name"], 255)
        _check_text(f"{field}.Dimensions.member.{position}.Value", dimension["Value"], 1024)
    values = datum.get("Values", [datum["Value"]] if "Value" in datum else [])
    if len(values) > MAX_VALUES or ("Counts" in datum and len(datum["Counts"]) != len(values)):
        raise _refuse("InvalidParameterValue", f"{field}.Values has over {MAX_VALUES} members or its Counts differ.")
    for value in values:
        if not math.isfinite(value) or abs(value) > LARGEST_VALUE:
            raise _refuse("InvalidParameterValue", f"The value {value} for parameter {field}.Values is invalid.")


def query_request_bytes(params: Mapping[str, Any], model: OperationModel | None = None) -> int:
    """The size of a PutMetricData request in the query protocol, which botocore before 1.42.7 sends to CloudWatch.

    The query protocol is the most verbose of CloudWatch's protocols (botocore sends the smaller JSON or CBOR
    since), so a request that fits in it fits in all of them.
    """
    model = model or Session().get_service_model("cloudwatch").operation_model("PutMetricData")
    body = create_serializer("query").serialize_to_request(params, model)["body"]
    return len(urlencode(body, doseq=True))  # as botocore's AWSRequest encodes the form


def _check_put_metric_data(params: dict[str, Any], model: OperationModel, **_: Any) -> None:
    data = params.get("MetricData", [])
    if len(data) > MAX_DATUMS:
        raise _refuse("InvalidParameterValue", f"MetricData has {len(data)} members, more than {MAX_DATUMS}.")
    for index, datum in enumerate(data, start=1):
        _check_datum(index, datum)
    size = query_request_bytes(params, model)
    if size > MAX_REQUEST_BYTES:
        raise _refuse("RequestEntityTooLarge", f"Request size {size} exceeded {MAX_REQUEST_BYTES} bytes")


def refuse_what_cloudwatch_refuses(client: CloudWatchClient) -> CloudWatchClient:
    """`client`, which now raises CloudWatch's error for a PutMetricData request CloudWatch would refuse."""
    client.meta.events.register("provide-client-params.cloudwatch.PutMetricData", _check_put_metric_data)
    return client


def strict_client_factory() -> Callable[[], CloudWatchClient]:
    """A `CloudWatchRecorder` client factory: the publisher's own client, checked as CloudWatch checks."""
    return lambda: refuse_what_cloudwatch_refuses(default_client())
