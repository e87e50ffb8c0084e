"""The legacy notebook flow on top of the global root: ``register(...)``.

``register(client=c)`` makes ``c`` the global root. The legacy credential form builds the
matching client, authenticates at once (bad credentials raise here, as in pygraphistry),
and makes it the global root. It never mutates a client object the user holds, so
plottables rooted explicitly elsewhere are unaffected, and it says so with a
:class:`~graphistry_fp.errors.MixedModeWarning` when such roots exist.
"""

from __future__ import annotations

import warnings
from typing import Any

from .core.roots import explicit_roots_exist
from .errors import ConfigError, MixedModeWarning
from .interpreters.base import Client
from .interpreters.credentials import client_for
from .interpreters.roots import client_root


def register(
    client: Client | None = None,
    *,
    username: str | None = None,
    password: str | None = None,
    personal_key_id: str | None = None,
    personal_key_secret: str | None = None,
    token: str | None = None,
    org_name: str | None = None,
    idp_name: str | None = None,
    is_sso_login: bool = False,
    api: int = 3,
    **options: Any,
) -> Client:
    """Set the global root: ``register(client=c)``, or the legacy credentials form.

    Args:
        client: a ready client; no other argument may be given with it.
        username, password: password login (:class:`ClientUserPass`).
        personal_key_id, personal_key_secret: personal-key login (:class:`ClientAPIKey`).
        token: a JWT obtained elsewhere (:class:`ClientJWT`).
        org_name, idp_name, is_sso_login: single sign-on when no other credential is given.
        api: must be 3, the only protocol version.
        **options: ``server``, ``protocol``, ``client_protocol_hostname``,
            ``certificate_validation``, ``timeout``, ``max_retries``, ...; for single
            sign-on also ``on_auth_url``, ``sso_timeout``, ``open_browser`` (see
            :class:`~graphistry_fp.interpreters.sso.ClientSSO`): ``register()`` then blocks
            until the user approves in the browser.

    Returns:
        The new global root client.

    Raises:
        ConfigError: contradictory or missing arguments.
        AuthenticationError: the server refused the credentials (legacy form only).
    """
    if client is not None:
        given = [name for name, value in (
            ("username", username), ("password", password), ("personal_key_id", personal_key_id),
            ("personal_key_secret", personal_key_secret), ("token", token),
            ("org_name", org_name), ("idp_name", idp_name)) if value is not None]  # fmt: skip
        if given or options or is_sso_login:
            raise ConfigError(
                "register(client=...) takes no other arguments; configure the client itself "
                f"(got {sorted(given + list(options))})"
            )
        return client_root(client)
    if api != 3:
        raise ConfigError(f"only api=3 is supported, not api={api!r}")
    built = client_for(
        username=username,
        password=password,
        personal_key_id=personal_key_id,
        personal_key_secret=personal_key_secret,
        token=token,
        org_name=org_name,
        idp_name=idp_name,
        sso=is_sso_login,
        **options,
    )
    built.token()  # authenticate now: bad credentials fail here, as in pygraphistry
    if explicit_roots_exist():
        warnings.warn(
            MixedModeWarning(
                "register(...) replaced the global root only: plottables rooted explicitly "
                "(g.client(c), g.set_client(c), c.g(), graphistry.client(c)) and using(c) "
                "blocks keep their own clients"
            ),
            stacklevel=2,
        )
    return client_root(built)
