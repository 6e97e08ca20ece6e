"""AWS configuration mistakes botocore finds only when a session or client is built, in words that say what to set.

botocore raises these while building a session or a client, before any request: a profile that is not in the
AWS config files, a config or credentials file it cannot parse, a region that is not a region's name, no region at
all, an endpoint URL without its scheme. Each is the user's configuration, not a failure of the service, so pages
show what to set instead of a traceback.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Final

from botocore.exceptions import ConfigParseError, InvalidConfigError, InvalidRegionError, NoRegionError, ProfileNotFound

_INVALID_ENDPOINT = "Invalid endpoint"
GENERIC_ENDPOINT_VARIABLE: Final = "AWS_ENDPOINT_URL"
# The process reads its environment once, when it starts: a page reload does not see a changed variable.
RESTART: Final = "Restart the dashboard after changing an environment variable."


def setup_problem(
    error: Exception, *, region_variable: str, endpoint_variable: str, env: Mapping[str, str] | None = None,
) -> str | None:
    """What to set to fix `error`, when it is an AWS configuration mistake; None for any other error.

    Args:
        error: what building a boto3 session or client raised.
        region_variable: the setting that names the region, for "set ..." (e.g. ``AWS_REGION``).
        endpoint_variable: the service's own endpoint variable (e.g. ``AWS_ENDPOINT_URL_CLOUDWATCH``); the message
            names the generic ``AWS_ENDPOINT_URL`` instead when that is the one set (`endpoint_setting`).
        env: the environment botocore read; ``os.environ`` when omitted.

    Examples:
        >>> print(setup_problem(NoRegionError(), region_variable="AWS_REGION", endpoint_variable="AWS_ENDPOINT_URL"))
        No AWS region is set: set AWS_REGION (a region name such as eu-central-1). Restart the dashboard after \
changing an environment variable.
        >>> setup_problem(KeyError("x"), region_variable="AWS_REGION", endpoint_variable="AWS_ENDPOINT_URL") is None
        True
    """
    if isinstance(error, ProfileNotFound):
        profile = error.kwargs.get("profile", "")
        return (f"AWS_PROFILE names the profile {profile!r}, which is in neither the AWS config nor the credentials "
                f"file: create it (`aws configure --profile {profile}`), set AWS_PROFILE to one that exists, or "
                f"unset AWS_PROFILE. {RESTART}")
    if isinstance(error, ConfigParseError):
        return (f"The AWS configuration file {error.kwargs.get('path', '')} cannot be parsed: fix its syntax "
                "(sections such as [default] or [profile name], then lines such as region = eu-central-1), or point "
                f"AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at another file. {RESTART}")
    if isinstance(error, InvalidConfigError):
        return f"The AWS configuration is invalid: {error}. {RESTART}"
    if isinstance(error, InvalidRegionError):
        return (f"{error.kwargs.get('region_name', '')!r} is not an AWS region name: set {region_variable} to one "
                f"such as eu-central-1. {RESTART}")
    if isinstance(error, NoRegionError):
        return f"No AWS region is set: set {region_variable} (a region name such as eu-central-1). {RESTART}"
    if type(error) is ValueError and str(error).startswith(_INVALID_ENDPOINT):
        endpoint = str(error).removeprefix(_INVALID_ENDPOINT).lstrip(": ")
        setting = endpoint_setting(endpoint_variable, os.environ if env is None else env)
        return f"{setting} must be a URL with its scheme, such as http://127.0.0.1:5000, got {endpoint!r}. {RESTART}"
    return None


def endpoint_setting(service_variable: str, env: Mapping[str, str]) -> str:
    """The setting a service's endpoint URL comes from, in botocore's order: the service's own variable
    (``AWS_ENDPOINT_URL_CLOUDWATCH``), the generic ``AWS_ENDPOINT_URL``, else the AWS config file.

    Examples:
        >>> endpoint_setting("AWS_ENDPOINT_URL_CLOUDWATCH", {"AWS_ENDPOINT_URL": "localhost:4566"})
        'AWS_ENDPOINT_URL'
    """
    for name in (service_variable, GENERIC_ENDPOINT_VARIABLE):
        if env.get(name):
            return name
    return "The endpoint_url in the AWS config file"


# The environment variables that decide which credentials a new boto3 client takes.
CREDENTIAL_VARIABLES: Final = (
    "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
)


def credential_fingerprint(env: Mapping[str, str]) -> tuple[object, ...]:
    """What decides the credentials a new client would take: the keys in the environment (as a digest, never
    the keys themselves), the variables of `CREDENTIAL_VARIABLES`, and when the shared credentials and config
    files last changed (`aws configure`, or a tool refreshing session keys there, while the dashboard runs)."""
    keys = [env.get(name, "") for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")]
    keys_set = bool(keys[0]) and bool(keys[1])
    digest = hashlib.sha256("\0".join(keys).encode("utf-8")).hexdigest() if keys_set else None
    files = (env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials", env.get("AWS_CONFIG_FILE") or
             "~/.aws/config")
    return (keys_set, digest, *(env.get(name) for name in CREDENTIAL_VARIABLES), *map(_changed, files))


def _changed(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(os.path.expanduser(path))
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size
