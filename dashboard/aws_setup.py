"""AWS configuration mistakes botocore finds only when a session or client is built, in words that say what to set.

botocore raises these while building a session or a client, before any request: a profile that is not in the
AWS config files, a region that is not a region's name, no region at all, an endpoint URL without its scheme.
Each is the user's configuration, not a failure of the service, so pages show what to set instead of a traceback.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Final

from botocore.exceptions import InvalidRegionError, NoRegionError, ProfileNotFound

_INVALID_ENDPOINT = "Invalid endpoint"


def setup_problem(error: Exception, *, region_variable: str, endpoint_variable: str) -> str | None:
    """What to set to fix `error`, when it is an AWS configuration mistake; None for any other error.

    Args:
        error: what building a boto3 session or client raised.
        region_variable: the setting that names the region, for "set ..." (e.g. ``AWS_REGION``).
        endpoint_variable: the setting that names the service's endpoint (e.g. ``AWS_ENDPOINT_URL_CLOUDWATCH``).

    Examples:
        >>> setup_problem(NoRegionError(), region_variable="AWS_REGION", endpoint_variable="AWS_ENDPOINT_URL")
        'No AWS region is set: set AWS_REGION (a region name such as eu-central-1).'
        >>> setup_problem(KeyError("x"), region_variable="AWS_REGION", endpoint_variable="AWS_ENDPOINT_URL") is None
        True
    """
    if isinstance(error, ProfileNotFound):
        profile = error.kwargs.get("profile", "")
        return (f"AWS_PROFILE names the profile {profile!r}, which is in neither the AWS config nor the credentials "
                f"file: create it (`aws configure --profile {profile}`), set AWS_PROFILE to one that exists, or "
                "unset AWS_PROFILE.")
    if isinstance(error, InvalidRegionError):
        return (f"{error.kwargs.get('region_name', '')!r} is not an AWS region name: set {region_variable} to one "
                "such as eu-central-1.")
    if isinstance(error, NoRegionError):
        return f"No AWS region is set: set {region_variable} (a region name such as eu-central-1)."
    if type(error) is ValueError and str(error).startswith(_INVALID_ENDPOINT):
        endpoint = str(error).removeprefix(_INVALID_ENDPOINT).lstrip(": ")
        return (f"{endpoint_variable} must be a URL with its scheme, such as http://127.0.0.1:5000, got "
                f"{endpoint!r}.")
    return None


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
