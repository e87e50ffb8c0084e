"""The HTTP interpreters: ``ClientUserPass``, ``ClientAPIKey`` and ``ClientJWT``.

A client is an *interpreter*: it performs a plan's effects over HTTP. Each client owns a validated :class:`~graphistry_fp.interpreters.config.Config`, one
:class:`~graphistry_fp.interpreters.transport.Transport` (one ``requests.Session``), one
:class:`~graphistry_fp.interpreters.tokens.TokenCache` and a small executor for concurrent
uploads: the only mutable state, all thread-safe. Constructing a client does no I/O; the
first ``token()`` or ``run()`` logs in.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from graphistry_fp.effects import PlotPlan, PlotResult
from graphistry_fp.errors import ConfigError, GraphistryError

from .async_client import AsyncMethods
from .async_transport import AsyncTransport
from .auth_flows import LoginFlow, password_login, personal_key_login
from .base import Client
from .config import Config, make_config
from .grants import Grant
from .http import annotate, run_plan
from .progress import ProgressOptions, progress_options
from .replies import scrub_error
from .tokens import TokenCache
from .tokenstore import TokenStore, check_opt_in, check_store
from .transport import Transport, warn_insecure_once
from .wire import Flow, run_flow

#: Worker threads per client for the concurrent uploads of one stage (edges + nodes).
UPLOAD_WORKERS = 16


def _required(
    value: object, what: str, *, blank_ok: bool = False, header: bool = False
) -> str:
    """``value`` if it is a non-empty string (and not only spaces, unless ``blank_ok``).

    ``header``: the value travels in an HTTP header, so no control character (CR/LF) may
    be in it (the value is never echoed: it is a secret).
    """
    if not isinstance(value, str) or not value or (not blank_ok and not value.strip()):
        raise ConfigError(f"{what} must be a non-empty string")
    if header and any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ConfigError(
            f"{what} contains a control character (a line break?); it is sent in an HTTP "
            "header, which cannot carry one"
        )
    return value


def _org(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"org_name must be a non-empty string or None, got {value!r}")
    return value.strip()


class _HttpClient(AsyncMethods, Client):
    """What the HTTP interpreters share: config, transport, token cache, flow runner, run."""

    def __init__(
        self,
        *,
        server: str | None,
        protocol: str | None,
        org_name: str | None,
        options: dict[str, Any],
        login: LoginFlow | None,
        token: str | None = None,
        secrets: tuple[str, ...] = (),
        share: tuple[TokenStore, str, str] | None = None,
    ) -> None:
        options = dict(options)
        self._progress: ProgressOptions = progress_options(
            options.pop("on_progress", None), options.pop("progress", True)
        )
        # Every credential this client holds, scrubbed from every error it raises.
        self._credentials = (
            secrets + ((token,) if token is not None else ()) + ((share[2],) if share else ())
        )
        self._config: Config = make_config(server, protocol, options)
        if not self._config.certificate_validation:
            warn_insecure_once()
        self._transport = Transport(self._config)
        self._atransport = AsyncTransport(self._config)
        cache: dict[str, Any] = {"login": login, "org_name": _org(org_name), "token": token,
                                 "run_flow": self._run_flow, "run_flow_str": self._run_flow,
                                 "arun_flow": self._arun_flow}  # fmt: skip
        if share is None:
            self._tokens = TokenCache(**cache)
        else:
            # Imported here: only clients given a store need ``cryptography`` (the extra).
            from .shared_cache import shared_cache

            store, principal, secret = share
            self._tokens = shared_cache(
                store, server=self._config.server, principal=principal, secret=secret, **cache
            )
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._closed = False

    def _run_flow(self, flow: Flow[Any]) -> Any:
        """Run an auth flow over this client's transport (the one flow runner, sync)."""
        try:
            return run_flow(
                flow, self._transport.send, sleep=self._sleep, clock=time.monotonic,
                prompt=self._prompt,
            )
        except GraphistryError as error:
            annotate(error, self.server, self._tokens.org_name, None)
            raise self._scrubbed(error) from None

    def _scrubbed(self, error: GraphistryError) -> GraphistryError:
        """``error`` without any credential this client holds (the one place: issue 17).

        Every error a client raises passes here: those of its flows (logins, refreshes,
        switches, single sign-on) through :meth:`_run_flow`, those of runs through
        :meth:`run`. A server may echo a password or key in its messages.
        """
        state = self._tokens.peek()
        held = self._credentials + ((state.token,) if state is not None else ())
        return scrub_error(error, held)

    def _sleep(self, seconds: float) -> None:
        """Perform a flow's ``Sleep`` step (only interactive logins ask for one)."""
        time.sleep(seconds)

    def _prompt(self, url: str) -> None:
        """Perform a flow's ``Prompt`` step: no client but ClientSSO asks the user anything."""
        raise RuntimeError(f"{type(self).__name__} cannot ask the user to open a URL")

    def _executor_factory(self) -> Executor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=UPLOAD_WORKERS, thread_name_prefix="graphistry_fp-upload"
                )
            return self._executor

    @property
    def server(self) -> str:
        """The ``host[:port]`` this client uploads to."""
        return self._config.server

    @property
    def protocol(self) -> str:
        """``http`` or ``https``."""
        return self._config.protocol

    @property
    def org_name(self) -> str | None:
        """The org of later runs: as configured, adopted from the login reply, or switched."""
        return self._tokens.org_name

    @property
    def config(self) -> Config:
        """The validated connection settings (no credentials)."""
        return self._config

    def token(self) -> str:
        """A valid JWT: logs in at first call, refreshes ahead of expiry.

        Raises:
            AuthenticationError: refused credentials, or an expired ClientJWT token.
            TransportError: the server cannot be reached.
        """
        return self._tokens.current().token

    def refresh(self) -> str:
        """Refresh the token now (log in afresh if the server refuses) and return it."""
        return self._tokens.refresh().token

    def switch_org(self, org_name: str) -> None:
        """Make ``org_name`` this client's org: posts the org switch now.

        Runs that start after this call create datasets under ``org_name``; runs already
        going keep the org they started with.

        Raises:
            PermissionDeniedError: the user is not a member of ``org_name``.
        """
        self._tokens.switch(_required(org_name, "org_name").strip())

    def run(self, plan: PlotPlan) -> PlotResult:
        """Perform ``plan``: create the dataset, upload the tables, share; return the result.

        Uses one (server, org, token) snapshot taken when the run starts.
        """
        try:
            return run_plan(
                plan,
                config=self._config,
                transport=self._transport,
                tokens=self._tokens,
                executor=self._executor_factory,
                progress=self._progress,
            )
        except GraphistryError as error:
            raise self._scrubbed(error) from None

    def close(self) -> None:
        """Close the connection pool and the upload workers."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
        self._transport.close()
        self._atransport.forget()

    def _describe(self) -> str:
        return ""

    def __repr__(self) -> str:
        org = f", org_name={self.org_name!r}" if self.org_name else ""
        return (
            f"{type(self).__name__}({self._describe()}server={self.server!r}, "
            f"protocol={self.protocol!r}{org})"
        )

    __str__ = __repr__


class ClientUserPass(_HttpClient):
    """A client that logs in with a username and password (``POST /api-token-auth/``).

    Args:
        username: the Graphistry user.
        password: the password (kept in memory for re-login; never shown or logged).
        server: ``host[:port]``, no scheme. Default: ``GRAPHISTRY_HOSTNAME``, else
            ``hub.graphistry.com`` (read at construction).
        protocol: ``https`` or ``http``. Default: ``GRAPHISTRY_PROTOCOL``, else ``https``.
        org_name: the org to log in to and create datasets under; None adopts the org the
            login reply names.
        token_store: a :class:`~graphistry_fp.TokenStore` (``RedisTokenStore``) shared by
            the processes of a fleet: every client holding the same credentials for the
            same (server, user, org) logs in once for all of them (README, "Running a
            fleet"). None (default): the client keeps its token to itself.
        **options: ``client_protocol_hostname``, ``certificate_validation=True``,
            ``timeout=(10, 120)`` (a number or a (connect, read) pair), ``max_retries=2``,
            ``max_reply_bytes=4 MiB`` (a bigger reply is a ProtocolError),
            ``request_deadline=300`` (seconds per request in all, retries included, plus
            one second per 100 KB of upload body; past it, TransportError).
            ``on_progress=None`` (a callable receiving each upload's
            :class:`~graphistry_fp.interpreters.progress.ProgressEvent`, from the
            uploading thread), ``progress=True`` (a tqdm bar for uploads over 16 MiB on a
            terminal or in a notebook; ``False`` turns it off).

    Raises:
        ConfigError: invalid options (a scheme in ``server``, a negative timeout, an
            unknown option name, a ``token_store`` that is not a store).

    Example:
        >>> c = ClientUserPass("alice", "pw", server="127.0.0.1:8080", protocol="http")
        >>> c  # doctest: +SKIP
        ClientUserPass(username='alice', server='127.0.0.1:8080', protocol='http')
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        server: str | None = None,
        protocol: str | None = None,
        org_name: str | None = None,
        token_store: TokenStore | None = None,
        **options: Any,
    ) -> None:
        self._username = _required(username, "username")
        secret = _required(password, "password", blank_ok=True)
        store = check_store(token_store)

        def login(org: str | None) -> Flow[Grant]:
            return password_login(self._username, secret, org)

        super().__init__(
            server=server, protocol=protocol, org_name=org_name, options=options, login=login,
            secrets=(secret,),
            share=None if store is None else (store, f"user:{self._username}", secret),
        )  # fmt: skip

    @property
    def username(self) -> str:
        """The user this client logs in as."""
        return self._username

    def _describe(self) -> str:
        return f"username={self._username!r}, "


