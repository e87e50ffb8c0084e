"""The async transport's connections to its server on one event loop: reuse, a bound, waiters.

Theory of operation. A :class:`Pool` belongs to one transport and one running loop (its
connections' sockets belong to that loop). It keeps the idle connections, newest last:
:meth:`Pool.acquire` takes the newest one that is still :attr:`~.Connection.usable`
(the server has not hung up) and idle for less than :data:`KEEPALIVE_EXPIRY_S`, closing
the stale ones it meets, else opens a new connection while fewer than ``limit`` are open,
else waits (bounded by the pool timeout) for one to be released. :meth:`Pool.release`
puts a connection back only when its whole reply was read and both sides may go on (the
caller says so); any other (an error, a cancelled request, a reply cut short, a
``Connection: close``) is closed there and its place handed to a waiter.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from .aconnections import Connection, within
from .afailures import ConnectTimeout, DeadlinePassed, PoolTimeout

#: An idle connection is not reused after this long: under the 5 s of common servers
#: (uvicorn, gunicorn's 2 s aside), so a create-dataset (never retried) is not sent on a
#: connection the server is closing at that moment.
KEEPALIVE_EXPIRY_S = 4.0
#: Connections per loop and transport; more concurrent requests wait for one.
MAX_CONNECTIONS = 96


def _free(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(PoolTimeout())


class Pool:
    """One loop's connections of one transport (see the module's docstring).

    Args:
        open_connection: opens a new connection (a coroutine; cancelled at the timeout).
        limit: the most connections open at once (default :data:`MAX_CONNECTIONS`).
    """

    def __init__(
        self, open_connection: Callable[[], Coroutine[Any, Any, Connection]], limit: int | None = None
    ) -> None:
        self._open = open_connection
        self._limit = MAX_CONNECTIONS if limit is None else limit
        self._idle: deque[Connection] = deque()
        self._count = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False

    @property
    def open_connections(self) -> int:
        """Connections open now (idle or carrying a request)."""
        return self._count

    def _reuse(self) -> Connection | None:
        idle = self._idle
        if not idle:
            return None
        now = time.monotonic()
        while idle and now - idle[0].idle_since >= KEEPALIVE_EXPIRY_S:
            self._drop(idle.popleft())
        while idle:
            conn = idle.pop()
            if conn.usable:
                return conn
            self._drop(conn)
        return None

    def _drop(self, conn: Connection) -> None:
        conn.close()
        self._count -= 1

    async def acquire(self, connect_timeout: float, pool_timeout: float) -> Connection:
        """A connection for one request: reused, new, or the next one released."""
        conn = self._reuse()
        if conn is not None:
            return conn
        while self._count >= self._limit:
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            timer = loop.call_later(pool_timeout, _free, waiter)
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                    self._wake()  # woken, then cancelled: pass the turn on
                raise
            finally:
                timer.cancel()
            conn = self._reuse()
            if conn is not None:
                return conn
        self._count += 1
        try:
            return await within(self._open(), connect_timeout)
        except DeadlinePassed:
            self._count -= 1
            self._wake()
            raise ConnectTimeout() from None
        except BaseException:
            self._count -= 1
            self._wake()
            raise

    def release(self, conn: Connection, reusable: bool) -> None:
        """Take ``conn`` back after a request: kept when ``reusable``, else closed."""
        if reusable and not self._closed:
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            self._drop(conn)
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def close(self) -> None:
        """Close the idle connections; the busy ones close when released."""
        self._closed = True
        while self._idle:
            self._drop(self._idle.pop())
