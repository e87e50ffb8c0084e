"""The legacy notebook session on top of the global root: ``register(...)``, ``privacy(...)``,
``login``/``refresh`` and the accessors ``api_token()``, ``server()``, ``protocol()``,
``org_name()``, ``client_protocol_hostname()``; and the module ``hypergraph(...)``.

``register(client=c)`` makes ``c`` the global root. The legacy credential form builds the
matching client, authenticates at once (bad credentials raise here, as in pygraphistry),
and makes it the global root. It never mutates a client object the user holds, so
plottables rooted explicitly elsewhere are unaffected, and it says so with a
:class:`~graphistry_fp.errors.MixedModeWarning` when such roots exist. ``register()`` given
only connection settings (``api=3, server=..., protocol=...``) changes nothing but those
settings, which later legacy ``register(...)``/``login(...)`` calls use (as in pygraphistry,
where they are process-wide). The session's defaults live with the global root
(``interpreters/roots.py``).
"""

from __future__ import annotations

import warnings
from typing import Any

from .core.roots import explicit_roots_exist
from .errors import ConfigError, MixedModeWarning
from .interpreters.base import Client
from .interpreters.config import OPTION_NAMES, Config, make_config
from .interpreters.credentials import client_for
from .interpreters.roots import client_root, session_defaults, set_session_defaults

#: what ``register()`` accepts without credentials: connection settings, carried over.
_SETTINGS = ("server", "protocol", *OPTION_NAMES)


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
    credentials: dict[str, Any] = {
        "username": username, "password": password, "personal_key_id": personal_key_id,
        "personal_key_secret": personal_key_secret, "token": token, "org_name": org_name,
        "idp_name": idp_name,
    }  # fmt: skip
    given = [name for name, value in credentials.items() if value is not None]
    if client is not None:
        if given or options or is_sso_login:
            raise ConfigError(
                "register(client=...) takes no other arguments; configure the client itself "
                f"(got {sorted(given + list(options))})"
            )
        return client_root(client)
    if api != 3:
        raise ConfigError(f"only api=3 is supported, not api={api!r}")
    if not given and not is_sso_login:
        return _carry_settings(options)
    _, carried = session_defaults()
    built = client_for(**credentials, sso=is_sso_login, **{**carried, **options})
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


def _carry_settings(options: dict[str, Any]) -> Client:
    """``register(api=3, server=..., ...)`` with no credentials: validate and keep the
    settings for later legacy ``register``/``login`` calls; the global root is unchanged."""
    unknown = sorted(set(options) - set(_SETTINGS))
    if unknown:
        raise ConfigError(
            f"register() without credentials takes only connection settings "
            f"({', '.join(_SETTINGS)}), not {unknown}; add username=/password=, "
            "personal_key_id=/personal_key_secret= or token= to log in"
        )
    _settings_config(options)  # invalid settings fail here, not at a later login
    set_session_defaults(settings=options)
    return client_root()


def privacy(
    mode: str | None = None,
    notify: bool | None = None,
    invited_users: list[Any] | None = None,
    mode_action: str | None = None,
    message: str | None = None,
) -> None:
    """Set the default sharing of the legacy session (pygraphistry's global ``privacy()``).

    It applies to every later ``plot()``/``upload()`` that resolves to the global root and
    sets no privacy of its own: a plottable's own ``.privacy(...)`` wins (whole, not field by
    field). Plottables with an explicit client root (``g.client(c)``, ``c.g()``,
    ``set_client``, ``graphistry.client(c)``), ``using(c)`` blocks and ``client.run(plan)``
    are unaffected: their owners decide their sharing. ``g.plan()`` never includes it.

    Raises:
        PlanError: an unknown mode or mode_action (as ``Plottable.privacy``).
    """
    from .core.settings import make_privacy

    share = make_privacy(mode, notify, invited_users, message, mode_action)
    set_session_defaults(privacy=share)


def _configured() -> Client | None:
    from .interpreters.unconfigured import ClientUnconfigured

    root = client_root()
    return None if isinstance(root, ClientUnconfigured) else root


