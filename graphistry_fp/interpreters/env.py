"""``Client.from_env()``: build a client from ``GRAPHISTRY_*`` environment variables.

Precedence, for every setting separately: the explicit keyword argument, then the
environment variable, then the default. The variables (pygraphistry's names where it has
one; the credential names are this library's, as pygraphistry reads no credentials from
the environment except the token):

==================================== ==============================================
``GRAPHISTRY_USERNAME``              with ``GRAPHISTRY_PASSWORD``: ``ClientUserPass``
``GRAPHISTRY_PERSONAL_KEY_ID``       with ``GRAPHISTRY_PERSONAL_KEY_SECRET``: ``ClientAPIKey``
``GRAPHISTRY_API_TOKEN``             ``ClientJWT`` (pygraphistry's name)
``GRAPHISTRY_ORG_NAME``              ``org_name``
``GRAPHISTRY_HOSTNAME``              ``server`` (pygraphistry's name)
``GRAPHISTRY_PROTOCOL``              ``protocol`` (pygraphistry's name)
``GRAPHISTRY_CLIENT_PROTOCOL_HOSTNAME`` ``client_protocol_hostname`` (pygraphistry's name)
``GRAPHISTRY_CERTIFICATE_VALIDATION`` ``certificate_validation`` (pygraphistry's name)
==================================== ==============================================

When several credential kinds are present, the first complete one wins, in pygraphistry's
``register()`` order: username/password, then personal key, then token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from graphistry_fp.errors import ConfigError

from .base import Client
from .config import DEFAULT_PROTOCOL, DEFAULT_SERVER

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

_CREDENTIALS = {
    "username": "GRAPHISTRY_USERNAME",
    "password": "GRAPHISTRY_PASSWORD",
    "personal_key_id": "GRAPHISTRY_PERSONAL_KEY_ID",
    "personal_key_secret": "GRAPHISTRY_PERSONAL_KEY_SECRET",
    "token": "GRAPHISTRY_API_TOKEN",
    "org_name": "GRAPHISTRY_ORG_NAME",
    "server": "GRAPHISTRY_HOSTNAME",
    "protocol": "GRAPHISTRY_PROTOCOL",
}


def _parse_bool(name: str, value: str) -> bool:
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {value!r}")


def client_from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Client:
    """Build a ``ClientUserPass``, ``ClientAPIKey`` or ``ClientJWT`` from the environment.

    Args:
        environ: the variables to read (default ``os.environ``, read now).
        **overrides: explicit values that win over the environment: ``username``,
            ``password``, ``personal_key_id``, ``personal_key_secret``, ``token``,
            ``org_name``, ``server``, ``protocol`` and the client options.

    Raises:
        ConfigError: no complete credentials, half a pair, or an invalid value.
    """
    from .clients import ClientAPIKey, ClientJWT, ClientUserPass

    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for key, variable in _CREDENTIALS.items():
        value = overrides.pop(key, None)
        if value is None and env.get(variable):
            value = env[variable]
        values[key] = value
    options = dict(overrides)
    if "client_protocol_hostname" not in options and env.get("GRAPHISTRY_CLIENT_PROTOCOL_HOSTNAME"):
        options["client_protocol_hostname"] = env["GRAPHISTRY_CLIENT_PROTOCOL_HOSTNAME"]
    if "certificate_validation" not in options and env.get("GRAPHISTRY_CERTIFICATE_VALIDATION"):
        options["certificate_validation"] = _parse_bool(
            "GRAPHISTRY_CERTIFICATE_VALIDATION", env["GRAPHISTRY_CERTIFICATE_VALIDATION"]
        )
    where = {
        # The environment was consulted above, so the constructor must not read it again.
        "server": values["server"] or DEFAULT_SERVER,
        "protocol": values["protocol"] or DEFAULT_PROTOCOL,
        "org_name": values["org_name"],
    }
    for first, second in (("username", "password"), ("personal_key_id", "personal_key_secret")):
        if bool(values[first]) != bool(values[second]):
            have, missing = (first, second) if values[first] else (second, first)
            raise ConfigError(
                f"{have} is set but {missing} is not: set {_CREDENTIALS[missing]} "
                f"(or pass {missing}=...)"
            )
    if values["username"]:
        return ClientUserPass(values["username"], values["password"], **where, **options)
    if values["personal_key_id"]:
        return ClientAPIKey(
            values["personal_key_id"], values["personal_key_secret"], **where, **options
        )
    if values["token"]:
        return ClientJWT(values["token"], **where, **options)
    raise ConfigError(
        "no credentials in the environment: set GRAPHISTRY_USERNAME and GRAPHISTRY_PASSWORD, "
        "or GRAPHISTRY_PERSONAL_KEY_ID and GRAPHISTRY_PERSONAL_KEY_SECRET, or "
        "GRAPHISTRY_API_TOKEN"
    )
