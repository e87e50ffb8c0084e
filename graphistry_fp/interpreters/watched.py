"""The overall request deadline for ``requests``: connections the watchdog can shut.

Theory of operation. ``requests`` has no overall deadline; its read timeout bounds the
wait for one byte. The transport gives each attempt a :class:`Watch` and arms the
watchdog (``watchdog.py``) with :meth:`Watch.expire`; the connection classes of
:class:`Adapter` register themselves with the attempt's watch (a thread-local) when the
request goes out, so at the deadline the watch knows which socket to shut. Shutting it
wakes the read or write blocked on it, and the transport reports the deadline
(:func:`kind` answers ``"deadline"`` for :class:`Deadline`).
"""

from __future__ import annotations

import http.client
import socket
import threading
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from graphistry_fp.errors import TransportError

#: What a connection, a read or a decoder may raise while a request is performed.
IO_ERRORS = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)


class Watch:
    """One attempt's watch: the connection it uses, and whether its deadline struck.

    The connection is the attempt's only while it is checked out of the pool: the pool
    detaches it (:meth:`detach`) when it takes it back, so a deadline striking just after
    the reply was read never shuts a connection another request has since taken.
    """

    __slots__ = ("_lock", "conn", "expired")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.conn: Any = None
        self.expired = False

    def attach(self, conn: Any) -> None:
        """``conn`` carries this attempt's request."""
        with self._lock:
            self.conn = conn

    def detach(self, conn: Any) -> None:
        """``conn`` went back to the pool: no longer this attempt's."""
        with self._lock:
            if self.conn is conn:
                self.conn = None

    def expire(self) -> None:
        """The deadline: shut the socket down, which ends any blocked read or write."""
        with self._lock:
            self.expired = True
            sock = getattr(self.conn, "sock", None)
            if sock is not None:
                try:
                    # socket.socket's own shutdown, also for TLS: the blocked thread owns
                    # the SSL object; the kernel wakes its read with end-of-file.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass


_current = threading.local()


def watching(watch: Watch | None) -> None:
    """Make ``watch`` the one the calling thread's next request registers with (None: none)."""
    _current.watch = watch


class _WatchedMixin:
    """Registers the connection a request goes out on with the watch of its attempt."""

    graphistry_watch: Watch | None = None

    def request(self, *args: Any, **kwargs: Any) -> Any:
        watch: Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            self.graphistry_watch = watch
            watch.attach(self)
            if watch.expired:
                raise TransportError("the request deadline passed before the request was sent")
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _HTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


def _released(conn: Any) -> None:
    watch = getattr(conn, "graphistry_watch", None)
    if watch is not None:
        conn.graphistry_watch = None
        watch.detach(conn)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection

    def _put_conn(self, conn: Any) -> None:
        _released(conn)
        super()._put_conn(conn)


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection

    def _put_conn(self, conn: Any) -> None:
        _released(conn)
        super()._put_conn(conn)


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class Adapter(HTTPAdapter):
    """requests' adapter, with connections a :class:`Watch` can find (behind proxies too)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


class Deadline(Exception):
    """Stands for an attempt ended by the overall deadline."""


def kind(error: BaseException) -> str:
    """How an attempt failed, in words (and ``deadline`` for the overall deadline)."""
    if isinstance(error, Deadline):
        return "deadline"
    if isinstance(error, (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(
        error,
        (requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError,
         http.client.IncompleteRead),
    ):  # fmt: skip
        return "the reply was cut short"
    return "connection failed"