class ClientAPIKey(_HttpClient):
    """A client that logs in with a personal key (``GET /api/v2/auth/pkey/jwt/``).

    Args:
        personal_key_id: the key's id.
        personal_key_secret: the key's secret (never shown or logged).
        server, protocol, org_name, token_store, **options: as :class:`ClientUserPass`
            (the store's entries are keyed by the key id and encrypted with the secret).

    Raises:
        ConfigError: invalid options.
    """

    def __init__(
        self,
        personal_key_id: str,
        personal_key_secret: str,
        *,
        server: str | None = None,
        protocol: str | None = None,
        org_name: str | None = None,
        token_store: TokenStore | None = None,
        **options: Any,
    ) -> None:
        key_id = _required(personal_key_id, "personal_key_id", header=True)
        secret = _required(
            personal_key_secret, "personal_key_secret", blank_ok=True, header=True
        )
        store = check_store(token_store)

        def login(org: str | None) -> Flow[Grant]:
            return personal_key_login(key_id, secret, org)

        super().__init__(
            server=server, protocol=protocol, org_name=org_name, options=options, login=login,
            secrets=(secret, key_id, f"{key_id}:{secret}"),
            share=None if store is None else (store, f"key:{key_id}", secret),
        )  # fmt: skip


class ClientJWT(_HttpClient):
    """A client for a token obtained elsewhere; refreshed through the refresh endpoint.

    It holds no credentials: once the token has expired (or is refused after a refresh)
    every call raises ``AuthenticationError``. With ``org_name``, the org switch is posted
    once, at first need; without it, the client adopts the token's ``org`` claim when the
    token carries one (no request), else sends no ``org_name`` (the server's default org).

    Args:
        token: the JWT (never shown or logged).
        token_store, token_store_secret: opt in to sharing through a store, both or
            neither. Processes holding the same ``token_store_secret`` (a secret you give
            every process of the fleet; the entry key is derived from it) and a token of
            the same user share its refreshes: one refresh per token lifetime for the
            fleet, and a process whose own token has expired adopts the fleet's live one.
        server, protocol, org_name, **options: as :class:`ClientUserPass`.

    Raises:
        ConfigError: invalid options; ``token_store`` without ``token_store_secret``.
    """

    def __init__(
        self,
        token: str,
        *,
        server: str | None = None,
        protocol: str | None = None,
        org_name: str | None = None,
        token_store: TokenStore | None = None,
        token_store_secret: str | None = None,
        **options: Any,
    ) -> None:
        given = _required(token, "token", header=True).strip()
        opted = check_opt_in(token_store, token_store_secret, "ClientJWT")
        if opted is not None:
            from .shared_cache import token_user
        super().__init__(
            server=server,
            protocol=protocol,
            org_name=org_name,
            options=options,
            login=None,
            token=given,
            share=None if opted is None else (opted[0], token_user(given), opted[1]),
        )

