"""``LocalServer``: the server in a background thread, for tests, demos and the CLI."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from .app import build_app
from .context import ServerContext
from .control import Controls, Fault, encode_body
from .data_dir import prepare_data_dir
from .errors import ApiError
from .limits import LimitKnobs
from .protocol import accept_batch, guarded_protocol
from .records import DatasetRecord, RequestRecord
from .routes_sso import approve
from .specs import parse_key, parse_user
from .store import Store
from .tokens import TokenIssuer

_START_TIMEOUT_S = 15.0


class LocalServer(LimitKnobs):
    """A Graphistry-compatible server on a background thread (DESIGN.md section 7).

    Args:
        users: ``"NAME:PASSWORD[:ORG,ORG...]"`` strings, as ``--user``. Each user also
            belongs to a personal org named after them; the first listed org (else the
            personal one) is where a login without ``org_name`` lands.
        personal_keys: ``"NAME:KEY_ID:SECRET"`` strings, as ``--personal-key``.
        token_ttl: lifetime of issued JWTs, in seconds (settable later: ``token_ttl``).
        latency_ms: delay added to every request (settable later: ``set_latency``).
        data_dir: where the database and Arrow files live (made 0700, its files 0600).
            None: a temporary directory, deleted on :meth:`stop`; a path: kept, and reused
            (datasets, and the token secret, so tokens survive a restart). ``users`` and
            ``personal_keys`` are the truth at every start: a stored user, key or org
            membership not given is disabled, and a changed password revokes that
            user's earlier tokens.
        host: the interface to bind; loopback unless you mean to expose it.
        port: the port; 0 picks a free one (read it back from :attr:`port`).

    Example:
        >>> with LocalServer(users=["alice:pw:acme"]) as srv:   # doctest: +SKIP
        ...     graphistry.register(api=3, protocol="http", server=srv.server,
        ...                         username="alice", password="pw")
    """

    def __init__(
        self,
        users: Sequence[str] = (),
        personal_keys: Sequence[str] = (),
        token_ttl: int = 3600,
        latency_ms: float = 0,
        data_dir: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if isinstance(users, str) or isinstance(personal_keys, str):
            raise TypeError("users and personal_keys are sequences of strings")
        self._users = [parse_user(spec) for spec in users]
        self._keys = [parse_key(spec) for spec in personal_keys]
        self._controls = Controls(latency_ms=float(latency_ms))
        self._protocol = guarded_protocol()
        self._token_ttl = int(token_ttl)
        self._data_dir_arg = None if data_dir is None else Path(data_dir)
        self.host = host
        self._requested_port = int(port)
        self._port: int | None = None
        self._ctx: ServerContext | None = None
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._temp_dir: Path | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> LocalServer:
        """Start serving; returns once the server accepts connections.

        Raises:
            RuntimeError: already running, or uvicorn failed to start.
            ValueError: a personal key names an unknown user.
        """
        if self._thread is not None:
            raise RuntimeError("LocalServer is already running")
        if self._data_dir_arg is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="graphistry_fp-server-"))
        data_dir = self._temp_dir or self._data_dir_arg
        assert data_dir is not None
        try:
            self._ctx = self._open(data_dir)
            self._serve()
        except BaseException:
            self.stop()
            raise
        return self

    def _open(self, data_dir: Path) -> ServerContext:
        prepare_data_dir(data_dir)
        store = Store(data_dir / "server.sqlite3")
        try:
            store.sync(self._users, self._keys)
        except BaseException:
            store.close()
            raise
        issuer = TokenIssuer(secret=store.jwt_secret(), ttl_s=self._token_ttl)
        return ServerContext(store=store, issuer=issuer, controls=self._controls, data_dir=data_dir)

    def _serve(self) -> None:
        assert self._ctx is not None
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._socket = socket.create_server((self.host, self._requested_port), family=family)
        # Accepted connections inherit this (Linux): without it, a reply written in two
        # pieces waits for the client's delayed ACK, about 40 ms per request on loopback.
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._port = int(self._socket.getsockname()[1])
        self._ctx.public_url = self._public_url()
        config = uvicorn.Config(
            build_app(self._ctx),
            log_config=None,  # never reconfigure the host process's logging
            log_level="warning",
            access_log=False,
            lifespan="off",
            # The peer's address is the client's: an X-Forwarded-For header (which uvicorn
            # believes from 127.0.0.1 by default) must not move a login to a fresh
            # per-address throttle bucket.
            proxy_headers=False,
            timeout_graceful_shutdown=2,
            http=self._protocol,  # header deadline and connection cap (protocol.py)
            backlog=accept_batch(self._protocol.max_connections),
        )
        self._uvicorn = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._uvicorn.run,
            kwargs={"sockets": [self._socket]},
            name=f"graphistry_fp-server-{self._port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local server failed to start (see the log above)")
            time.sleep(0.01)

    def _public_url(self) -> str:
        """Where clients reach this server: its URL, or for a wildcard bind this host."""
        if self.host in ("0.0.0.0", "::", ""):
            return f"http://{socket.gethostname()}:{self.port}"
        return self.url

    def stop(self) -> None:
        """Stop serving, close the database, delete a temporary data dir. Idempotent."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        if self._ctx is not None:
            self._ctx.close()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
        self._uvicorn = self._thread = self._socket = self._ctx = self._temp_dir = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _context(self) -> ServerContext:
        if self._ctx is None:
            raise RuntimeError(
                "LocalServer is not running: use it as a context manager or call start()"
            )
        return self._ctx

    # -- where -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port (known once started)."""
        if self._port is None:
            raise RuntimeError("LocalServer is not running: the port is chosen at start()")
        return self._port

    @property
    def server(self) -> str:
        """``host:port``, the ``server`` value a Graphistry client wants."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.server}"

    @property
    def data_dir(self) -> Path:
        """The directory holding the database and the Arrow files."""
        return self._context().data_dir

    # -- what is stored ----------------------------------------------------------------
    def datasets(self) -> list[DatasetRecord]:
        """Every dataset stored, oldest first."""
        return self._context().store.datasets()

    def dataset(self, dataset_id: str) -> DatasetRecord:
        """One dataset. Raises KeyError when there is no such dataset."""
        record = self._context().store.dataset(dataset_id)
        if record is None:
            raise KeyError(dataset_id)
        return record

    # -- knobs -------------------------------------------------------------------------
    @property
    def token_ttl(self) -> int:
        """Lifetime in seconds of tokens issued from now on (settable at runtime).

        Zero or negative values issue tokens that are already expired, which lets a test
        exercise expiry without sleeping.
        """
        return self._ctx.issuer.ttl_s if self._ctx is not None else self._token_ttl

    @token_ttl.setter
    def token_ttl(self, seconds: int) -> None:
        self._token_ttl = int(seconds)
        if self._ctx is not None:
            self._ctx.issuer.ttl_s = int(seconds)

    @property
    def sso_state_ttl_s(self) -> float:
        """How long a new SSO state stays redeemable, in seconds (settable at runtime)."""
        return self._context().sso_state_ttl_s

    @sso_state_ttl_s.setter
    def sso_state_ttl_s(self, seconds: float) -> None:
        self._context().sso_state_ttl_s = float(seconds)

    @property
    def sso_auto_approve(self) -> str | None:
        """A user name: approve every new SSO state for that user at once (None: off)."""
        return self._context().sso_auto_approve

    @sso_auto_approve.setter
    def sso_auto_approve(self, username: str | None) -> None:
        ctx = self._context()
        if username is not None and not ctx.store.user_exists(username):
            raise KeyError(username)
        ctx.sso_auto_approve = username

    def set_latency(self, ms: float) -> None:
        """Delay every later request by ``ms`` milliseconds (0 turns it off)."""
        self._controls.latency_ms = float(ms)

    def inject_fault(
        self,
        path: str,
        *,
        status: int | None = None,
        count: int = 1,
        delay_s: float = 0.0,
        body: Any = None,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        reset: bool = False,
    ) -> None:
        """Make the next ``count`` requests whose path starts with ``path`` misbehave.

        Each matching request (and ``method``, when given) first waits ``delay_s`` seconds;
        then, with ``reset``, its connection is closed with no reply at all; else with a
        ``status`` it is answered with ``status`` and ``body`` (bytes or str as they are,
        anything else as JSON; default ``{"detail": "injected fault"}``), ``content_type``
        and extra ``headers`` (e.g. ``{"Retry-After": "1"}``), and never reaches the real
        handler; with neither, it is handled normally after the delay. Faults are consumed
        in the order they were injected. Requests faulted this way still appear in
        :meth:`request_log` (status None for a reset).
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        if body is None and status is not None:
            body = {"detail": "injected fault"}
        self._controls.add_fault(
            Fault(
                path=path,
                method=method,
                remaining=count,
                status=status,
                delay_s=float(delay_s),
                body=b"" if body is None else encode_body(body),
                content_type=content_type,
                headers=dict(headers or {}),
                reset=reset,
            )
        )

    def clear_faults(self) -> None:
        """Drop every fault not yet consumed."""
        self._controls.clear_faults()

    def request_log(self) -> list[RequestRecord]:
        """Every request answered so far (method, path, status, username), in the order
        their replies started; an entry exists before its reply reaches the client."""
        return self._controls.request_log()

    def clear_request_log(self) -> None:
        """Empty the request log."""
        self._controls.clear_request_log()

    def approve_sso(self, state: str, username: str) -> None:
        """Approve an SSO ``state`` for ``username``, as the login form would.

        Raises:
            KeyError: unknown user.
            ValueError: unknown or expired state, or the user is not in the flow's org.
        """
        ctx = self._context()
        if not ctx.store.user_exists(username):
            raise KeyError(username)
        try:
            approve(ctx, state, username)
        except ApiError as exc:
            raise ValueError(str(exc.body.get("detail"))) from exc

    def __repr__(self) -> str:
        where = self.url if self._port is not None and self._thread else "stopped"
        return f"<LocalServer {where} users={[u.name for u in self._users]}>"
