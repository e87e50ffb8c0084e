"""``ClientSSO``: OIDC single sign-on through the server (PROTOCOL.md 2.6, 2.7, 3.5).

Theory of operation. ``ClientSSO`` is an ordinary HTTP client (config, transport, token
cache, run) whose *login* is interactive: start the flow, hand the ``auth_url`` to
``on_auth_url`` once, then poll the state with backoff until a token arrives or
``sso_timeout`` passes. The exchanges are the sans-I/O flows of ``sso_flows``; this module
is their driver: it owns the clock, the pauses and the deadline.

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

import contextvars
import html
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from typing import Any

from graphistry_fp.errors import (
    AuthenticationError,
    ConfigError,
    RateLimitError,
    ServerError,
    SSOTimeoutError,
    TransportError,
)

from .clients import _HttpClient, _org
from .flows import Flow, Grant, Request, run_flow
from .sso_flows import SSOStarted, poll_delays, sso_poll, sso_start

#: Seconds the user has to approve, counted from when ``on_auth_url`` returns.
DEFAULT_SSO_TIMEOUT_S = 120.0
#: A last poll is sent this long before the deadline when the backoff would overshoot it.
FINAL_POLL_MARGIN_S = 0.1
#: A poll request may take this much longer than the time left before the deadline.
POLL_TIMEOUT_SLACK_S = 0.5

#: True while :meth:`ClientSSO.login` runs in this context: the login may be interactive.
_EXPLICIT_LOGIN: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "graphistry_fp_sso_explicit_login", default=False
)


class _LoginRequired(AuthenticationError):
    """The SSO session cannot be renewed without the user (private: catch AuthenticationError)."""


def _in_notebook() -> bool:
    """True inside an IPython kernel (Jupyter, Databricks, ...), where a link can be shown."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None) if ipython is not None else None
    shell = get() if callable(get) else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_auth_url(url: str) -> None:
    """The default ``on_auth_url``: a link in a notebook, else the URL on stderr."""
    if _in_notebook():
        from IPython.display import HTML, display

        link = html.escape(url, quote=True)
        display(
            HTML(
                f'<p>Log in to Graphistry: <a href="{link}" target="_blank" '
                f'rel="noopener">open the single sign-on page</a></p>'
            )
        )
        return
    print(
        f"graphistry_fp: to log in, open this URL in a browser:\n  {url}",
        file=sys.stderr,
        flush=True,
    )


def _timeout_option(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"sso_timeout must be a number of seconds or None, got {value!r}")
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"sso_timeout must be a positive, finite number, got {value!r}")
    return float(value)


def _computed(compute: Callable[[], Grant]) -> Flow[Grant]:
    """A flow with no request of its own: its grant comes from a driver-side step.

    The token cache expects the login as a flow; the SSO login is driven here (it sleeps
    and waits for the user), so it enters the cache as a flow that yields nothing.
    """
    yield from ()
    return compute()


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
        self._clock: Callable[[], float] = time.monotonic

        def login(org_for_login: str | None) -> Flow[Grant]:
            return _computed(lambda: self._login_if_allowed(org_for_login))

        super().__init__(
            server=server, protocol=protocol, org_name=org, options=options, login=login
        )

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

    # -- the driver --------------------------------------------------------------------

    def _login_once(self) -> str:
        stale = self._tokens.peek()
        if stale is None:
            return self._tokens.current().token
        return self._tokens.reauthenticate(stale).token

    def _login_if_allowed(self, org_name: str | None) -> Grant:
        """The login the token cache asked for: interactive only at first need or on request."""
        if self._tokens.peek() is not None and not _EXPLICIT_LOGIN.get():
            raise _LoginRequired(
                "the single sign-on session has expired or was refused and cannot be renewed "
                "without you: log in again with client.login() (or create a new ClientSSO); "
                "nothing was uploaded"
            )
        return self._interactive_login(org_name)

    def _interactive_login(self, org_name: str | None) -> Grant:
        """Start, show the URL, poll until approved or the deadline (the only sleeping here)."""
        if self._closing.is_set():
            raise AuthenticationError("this ClientSSO is closed; create a new one")
        # The IdP belongs to the org the client was created for, not to one switched to later.
        idp = self._idp if org_name == self._requested_org else None
        started = run_flow(sso_start(org_name, idp, self._config.viewer_base), self._transport.send)
        if isinstance(started, Grant):
            return started  # already signed in: the start reply carried the token
        return self._await_approval(started, org_name)

    def _show(self, url: str) -> None:
        if self._open_browser:
            webbrowser.open(url, new=2)
        self._on_auth_url(url)

    def _await_approval(self, started: SSOStarted, org_name: str | None) -> Grant:
        self._show(started.auth_url)
        timeout = self._sso_timeout
        deadline = None if timeout is None else self._clock() + timeout
        delays = poll_delays()
        last_error: Exception | None = None
        while True:
            pause, final = next(delays), False
            if deadline is not None:
                left = deadline - self._clock()
                if left <= pause + FINAL_POLL_MARGIN_S:
                    # The backoff would overshoot: one last poll just before the deadline.
                    pause, final = max(0.0, left - FINAL_POLL_MARGIN_S), True
            self._pause(pause)
            if deadline is not None and self._clock() >= deadline:
                raise self._timed_out(last_error)
            try:
                grant = run_flow(sso_poll(started.state, org_name), self._poll_sender(deadline))
            except (TransportError, ServerError, RateLimitError) as error:
                last_error = error  # transient: keep polling until the deadline
                grant = None
            if grant is not None:
                return grant
            if final and deadline is not None:
                self._pause(max(0.0, deadline - self._clock()))
                raise self._timed_out(last_error)

    def _pause(self, seconds: float) -> None:
        if self._closing.wait(seconds):
            raise AuthenticationError("single sign-on stopped: the client was closed")

    def _poll_sender(self, deadline: float | None) -> Callable[[Request], Any]:
        configured = self._config.timeout
        if deadline is None:
            return self._transport.send
        left = max(0.05, deadline - self._clock()) + POLL_TIMEOUT_SLACK_S
        capped = (min(configured[0], left), min(configured[1], left))
        return lambda request: self._transport.send(request, timeout=capped)

    def _timed_out(self, last_error: Exception | None) -> SSOTimeoutError:
        why = f" (the last poll failed: {last_error})" if last_error is not None else ""
        return SSOTimeoutError(
            f"single sign-on was not approved within {self._sso_timeout:g} s{why}; nothing "
            "was uploaded. Call client.login() (or plot again) for a new sign-in URL, and "
            "approve it in the browser in time (or pass a larger sso_timeout)"
        )

    def _describe(self) -> str:
        idp = f"idp_name={self._idp!r}, " if self._idp is not None else ""
        return idp
