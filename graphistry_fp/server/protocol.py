"""The HTTP protocol of the server: uvicorn's h11 protocol with a header deadline and a
connection cap.

uvicorn times out idle keep-alive connections but not a request whose headers never end:
110 connections that send half a request line held 110 file descriptors forever, and a
server allowed 100 could accept nothing else. So:

* **Header deadline**: a connection must finish a request's headers within
  ``header_timeout_s`` seconds of opening (or of its first byte after a reply); if not, it
  is closed. Bodies have their own guard (a minimum rate, see ``control.py``).
* **Connection cap**: past ``max_connections`` open connections, a new one evicts the
  oldest connection that is not in the middle of a request (waiting for headers, or
  idle between requests); if every connection is busy, the new one is closed. The default
  cap stays below the process's file-descriptor limit, so the server never runs out of
  descriptors and ``accept()`` never stalls.
"""

from __future__ import annotations

import asyncio
import resource
from typing import ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT_S = 10.0
#: Descriptors kept for everything but client connections (database, uploads, logs).
_RESERVED_FDS = 32
_MAX_DEFAULT_CONNECTIONS = 1000


def default_max_connections() -> int:
    """The connection cap for this process: under its descriptor limit, at most 1000."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return _MAX_DEFAULT_CONNECTIONS
    return max(8, min(_MAX_DEFAULT_CONNECTIONS, soft - _RESERVED_FDS))


def accept_batch(max_connections: int) -> int:
    """The listen backlog for a connection cap, which is also how many connections
    asyncio accepts in one go before any of them is seen (and a surplus shed): a quarter
    of the cap keeps a burst from using up the descriptors the cap leaves spare."""
    return max(16, min(2048, max_connections // 4))


class GuardedH11Protocol(H11Protocol):
    """h11 protocol with a header deadline and a connection cap (see the module doc).

    The limits are class attributes so that one server's subclass (:func:`guarded_protocol`)
    can change them while it runs; they apply to connections opened afterwards.
    """

    header_timeout_s: ClassVar[float] = DEFAULT_HEADER_TIMEOUT_S
    max_connections: ClassVar[int] = _MAX_DEFAULT_CONNECTIONS

    _opened_at: float
    _header_timer: asyncio.TimerHandle | None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header deadline; shed a connection when past the cap."""
        super().connection_made(transport)
        self._opened_at = self.loop.time()
        self._header_timer = None
        self._arm_header_timer()
        if len(self.connections) > self.max_connections:
            self._shed()

    def _open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def data_received(self, data: bytes) -> None:
        """Feed h11; keep a deadline running while a request's headers are incomplete."""
        super().data_received(data)
        if self.waiting_for_request():
            self._arm_header_timer()
        else:
            self._cancel_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the deadline with the connection."""
        self._cancel_header_timer()
        super().connection_lost(exc)

    def waiting_for_request(self) -> bool:
        """True between requests: no request started, or the last one answered."""
        return self.cycle is None or self.cycle.response_complete

    def _arm_header_timer(self) -> None:
        if self._header_timer is None and not self.transport.is_closing():
            self._header_timer = self.loop.call_later(
                self.header_timeout_s, self._header_deadline, self.cycle
            )

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_deadline(self, cycle_when_armed: object) -> None:
        self._header_timer = None
        if self.cycle is cycle_when_armed and self.waiting_for_request():
            self.transport.close()

    def _shed(self) -> None:
        """Close the oldest connection between requests, else this new one (connections
        already closing, whose descriptors are about to be freed, do not count)."""
        live = [c for c in self.connections if isinstance(c, GuardedH11Protocol) and c._open()]
        if len(live) <= self.max_connections:
            return
        idle = [c for c in live if c is not self and c.waiting_for_request()]
        victim = min(idle, key=lambda c: c._opened_at) if idle else self
        victim._cancel_header_timer()
        victim.transport.close()


def guarded_protocol(
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S, max_connections: int | None = None
) -> type[GuardedH11Protocol]:
    """A :class:`GuardedH11Protocol` subclass of one server, with its own limits."""
    return type(
        "ServerH11Protocol",
        (GuardedH11Protocol,),
        {
            "header_timeout_s": float(header_timeout_s),
            "max_connections": (
                default_max_connections() if max_connections is None else int(max_connections)
            ),
        },
    )