def _connection() -> dict[str, Any]:
    """The global root's connection settings (else the carried ones), for ``login``."""
    _, carried = session_defaults()
    root = _configured()
    config = getattr(root, "config", None)
    if config is None:
        return carried
    return {**carried, "server": config.server, "protocol": config.protocol,
            "client_protocol_hostname": config.client_protocol_hostname,
            "certificate_validation": config.certificate_validation}  # fmt: skip


def login(username: str, password: str, org_name: str | None = None) -> str:
    """Log in with a password on the global root's server (else the carried settings) and
    make that login the global root, as ``register(username=..., password=...)``.

    Returns:
        The new JWT (as pygraphistry returns it).

    Raises:
        AuthenticationError: the server refused the credentials.
    """
    client = register(username=username, password=password, org_name=org_name, **_connection())
    return client.token()


def refresh() -> str:
    """Refresh the global root's token now and return it.

    Raises:
        NotConfiguredError: nothing is registered.
    """
    return client_root().refresh()


def api_token() -> str | None:
    """The global root's current token (logging in or refreshing if needed), or ``None``
    when nothing is registered."""
    root = _configured()
    return None if root is None else root.token()


def server(value: str | None = None) -> str:
    """The global root's server (``host[:port]``); before any login, the one a later
    ``register`` will use. ``server(value)`` sets it for later ``register``/``login`` calls
    only: an existing client never changes its server."""
    return _setting("server", value)


def protocol(value: str | None = None) -> str:
    """The global root's protocol (``http``/``https``); ``protocol(value)`` sets it for later
    ``register``/``login`` calls only, as :func:`server`."""
    return _setting("protocol", value)


def _setting(key: str, value: str | None) -> str:
    """:func:`server`/:func:`protocol`: set ``key`` for later logins, or read it from the
    global root, else from the session's settings."""
    if value is not None:
        setting: dict[str, Any] = {key: value}
        register(**setting)
        return value
    root = _configured()
    return str(getattr(_settings_config() if root is None else root, key))


def _settings_config(options: dict[str, Any] | None = None) -> Config:
    """The configuration the session's settings (with ``options`` over them) make."""
    _, carried = session_defaults()
    merged = {**carried, **(options or {})}
    return make_config(merged.get("server"), merged.get("protocol"),
                       {k: v for k, v in merged.items() if k not in ("server", "protocol")})  # fmt: skip


def org_name(value: str | None = None) -> str | None:
    """The global root's org, or ``None``; ``org_name(value)`` switches the global root's
    client to that org (``client_root().switch_org(value)``)."""
    if value is not None:
        client_root().switch_org(value.strip())
        return value.strip()
    root = _configured()
    return None if root is None else root.org_name


def client_protocol_hostname(value: str | None = None) -> str:
    """The browser-facing base of viewer URLs: the configured ``client_protocol_hostname``,
    else ``//<server>`` (pygraphistry's protocol-relative default). ``client_protocol_hostname
    (value)`` sets it for later ``register``/``login`` calls only."""
    if value is not None:
        register(client_protocol_hostname=value)
        return value
    settings = _connection()
    configured = settings.get("client_protocol_hostname")
    return str(configured) if configured else "//" + server()


def hypergraph(
    raw_events: Any,
    entity_types: list[str] | None = None,
    opts: dict[str, Any] | None = None,
    drop_na: bool = True,
    drop_edge_attrs: bool = False,
    verbose: bool = True,
    direct: bool = False,
    engine: str = "auto",
    npartitions: int | None = None,
    chunksize: int | None = None,
) -> dict[str, Any]:
    """The hypergraph of an event table: ``{"entities", "events", "edges", "nodes",
    "graph"}``, tables equal to pygraphistry 0.61.2's pandas engine. ``graph`` is a module
    chain: it resolves to the ``using(c)`` client or the global root when plotted.

    Raises:
        PlanError: an unknown option, engine or column, or a table that is not one.
    """
    from .core import Plottable

    out, summary = Plottable()._hypergraph(
        raw_events, entity_types, opts, drop_na, drop_edge_attrs, verbose, direct, engine,
        npartitions, chunksize,
    )  # fmt: skip
    for line in summary:
        print(line)  # pygraphistry prints these sizes when verbose
    return out
