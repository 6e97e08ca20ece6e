from __future__ import annotations

import os
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError

from dashboard.aws_setup import credential_fingerprint, setup_problem


@pytest.mark.parametrize("error", [EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
                                   ValueError("some other value"), KeyError("AWS_REGION")])
def test_errors_that_are_not_configuration_mistakes_are_left_alone(error: Exception) -> None:
    assert setup_problem(error, region_variable="AWS_REGION", endpoint_variable="AWS_ENDPOINT_URL") is None


def test_changed_credentials_change_the_fingerprint_that_keys_cached_clients(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text("[default]\naws_access_key_id = AKIAOLDOLDOLD\n", encoding="utf-8")
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(credentials), "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_ACCESS_KEY_ID": "AKIAOLD", "AWS_SECRET_ACCESS_KEY": "old-secret"}
    before = credential_fingerprint(env)

    assert credential_fingerprint(dict(env)) == before
    assert credential_fingerprint({**env, "AWS_SECRET_ACCESS_KEY": "new-secret"}) != before
    assert "old-secret" not in repr(before)  # a digest, not the key
    credentials.write_text("[default]\naws_access_key_id = AKIANEWNEWNEWNEW\n", encoding="utf-8")
    os.utime(credentials, ns=(0, 10**18))  # however coarse the file system's clock
    assert credential_fingerprint(env) != before
