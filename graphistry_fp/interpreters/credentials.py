"""Credentials -> client, in one place: :func:`client_for` and the environment's names.

Theory of operation. Three front doors build a client from loose credentials: the legacy
``register(username=..., ...)``, ``Client.from_env()`` and the ``plot`` command line (which
goes through ``from_env``). All of them pick the client here, in pygraphistry's
``register()`` order (PROTOCOL.md 3.1): username/password (:class:`ClientUserPass`), then
personal key (:class:`ClientAPIKey`), then token (:class:`ClientJWT`), then, for
``register()`` only, single sign-on (:class:`ClientSSO`). :data:`ENV_VARIABLES` is the one
table of ``GRAPHISTRY_*`` names. Building a client does no I/O.

Precedence in :func:`client_from_env`, for every setting separately: the explicit keyword
argument, then the environment variable, then the default. The variables are
pygraphistry's names where it has one; the credential names are this library's, as
pygraphistry reads no credentials from the environment except the token:

==================================== ==============================================
``GRAPHISTRY_USERNAME``              with ``GRAPHISTRY_PASSWORD``: ``ClientUserPass``
``GRAPHISTRY_PERSONAL_KEY_ID``       with ``GRAPHISTRY_PERSONAL_KEY_SECRET``: ``ClientAPIKey``
``GRAPHISTRY_API_TOKEN``             ``ClientJWT`` (pygraphistry's name)
``GRAPHISTRY_ORG_NAME``              ``org_name``
``GRAPHISTRY_HOSTNAME``              ``server`` (pygraphistry's name)
``GRAPHISTRY_PROTOCOL``              ``protocol`` (pygraphistry's name)
``GRAPHISTRY_CLIENT_PROTOCOL_HOSTNAME`` ``client_protocol_hostname`` (pygraphistry's name)
``GRAPHISTRY_CERTIFICATE_VALIDATION`` ``certificate_validation`` (pygraphistry's name)
``GRAPHISTRY_TOKEN_STORE_URL``       ``token_store=RedisTokenStore(url)`` (a fleet's store)
``GRAPHISTRY_TOKEN_STORE_SECRET``    ``token_store_secret``: a token-only client (ClientJWT)
                                     uses the store only with it (the opt-in)
==================================== ==============================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from graphistry_fp.errors import ConfigError

from .base import Client
from .config import DEFAULT_PROTOCOL, DEFAULT_SERVER

#: setting -> its environment variable: the one table of ``GRAPHISTRY_*`` names.
ENV_VARIABLES: Mapping[str, str] = {
    "username": "GRAPHISTRY_USERNAME",
    "password": "GRAPHISTRY_PASSWORD",
    "personal_key_id": "GRAPHISTRY_PERSONAL_KEY_ID",
    "personal_key_secret": "GRAPHISTRY_PERSONAL_KEY_SECRET",
    "token": "GRAPHISTRY_API_TOKEN",
    "org_name": "GRAPHISTRY_ORG_NAME",
    "server": "GRAPHISTRY_HOSTNAME",
    "protocol": "GRAPHISTRY_PROTOCOL",
    "client_protocol_hostname": "GRAPHISTRY_CLIENT_PROTOCOL_HOSTNAME",
    "certificate_validation": "GRAPHISTRY_CERTIFICATE_VALIDATION",
}
#: The settings that are credentials (a login's secrets and the token).
CREDENTIALS = ("username", "password", "personal_key_id", "personal_key_secret", "token")
#: The environment variables holding credentials.
CREDENTIAL_VARIABLES = frozenset(ENV_VARIABLES[name] for name in CREDENTIALS)
_OPTIONS = ("client_protocol_hostname", "certificate_validation")
#: The token store's variables (issue 16), read by :func:`client_from_env` only.
STORE_URL_VARIABLE = "GRAPHISTRY_TOKEN_STORE_URL"
STORE_SECRET_VARIABLE = "GRAPHISTRY_TOKEN_STORE_SECRET"
_PAIRS = (("username", "password"), ("personal_key_id", "personal_key_secret"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse_bool(name: str, value: str) -> bool:
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {value!r}")


def client_for(
    *,
    username: str | None = None,
    password: str | None = None,
    personal_key_id: str | None = None,
    personal_key_secret: str | None = None,
    token: str | None = None,
    org_name: str | None = None,
    idp_name: str | None = None,
    sso: bool = False,
    from_env: bool = False,
    **options: Any,
) -> Client:
    """The client for these credentials, in pygraphistry's ``register()`` order.

    Args:
        username, password, personal_key_id, personal_key_secret, token: the credentials;
            the first complete kind wins.
        org_name: the client's org. idp_name, sso: single sign-on when no other credential
            is given (``register()``'s ``is_sso_login``).
        from_env: the values came from :func:`client_from_env`: empty values count as
            unset, every pair must be complete, SSO is not offered, and messages name the
            environment variables.
        **options: ``server``, ``protocol`` and the client options.

    Raises:
        ConfigError: half a pair, or no credentials.
    """
    given = {"username": username, "password": password, "personal_key_id": personal_key_id,
             "personal_key_secret": personal_key_secret, "token": token}  # fmt: skip
    present = {key: bool(value) if from_env else value is not None for key, value in given.items()}
    if from_env:  # every pair complete, whichever kind wins
        for first, second in _PAIRS:
            if present[first] != present[second]:
                have, missing = (first, second) if present[first] else (second, first)
                raise ConfigError(
                    f"{have} is set but {missing} is not: set {ENV_VARIABLES[missing]} "
                    f"(or pass {missing}=...)"
                )
    from .clients import ClientAPIKey, ClientJWT, ClientUserPass

    for first, second in _PAIRS:
        if not (present[first] or present[second]):
            continue
        one, two = given[first], given[second]
        if one is None or two is None:
            raise ConfigError(f"register() needs both {first}= and {second}=")
        if first == "username":
            return ClientUserPass(one, two, org_name=org_name, **options)
        return ClientAPIKey(one, two, org_name=org_name, **options)
    if present["token"] and token is not None:
        return ClientJWT(token, org_name=org_name, **options)
    if not from_env and (org_name is not None or idp_name is not None or sso):
        from .sso import ClientSSO

        return ClientSSO(org_name=org_name, idp_name=idp_name, **options)
    if from_env:
        raise ConfigError(
            "no credentials in the environment: set GRAPHISTRY_USERNAME and GRAPHISTRY_PASSWORD, "
            "or GRAPHISTRY_PERSONAL_KEY_ID and GRAPHISTRY_PERSONAL_KEY_SECRET, or "
            "GRAPHISTRY_API_TOKEN"
        )
    raise ConfigError(
        "register() needs credentials: username= and password=, personal_key_id= and "
        "personal_key_secret=, token=, or org_name=/is_sso_login=True for single sign-on; "
        "or register(client=...)"
    )


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
    env = os.environ if environ is None else environ
    sharing = _store_from_env(env, overrides)
    values: dict[str, Any] = {}
    for key, variable in ENV_VARIABLES.items():
        if key in _OPTIONS and key in overrides:
            continue  # an explicit option wins over its variable, whatever its value
        value = overrides.pop(key, None)
        if value is None and env.get(variable):
            value = env[variable]
            if key == "certificate_validation":
                value = _parse_bool(variable, value)
        if value is not None or key not in _OPTIONS:
            values[key] = value
    # The environment was consulted above, so the constructor must not read it again.
    values["server"] = values["server"] or DEFAULT_SERVER
    values["protocol"] = values["protocol"] or DEFAULT_PROTOCOL
    if values["username"] or values["personal_key_id"]:
        sharing.pop("token_store_secret", None)  # their entry key comes from their secret
    elif "token_store_secret" not in sharing:
        sharing = {}  # a token-only client shares only when opted in
    return client_for(**values, **overrides, **sharing, from_env=True)


def _store_from_env(env: Mapping[str, str], overrides: dict[str, Any]) -> dict[str, Any]:
    """``token_store`` (and ``token_store_secret``) from the overrides, else the environment."""
    sharing: dict[str, Any] = {}
    store = overrides.pop("token_store", None)
    if store is None and env.get(STORE_URL_VARIABLE):
        from .redis_store import RedisTokenStore

        store = RedisTokenStore(env[STORE_URL_VARIABLE])
    if store is None:
        return sharing
    sharing["token_store"] = store
    secret = overrides.pop("token_store_secret", None) or env.get(STORE_SECRET_VARIABLE)
    if secret:
        sharing["token_store_secret"] = secret
    return sharing
