"""The async transport: httpx, one connection pool per event loop, the sync transport's rules.

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

httpx's ``AsyncClient`` belongs to the loop it first ran on, and one graphistry_fp client
may serve tasks on several loops (and threads) at once, so this transport keeps its pools
per running loop, made at that loop's first request. :meth:`aclose` closes the calling
loop's pools; pools of other loops are dropped (and :meth:`forget` drops all), their
sockets closed when collected.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import ssl
import sys
import threading
import time
import weakref
from collections.abc import AsyncIterator, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from graphistry_fp.errors import GraphistryError

from .config import Config
from .limits import ACCEPT_ENCODING, ReplyReader, request_window, transport_failure
from .replies import scrub
from .streaming import StreamBody, achunks, body_size
from .transport import backoff_delay, parse_retry_after
from .wire import RETRY_STATUSES, Request, Response

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("graphistry_fp.http")
T = TypeVar("T")

#: Connections per shard (one small httpx pool), and shards per loop and client: at most
#: 96 connections; more concurrent requests wait for one (bounded by the read timeout).
SHARD_CONNECTIONS = 8
MAX_SHARDS = 12
#: An idle connection is not reused after this long: under the 5 s of common servers
#: (uvicorn, gunicorn's 2 s aside), so a create-dataset (never retried) is not sent on a
#: connection the server is closing at that moment.
KEEPALIVE_EXPIRY_S = 4.0
#: Bodies larger than this are sent in slices of this size, one per turn of the loop.
CHUNK_BYTES = 256 * 1024


async def _within(attempt: Coroutine[Any, Any, T], seconds: float) -> T:
    """``await attempt``, cancelled (TimeoutError) after ``seconds``: the overall deadline."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):  # no extra task per request
            return await attempt
    return await asyncio.wait_for(attempt, seconds)  # type: ignore[unreachable]  # 3.10


async def _chunks(view: memoryview) -> AsyncIterator[memoryview]:
    for start in range(0, len(view), CHUNK_BYTES):
        yield view[start : start + CHUNK_BYTES]


def _reason(error: BaseException) -> str:
    errno = re.search(r"\[Errno -?\d+\][^'\")]*", str(error))
    return scrub(errno.group(0).strip() if errno else type(error).__name__)


