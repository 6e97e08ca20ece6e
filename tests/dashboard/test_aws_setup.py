from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError

from dashboard.aws_setup import setup_problem


@pytest.mark.parametrize("error", [EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
                                   ValueError("some other value"), KeyError("AWS_REGION")])
def test_errors_that_are_not_configuration_mistakes_are_left_alone(error: Exception) -> None:
    assert setup_problem(error, region_variable="AWS_REGION", endpoint_variable="AWS_ENDPOINT_URL") is None
