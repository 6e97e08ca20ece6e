from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ConfigParseError, EndpointConnectionError

from dashboard.aws_setup import credential_fingerprint, endpoint_setting, setup_problem


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


@pytest.mark.parametrize(("env", "named"), [
    ({"AWS_ENDPOINT_URL_CLOUDWATCH": "localhost:4566"}, "AWS_ENDPOINT_URL_CLOUDWATCH"),
    ({"AWS_ENDPOINT_URL": "localhost:4566"}, "AWS_ENDPOINT_URL"),
    ({"AWS_ENDPOINT_URL": "http://ok", "AWS_ENDPOINT_URL_CLOUDWATCH": "localhost:4566"}, "AWS_ENDPOINT_URL_CLOUDWATCH"),
    ({}, "The endpoint_url in the AWS config file"),
], ids=["service variable", "generic variable", "service variable wins", "config file"])
def test_an_endpoint_without_scheme_names_the_setting_it_came_from(env: dict[str, str], named: str) -> None:
    assert endpoint_setting("AWS_ENDPOINT_URL_CLOUDWATCH", env) == named
    problem = setup_problem(ValueError("Invalid endpoint: localhost:4566"), region_variable="AWS_REGION",
                            endpoint_variable="AWS_ENDPOINT_URL_CLOUDWATCH", env=env)
    assert problem == (f"{named} must be a URL with its scheme, such as http://127.0.0.1:5000, got 'localhost:4566'. "
                       "Restart the dashboard after changing an environment variable.")


def test_an_unparseable_aws_config_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text("[default\nregion = eu-central-1\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with pytest.raises(ConfigParseError) as caught:
        boto3.session.Session().region_name  # noqa: B018  # reading the region parses the file

    assert setup_problem(caught.value, region_variable="AWS_REGION", endpoint_variable="AWS_ENDPOINT_URL") == (
        f"The AWS configuration file {config} cannot be parsed: fix its syntax (sections such as [default] or "
        "[profile name], then lines such as region = eu-central-1), or point AWS_CONFIG_FILE or "
        "AWS_SHARED_CREDENTIALS_FILE at another file. Restart the dashboard after changing an environment variable.")
