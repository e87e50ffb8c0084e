"""The async transport: our own HTTP/1.1 client on asyncio, the sync transport's rules.

It performs one :class:`~.wire.Request` and returns a :class:`~.wire.Response`, exactly as
``transport.Transport`` does, by the same rules (read there): the configured (connect,
read) timeout capped by the request's own, retries with the same capped, jittered backoff
honouring ``Retry-After`` (``transport.backoff_delay``/``parse_retry_after``) on the same
statuses and errors for requests safe to repeat only, no redirects followed, DEBUG logging
of method, path, status, attempt and timing (never a header or body), and the same
``TransportError`` messages; and the limits of ``limits.py`` (issue 17): reply bodies read
raw through a ``ReplyReader`` (``max_reply_bytes``, bounded gzip/deflate decoding), one
overall deadline per request, retries included (``asyncio.timeout``: cancelling
the attempt closes its connection, so no watchdog is needed), a header HTTP cannot carry
a ``ProtocolError`` that does not show it.

Beneath it: h11 over an asyncio Protocol (``aconnections.py``: one connection; its
failures in ``afailures.py``), a pool per running loop (``apool.py``: keep-alive reuse,
idle expiry, a bound with waiters) and the route to the server (``aroute.py``: TLS
settings, direct or through the environment's HTTP proxy, read once per transport as the
sync transport reads it). They load at the first request, not with every client.

One graphistry_fp client may serve tasks on several loops (and threads) at once, and a
socket belongs to its loop, so this transport keeps one pool per running loop, made at
that loop's first request. :meth:`aclose` and :meth:`forget` (the sync ``close()``) drop
every pool, each closed on its own loop (a closed loop's sockets are shut when
collected). Measured against the httpx/httpcore/anyio stack it replaced: the README's
"Services on asyncio" and CHANGELOG.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from graphistry_fp._meta import __version__
from graphistry_fp.errors import GraphistryError, ProtocolError

from .aroute import Route, route, ssl_context
from .config import Config
from .limits import ACCEPT_ENCODING, ReplyReader, request_window, transport_failure
from .replies import scrub
from .retries import after_failure, after_reply
from .streaming import StreamBody, achunks
from .wire import Request, Response

if TYPE_CHECKING:
    # Loaded at the first request, not with every client: h11 and the connection code.
    import h11

    from .aconnections import Body
    from .apool import Pool

USER_AGENT = f"graphistry_fp/{__version__}"


def _reason(error: BaseException) -> str:
    errno = re.search(r"\[Errno -?\d+\][^'\")]*", str(error))
    return scrub(errno.group(0).strip() if errno else type(error).__name__)


def _encode(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        from .afailures import LocalProtocolError

        raise LocalProtocolError() from None


class AsyncTransport:
    """Sends requests for one client from any task on any loop (a connection pool per loop)."""

    def __init__(self, config: Config, *, sleep: Any = asyncio.sleep) -> None:
        self._config = config
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Pool]
        self._pools = weakref.WeakKeyDictionary()
        self._route: Route = route(config.base_url)
        self._context = ssl_context(config) if self._route.scheme == "https" else None
        fixed = [("Host", self._route.authority), ("User-Agent", USER_AGENT),
                 ("Accept", "*/*"), ("Accept-Encoding", ACCEPT_ENCODING)]  # fmt: skip
        if self._route.absolute and self._route.proxy_auth is not None:
            fixed.append(("Proxy-Authorization", self._route.proxy_auth.decode("latin-1")))
        self._fixed = [(name.encode(), value.encode("latin-1")) for name, value in fixed]

    def _pool(self) -> Pool:
        """The running loop's pool (made at its first request)."""
        from .apool import Pool

        loop = asyncio.get_running_loop()
        with self._lock:
            pool = self._pools.get(loop)
            if pool is None:
                pool = self._pools[loop] = Pool(lambda: self._route.open(self._context))
        return pool

    async def aclose(self) -> None:
        """Close the running loop's pool; the pools of other loops close on their loops."""
        self.forget()

    def forget(self) -> None:
        """Drop every loop's pool, each closed by its own loop (the sync ``close()``: a
        socket belongs to its loop; one whose loop is closed is shut when collected)."""
        with self._lock:
            pools = list(self._pools.items())
            self._pools.clear()
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, pool in pools:
            if loop is running:
                pool.close()
            elif not loop.is_closed():
                try:
                    loop.call_soon_threadsafe(pool.close)
                except RuntimeError:  # closed meanwhile
                    pass

    def _prepare(self, request: Request, bearer: str | None) -> tuple[h11.Request, Body]:
        """The request's head (h11 checks every header here: nothing is sent on an error)
        and its body."""
        import h11

        from .aconnections import CHUNK_BYTES
        from .afailures import LocalProtocolError

        headers = list(self._fixed)
        body: Body = None
        kind: str | None = None
        if request.json is not None:
            body = json.dumps(request.json, allow_nan=False).encode("utf-8")
            kind = "application/json"
        elif request.form is not None:
            body = urlencode(dict(request.form)).encode("ascii")
            kind = "application/x-www-form-urlencoded"
        elif isinstance(request.body, StreamBody):
            # Chunks produced on worker threads (reading files, encoding batches); a known
            # length is sent as Content-Length, else the body goes chunked.
            body = achunks(request.body)
            length = request.body.length
            headers.append(
                (b"Content-Length", str(length).encode()) if length is not None
                else (b"Transfer-Encoding", b"chunked")
            )
        elif request.body is not None:
            # Large ones go a slice per loop turn (no copy of the whole body, no long turn).
            view = memoryview(request.body).cast("B")
            if len(view) <= CHUNK_BYTES:
                body = view.tobytes()
            else:
                body = view
                headers.append((b"Content-Length", str(len(view)).encode()))
        if isinstance(body, bytes) or (body is None and request.method == "POST"):
            headers.append((b"Content-Length", str(len(body or b"")).encode()))
        if kind is not None:
            headers.append((b"Content-Type", kind.encode()))
        for name, value in request.headers:
            headers.append((_encode(name), _encode(value)))
        if bearer is not None:
            headers.append((b"Authorization", _encode(f"Bearer {bearer}")))
        target = self._route.target(request.path)
        try:
            head = h11.Request(method=request.method, target=_encode(target), headers=headers)
        except h11.LocalProtocolError:
            raise LocalProtocolError() from None
        return head, body

    async def _attempt(
        self, request: Request, bearer: str | None, timeout: tuple[float, float]
    ) -> Response:
        head, body = self._prepare(request, bearer)
        connect, read = timeout
        pool = self._pool()
        conn = await pool.acquire(connect, read)
        reusable = False
        try:
            await conn.send(head, body, read)
            status, got = await conn.head(read)
            what = request.what or request.method
            reader = ReplyReader(self._config.max_reply_bytes, what, status, got)
            while (chunk := await conn.chunk(read)) is not None:
                reader.feed(chunk)
            reusable = conn.finish()
            return Response(status=status, headers=got, content=reader.finish())
        finally:
            # An error, a cancellation or a reply not read to its end: never reused.
            pool.release(conn, reusable)

    def _failure(
        self, request: Request, error: BaseException | None, attempts: int, deadline: float
    ) -> GraphistryError:
        """The typed error for a failed attempt (``None``: the overall deadline), worded as
        the sync transport words it (never the raw error's text)."""
        from . import afailures as ac

        if error is None:
            how, reason = "deadline", ""
        elif isinstance(error, ac.LocalProtocolError):
            how, reason = "header", ""
        elif isinstance(error, ac.Timeout):
            how, reason = "timed out", _reason(error)
        elif isinstance(error, ac.CutShort):
            how, reason = "the reply was cut short", _reason(error)
        else:
            how, reason = "connection failed", _reason(error)
        return transport_failure(self._config, request, how, attempts, deadline, reason)

    def _unsupported(self, request: Request) -> ProtocolError:
        what = request.what or request.method
        return ProtocolError(
            f"{what}: the proxy {self._route.unsupported} set in the environment "
            "(HTTPS_PROXY/HTTP_PROXY/ALL_PROXY) is not supported by the async transport, "
            "which speaks to http:// proxies only; use an http:// proxy URL, or add the "
            "server to NO_PROXY"
        )

    async def send(
        self,
        request: Request,
        bearer: str | None = None,
        *,
        timeout: tuple[float, float] | None = None,
    ) -> Response:
        """Perform ``request`` (retrying where safe) and return the final reply.

        The whole call, retries and backoff included, ends at the request's overall
        deadline (``limits.deadline_seconds``), as in the sync transport.

        Raises:
            TransportError: no connection, a timeout, a body cut short, after the
                retries; or the overall deadline passed.
            ProtocolError: the reply is larger than ``max_reply_bytes``, or its encoding
                is invalid; a header could not be sent.
        """
        from .aconnections import within
        from .afailures import DeadlinePassed, HTTPFailure, LocalProtocolError

        if self._route.unsupported is not None:
            raise self._unsupported(request)
        if bearer is None:
            bearer = request.bearer
        window = request_window(self._config, request, timeout)
        timeout, deadline, ends, attempts = (
            window.timeout, window.deadline, window.ends, window.attempts
        )
        for attempt in range(attempts):
            started = time.monotonic()
            left = ends - started
            if left <= 0:
                raise self._failure(request, None, attempt, deadline)
            failure: BaseException | None = None
            expired = False
            try:
                response = await within(
                    self._attempt(
                        request, bearer, (min(timeout[0], left), min(timeout[1], left))
                    ),
                    left,
                )
            except DeadlinePassed:
                expired = True
            except (HTTPFailure, OSError) as error:
                failure = error
            if expired or failure is not None:
                how = "deadline" if expired else type(failure).__name__
                final = expired or isinstance(failure, LocalProtocolError)
                delay = after_failure(request, window, attempt, started, how, final=final)
                if delay is None:
                    raise self._failure(request, failure, attempt + 1, deadline)
                await self._sleep(delay)
                continue
            delay = after_reply(request, window, attempt, started, response)
            if delay is None:
                return response
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
