"""``ClientSSO``: OIDC single sign-on through the server (PROTOCOL.md 2.6, 2.7, 3.5).

Theory of operation. ``ClientSSO`` is an ordinary HTTP client (config, transport, token
cache, run) whose *login* is interactive: start the flow, hand the ``auth_url`` to
``on_auth_url`` once, then poll the state with backoff until a token arrives or
``sso_timeout`` passes. The whole login is one sans-I/O flow (``sso_flows.sso_login``), run
by the client's flow runner like every login; this module answers the flow's steps that are
not requests: the pauses (interrupted by :meth:`ClientSSO.close`) and the URL prompt.

The token cache calls that login at most once at a time (single flight), and only when it
is allowed to be interactive:

* at first need (the first ``token()``, ``run()``, ``refresh()`` or ``switch_org()``), and
  again at the next need if that first login failed (timed out, refused);
* whenever the user calls :meth:`ClientSSO.login`.

Once a session exists it is refreshed like every client's (ahead of expiry, through the
refresh endpoint). When it cannot be (the token expired, the server refused the refresh,
a 401), the client raises :class:`~graphistry_fp.errors.AuthenticationError` telling the
user to log in again: it never opens an interactive flow in the middle of a service's run.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from typing import Any

from graphistry_fp.errors import AuthenticationError, ConfigError

from .clients import _HttpClient, _org
from .grants import Grant
from .notebook import open_in_browser, show_auth_url
from .sso_flows import sso_login
from .tokenstore import TokenStore, check_opt_in
from .wire import Flow

__all__ = ["DEFAULT_SSO_TIMEOUT_S", "ClientSSO", "show_auth_url"]

#: Seconds the user has to approve, counted from when ``on_auth_url`` returns.
DEFAULT_SSO_TIMEOUT_S = 120.0

#: True while :meth:`ClientSSO.login` runs in this context: the login may be interactive.
_EXPLICIT_LOGIN: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "graphistry_fp_sso_explicit_login", default=False
)


class _LoginRequired(AuthenticationError):
    """The SSO session cannot be renewed without the user (private: catch AuthenticationError)."""


def _timeout_option(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"sso_timeout must be a number of seconds or None, got {value!r}")
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"sso_timeout must be a positive, finite number, got {value!r}")
    return float(value)


class ClientSSO(_HttpClient):
    """A client that logs in through the server's OIDC single sign-on.

    It logs in at first need (``token()``, ``run()``): it starts the flow, calls
    ``on_auth_url(url)`` once, synchronously, then polls with backoff (0.25 s growing to
    2 s) until the user has approved or ``sso_timeout`` seconds have passed since
    ``on_auth_url`` returned. The token is then refreshed ahead of expiry like any
    client's; when the session can no longer be renewed, calls raise
    ``AuthenticationError`` asking to log in again (:meth:`login`), never a new interactive
    flow in the middle of a run.

    Args:
        org_name: the org to sign in to (the org start path); the token must be for this org
            (else ``AuthenticationError``, before any upload). None: site-wide sign-in,
            adopting the org the server grants.
        idp_name: the org's identity provider (the org + IdP start path); needs ``org_name``.
        server, protocol: as :class:`~graphistry_fp.interpreters.clients.ClientUserPass`.
        on_auth_url: called with the auth URL, once per login, before polling. Default: a
            link in a notebook, else the URL printed to stderr.
        sso_timeout: seconds to wait for the approval (default 120); None waits until the
            server says the login request expired.
        open_browser: also open the URL in the default web browser (``webbrowser``).
        sso_opt_into_type: pygraphistry's option, accepted for ``register()``:
            ``"browser"`` means ``open_browser=True``; ``"display"`` the default display.
        token_store, token_store_secret: opt in to sharing the session through a store,
            both or neither: every process holding ``token_store_secret`` (a secret you give
            the fleet) and the same (server, idp, org) uses the token one human's sign-in
            obtained, and its refreshes, instead of signing in itself; a process that finds
            no live token signs in as usual. Give the store a ``lease_s`` above
            ``sso_timeout``, or other processes start their own sign-in while one waits.
        **options: ``client_protocol_hostname``, ``certificate_validation``, ``timeout``,
            ``max_retries``.

    Raises:
        ConfigError: ``idp_name`` without ``org_name``, a bad ``sso_timeout``, a non-callable
            ``on_auth_url``, or an invalid option.

    Example:
        >>> c = ClientSSO(org_name="acme", server="hub.example.com")  # doctest: +SKIP
        >>> c.g().edges(df, "s", "d").plot()  # prints the URL, waits for approval  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        org_name: str | None = None,
        idp_name: str | None = None,
        server: str | None = None,
        protocol: str | None = None,
        on_auth_url: Callable[[str], object] | None = None,
        sso_timeout: float | None = DEFAULT_SSO_TIMEOUT_S,
        open_browser: bool = False,
        sso_opt_into_type: str | None = None,
        token_store: TokenStore | None = None,
        token_store_secret: str | None = None,
        **options: Any,
    ) -> None:
        org = _org(org_name)
        if idp_name is not None and (not isinstance(idp_name, str) or not idp_name.strip()):
            raise ConfigError(f"idp_name must be a non-empty string or None, got {idp_name!r}")
        idp = idp_name.strip() if idp_name is not None else None
        if idp is not None and org is None:
            raise ConfigError(
                "idp_name needs org_name: an identity provider belongs to an org "
                "(ClientSSO(org_name=..., idp_name=...))"
            )
        if on_auth_url is not None and not callable(on_auth_url):
            raise ConfigError("on_auth_url must be a function taking the auth URL")
        if sso_opt_into_type not in (None, "display", "browser"):
            raise ConfigError(
                f"sso_opt_into_type must be 'display', 'browser' or None, got {sso_opt_into_type!r}"
            )
        if not isinstance(open_browser, bool):
            raise ConfigError(f"open_browser must be True or False, got {open_browser!r}")
        self._requested_org = org
        self._idp = idp
        self._sso_timeout = _timeout_option(sso_timeout)
        self._on_auth_url: Callable[[str], object] = on_auth_url or show_auth_url
        self._open_browser = open_browser or sso_opt_into_type == "browser"
        self._closing = threading.Event()
        opted = check_opt_in(token_store, token_store_secret, "ClientSSO")
        super().__init__(
            server=server, protocol=protocol, org_name=org, options=options, login=self._login,
            share=None if opted is None else (opted[0], f"sso:{idp or ''}", opted[1]),
        )  # fmt: skip

    # -- public ------------------------------------------------------------------------

    @property
    def idp_name(self) -> str | None:
        """The identity provider this client signs in through, or None."""
        return self._idp

    @property
    def sso_timeout(self) -> float | None:
        """Seconds a login waits for the user's approval (None: until the server gives up)."""
        return self._sso_timeout

    def login(self) -> str:
        """(Re)start the interactive flow now and return the new token.

        Use it when a call raised ``AuthenticationError`` because the session expired, or
        to sign in before a service starts serving. Threads calling it at the same moment
        share one flow.

        Raises:
            SSOTimeoutError: no approval within ``sso_timeout``.
            AuthenticationError: the server refused the flow, or granted another org.
        """
        marker = _EXPLICIT_LOGIN.set(True)
        try:
            try:
                return self._login_once()
            except _LoginRequired:
                # We waited on a flight that failed for want of a login (a run whose session
                # had expired): now run the login that was asked for.
                return self._login_once()
        finally:
            _EXPLICIT_LOGIN.reset(marker)

    async def alogin(self) -> str:
        """:meth:`login` without blocking the loop: the same flow, awaited.

        ``on_auth_url`` is still called synchronously (on the loop), once, before polling.
        """
        marker = _EXPLICIT_LOGIN.set(True)
        try:
            try:
                return await self._alogin_once()
            except _LoginRequired:
                return await self._alogin_once()
        finally:
            _EXPLICIT_LOGIN.reset(marker)

    def token(self) -> str:
        """A valid JWT: signs in interactively at first need, refreshes ahead of expiry.

        Raises:
            SSOTimeoutError: first need, and no approval within ``sso_timeout``.
            AuthenticationError: the session expired or was refused (call :meth:`login`),
                or the server refused the flow or granted another org.
        """
        return super().token()

    def refresh(self) -> str:
        """Refresh the token now through the refresh endpoint and return it.

        Raises:
            AuthenticationError: the server refused the refresh or the token has expired:
                call :meth:`login` (no interactive flow starts here once a session exists).
        """
        return super().refresh()

    def close(self) -> None:
        """Stop a login waiting for approval (it raises), then close the pool."""
        self._closing.set()
        super().close()

    # -- the login flow, and the steps it asks of the runner ----------------------------

    def _login_once(self) -> str:
        stale = self._tokens.peek()
        if stale is None:
            return self._tokens.current().token
        return self._tokens.reauthenticate(stale).token

    async def _alogin_once(self) -> str:
        stale = self._tokens.peek()
        if stale is None:
            return (await self._tokens.acurrent()).token
        return (await self._tokens.areauthenticate(stale)).token

    def _login(self, org_name: str | None) -> Flow[Grant]:
        """The login the token cache asked for: interactive only at first need or on request."""
        if self._tokens.peek() is not None and not _EXPLICIT_LOGIN.get():
            raise _LoginRequired(
                "the single sign-on session has expired or was refused and cannot be renewed "
                "without you: log in again with client.login() (or create a new ClientSSO); "
                "nothing was uploaded"
            )
        if self._closing.is_set():
            raise AuthenticationError("this ClientSSO is closed; create a new one")
        # The IdP belongs to the org the client was created for, not to one switched to later.
        idp = self._idp if org_name == self._requested_org else None
        return (
            yield from sso_login(org_name, idp, self._config.viewer_base, self._sso_timeout)
        )

    def _prompt(self, url: str) -> None:
        if self._open_browser:
            open_in_browser(url)
        self._on_auth_url(url)

    def _sleep(self, seconds: float) -> None:
        if self._closing.wait(seconds):
            raise AuthenticationError("single sign-on stopped: the client was closed")

    async def _asleep(self, seconds: float) -> None:
        """The async poll pause, cut short (raising) when the client is closed."""
        deadline = time.monotonic() + seconds
        while True:
            if self._closing.is_set():
                raise AuthenticationError("single sign-on stopped: the client was closed")
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, 0.05))

    def _describe(self) -> str:
        idp = f"idp_name={self._idp!r}, " if self._idp is not None else ""
        return idp