_contexts: dict[tuple[bool, str | None], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def _ssl_context(config: Config) -> ssl.SSLContext:
    """TLS settings as the sync transport's (``REQUESTS_CA_BUNDLE`` honoured, else certifi's
    bundle), one shared context per setting: building one loads the CA bundle (milliseconds),
    too slow to repeat for every pool of every client."""
    verify = config.certificate_validation
    bundle = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")) if verify else None
    key = (verify, bundle)
    with _contexts_lock:
        context = _contexts.get(key)
        if context is None:
            if not verify:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            elif bundle and os.path.isdir(bundle):
                context = ssl.create_default_context(capath=bundle)
            else:
                import certifi

                context = ssl.create_default_context(cafile=bundle or certifi.where())
            _contexts[key] = context
        return context


class _Shard:
    """One httpx pool of at most :data:`SHARD_CONNECTIONS` connections, and its load."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.in_flight = 0


class AsyncTransport:
    """Sends requests for one client from any task on any loop (httpx pools per loop).

    A loop's pool is a few small httpx pools (*shards*), grown on demand, each request
    going to the least loaded: httpcore's pool does work quadratic in its connections on
    every request, so 50 requests in flight through one pool of 50 connections cost the
    loop milliseconds per request, and through shards of 8 a fraction of that.
    """

    def __init__(self, config: Config, *, sleep: Any = asyncio.sleep) -> None:
        self._config = config
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[_Shard]]
        self._pools = weakref.WeakKeyDictionary()

    def _new_shard(self) -> _Shard:
        import httpx

        connect, read = self._config.timeout
        return _Shard(
            httpx.AsyncClient(
                base_url=self._config.base_url,
                verify=_ssl_context(self._config),
                follow_redirects=False,
                timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=read),
                limits=httpx.Limits(
                    max_connections=SHARD_CONNECTIONS,
                    max_keepalive_connections=SHARD_CONNECTIONS,
                    keepalive_expiry=KEEPALIVE_EXPIRY_S,
                ),
            )
        )

    def _shard(self) -> _Shard:
        """The least loaded shard of the running loop (a new one when all are busy)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            shards = self._pools.get(loop)
            if shards is None:
                shards = self._pools[loop] = []
        # Only this loop's thread reaches its own list from here on: no lock needed.
        best = min(shards, key=lambda shard: shard.in_flight, default=None)
        if best is None or (best.in_flight >= SHARD_CONNECTIONS and len(shards) < MAX_SHARDS):
            best = self._new_shard()
            shards.append(best)
        return best

    async def aclose(self) -> None:
        """Close the running loop's pools; drop the pools of other loops."""
        loop = asyncio.get_running_loop()
        with self._lock:
            shards = self._pools.pop(loop, [])
            self._pools.clear()
        for shard in shards:
            await shard.client.aclose()

    def forget(self) -> None:
        """Drop every loop's pool (the sync ``close()``: it cannot await a loop's pool)."""
        with self._lock:
            self._pools.clear()

    async def _attempt(
        self, request: Request, bearer: str | None, timeout: tuple[float, float]
    ) -> Response:
        import httpx

        headers = dict(request.headers)
        # Decoded here, bounded (limits.ReplyReader): only what it decodes is asked for.
        headers["Accept-Encoding"] = ACCEPT_ENCODING
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        kwargs: dict[str, Any] = {}
        if request.json is not None:
            kwargs["json"] = request.json
        elif request.form is not None:
            kwargs["data"] = dict(request.form)
        elif isinstance(request.body, StreamBody):
            # Chunks produced on worker threads (reading files, encoding batches); a known
            # length is sent as Content-Length, else the body goes chunked.
            body = request.body
            if body.length is not None:
                headers["Content-Length"] = str(body.length)
            kwargs["content"] = achunks(body)
        elif request.body is not None:
            view = memoryview(request.body).cast("B")
            if len(view) <= CHUNK_BYTES:
                kwargs["content"] = view.tobytes()
            else:
                # Sent a chunk per loop turn (no copy of the whole body, no long turn);
                # an explicit Content-Length keeps the framing a sized body (not chunked).
                headers["Content-Length"] = str(len(view))
                kwargs["content"] = _chunks(view)
        connect, read = timeout
        shard = self._shard()
        shard.in_flight += 1
        try:
            async with shard.client.stream(
                request.method,
                request.path,
                headers=headers,
                timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=read),
                **kwargs,
            ) as raw:
                got = {k.lower(): v for k, v in raw.headers.items()}
                what = request.what or request.method
                reader = ReplyReader(self._config.max_reply_bytes, what, raw.status_code, got)
                async for chunk in raw.aiter_raw():
                    reader.feed(chunk)
                return Response(status=raw.status_code, headers=got, content=reader.finish())
        finally:
            shard.in_flight -= 1

    def _failure(
        self, request: Request, error: BaseException | None, attempts: int, deadline: float
    ) -> GraphistryError:
        """The typed error for a failed attempt (``None``: the overall deadline), worded as
        the sync transport words it (never the raw error's text)."""
        import httpx

        if error is None:
            how, reason = "deadline", ""
        elif isinstance(error, httpx.LocalProtocolError):
            how, reason = "header", ""
        elif isinstance(error, httpx.TimeoutException):
            how, reason = "timed out", _reason(error)
        elif "complete message body" in str(error) or isinstance(error, httpx.DecodingError):
            how, reason = "the reply was cut short", _reason(error)
        else:
            how, reason = "connection failed", _reason(error)
        return transport_failure(self._config, request, how, attempts, deadline, reason)

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
        import httpx

        if bearer is None:
            bearer = request.bearer
        size = body_size(request.body) if request.body is not None else 0
        window = request_window(self._config, request, timeout, size)
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
                response = await _within(
                    self._attempt(
                        request, bearer, (min(timeout[0], left), min(timeout[1], left))
                    ),
                    left,
                )
            except asyncio.TimeoutError:
                expired = True
            except (httpx.TransportError, httpx.StreamError) as error:
                failure = error
            if expired or failure is not None:
                log.debug(
                    "%s %s -> %s after %.1f ms (attempt %d/%d)",
                    request.method, request.path, "deadline" if expired else type(failure).__name__,
                    (time.monotonic() - started) * 1000, attempt + 1, attempts,
                )
                delay = backoff_delay(attempt)
                if (
                    expired
                    or attempt == attempts - 1
                    or isinstance(failure, httpx.LocalProtocolError)
                    or time.monotonic() + delay >= ends
                ):
                    raise self._failure(request, failure, attempt + 1, deadline)
                await self._sleep(delay)
                continue
            log.debug(
                "%s %s -> %d in %.1f ms (attempt %d/%d)",
                request.method, request.path, response.status,
                (time.monotonic() - started) * 1000, attempt + 1, attempts,
            )
            if attempt == attempts - 1 or response.status not in RETRY_STATUSES:
                return response
            delay = backoff_delay(attempt, parse_retry_after(response.headers.get("retry-after")))
            if time.monotonic() + delay >= ends:
                return response
            log.debug("retrying %s %s in %.2f s", request.method, request.path, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
