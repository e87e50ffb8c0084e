"""One HTTP/1.1 connection of the async transport: h11 over a small asyncio Protocol.

Theory of operation. h11 does all of the protocol (framing a request, Content-Length or
chunked bodies, parsing a reply's head and body, deciding whether the connection can carry
another request); this module moves its bytes. :class:`_Wire` is the socket's side (the
asyncio Protocol: received bytes queued, one waiter woken, write flow control), and
:class:`Connection` drives one request over it:

* :meth:`Connection.send` writes the request's head and body; a reply that arrives while
  the body is still going out (a server refusing it early) stops the body, and the
  connection is then never reused;
* :meth:`Connection.head` and :meth:`Connection.chunk` read the reply; each wait for bytes
  (and each wait for the socket's send buffer to drain) is bounded by the read timeout,
  armed as one timer on the loop (no task, no ``wait_for``);
* :meth:`Connection.finish` says whether the connection may go back to the pool (both
  sides done, keep-alive) and readies h11 for the next request.

Failures are the exception types of ``afailures.py`` (:class:`~.afailures.HTTPFailure`),
or the ``OSError`` of the socket; the transport words them (``limits.transport_failure``). Opening a
connection (direct, through an HTTP proxy, or tunnelled with CONNECT) is ``aroute.py``'s.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine
from typing import Any, TypeVar

import h11

from .afailures import (
    BodyLengthMismatch,
    CutShort,
    DeadlinePassed,
    HTTPFailure,
    ReadTimeout,
    RemoteProtocolError,
    Timeout,
    WriteTimeout,
)

T = TypeVar("T")

#: The largest reply head accepted (bytes), as httpcore's: a longer one is a protocol error.
MAX_HEADER_BYTES = 100 * 1024
#: Received bytes held before the socket stops reading (the reader is behind).
HIGH_WATER = 1 << 20
#: Bodies larger than this are sent in slices of this size, one per turn of the loop.
CHUNK_BYTES = 256 * 1024


async def within(work: Coroutine[Any, Any, T], seconds: float) -> T:
    """``await work``, cancelled after ``seconds`` with :class:`DeadlinePassed`."""
    if sys.version_info >= (3, 11):
        limit = asyncio.timeout(seconds)  # no extra task per request
        try:
            async with limit:
                return await work
        except TimeoutError:
            if limit.expired():
                raise DeadlinePassed from None
            raise  # a socket's ETIMEDOUT: an OSError like the others
    try:  # type: ignore[unreachable]  # 3.10
        return await asyncio.wait_for(work, seconds)
    except asyncio.TimeoutError:  # distinct from the builtin TimeoutError on 3.10
        raise DeadlinePassed from None


def _expire(waiter: asyncio.Future[None], error: type[Timeout]) -> None:
    if not waiter.done():
        waiter.set_exception(error())


class _Wire(asyncio.Protocol):
    """The socket's side of a connection: bytes received, end of file, write pauses."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.received: list[bytes] = []
        self.buffered = 0
        self.eof = False
        self.error: BaseException | None = None
        self.paused = False
        self.reading_paused = False
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def data_received(self, data: bytes) -> None:
        self.received.append(data)
        self.buffered += len(data)
        if self.buffered > HIGH_WATER and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self.paused = False
        self._wake()

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._wake()

    async def wait(self, timeout: float, error: type[Timeout]) -> None:
        """Until something happens (bytes, end of file, a write resumed), or ``error``."""
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        timer = loop.call_later(timeout, _expire, waiter, error)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    async def read(self, timeout: float) -> bytes:
        """The bytes received so far (waiting for some), ``b""`` at end of file."""
        while not self.received:
            if self.eof:
                if self.error is not None:
                    raise self.error
                return b""
            await self.wait(timeout, ReadTimeout)
        data = self.received[0] if len(self.received) == 1 else b"".join(self.received)
        self.received = []
        self.buffered = 0
        if self.reading_paused and self.transport is not None:
            self.reading_paused = False
            self.transport.resume_reading()
        return data


def _remote(error: h11.RemoteProtocolError) -> HTTPFailure:
    if "complete message body" in str(error) or "incomplete chunked read" in str(error):
        return CutShort()
    return RemoteProtocolError()


Body = bytes | memoryview | AsyncIterator[Any] | None


class Connection:
    """One keep-alive HTTP/1.1 connection (h11's state plus its :class:`_Wire`)."""

    __slots__ = ("_h11", "_wire", "idle_since")

    def __init__(self, wire: _Wire) -> None:
        self._wire = wire
        self._h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)
        self.idle_since = 0.0

    @property
    def usable(self) -> bool:
        """Idle, and the server has neither hung up nor sent anything since."""
        wire = self._wire
        return not wire.eof and not wire.received and self._h11.our_state is h11.IDLE

    def close(self) -> None:
        """Close at once (unsent bytes dropped): the connection is not reused."""
        if self._wire.transport is not None:
            self._wire.transport.abort()

    def _write(self, data: Any) -> None:
        assert self._wire.transport is not None
        self._wire.transport.write(data)

    async def _drain(self, timeout: float) -> None:
        wire = self._wire
        while wire.paused and not wire.eof and not wire.received:
            await wire.wait(timeout, WriteTimeout)

    def _answered(self) -> bool:
        """The server answered (or hung up) while the request was still going out."""
        return bool(self._wire.received) or self._wire.eof

    async def send(self, head: h11.Request, body: Body, timeout: float) -> None:
        """Write the request: ``head`` then ``body`` (bytes, a view sent in slices, or an
        async iterator of chunks, framed as ``head`` says: Content-Length or chunked)."""
        try:
            await self._send(head, body, timeout)
        except h11.LocalProtocolError:
            # The head was checked when it was made: only a body's length can be wrong.
            raise BodyLengthMismatch() from None

    async def _send(self, head: h11.Request, body: Body, timeout: float) -> None:
        h = self._h11
        if body is None or isinstance(body, bytes):
            # Head and body in one write: one system call (and one wake-up of the server).
            parts = [h.send(head)]
            if body:
                parts.extend(h.send_with_data_passthrough(h11.Data(data=body)) or ())
            parts.append(h.send(h11.EndOfMessage()))
            self._write(b"".join(parts))
            await self._drain(timeout)
            return
        self._write(h.send(head))
        if body is not None:
            chunks = _slices(body) if isinstance(body, memoryview) else body
            try:
                async for chunk in chunks:
                    data: Any = chunk if isinstance(chunk, bytes) else memoryview(chunk).cast("B")
                    for part in h.send_with_data_passthrough(h11.Data(data=data)) or ():
                        self._write(part)
                    await self._drain(timeout)
                    if self._answered():
                        return  # read the reply; h11 keeps this connection from reuse
            finally:
                close = getattr(chunks, "aclose", None)
                if close is not None:
                    await close()  # the body's producer stops here, not when collected
        self._write(h.send(h11.EndOfMessage()))
        await self._drain(timeout)

    async def _event(self, timeout: float) -> Any:
        h = self._h11
        while True:
            try:
                event = h.next_event()
            except h11.RemoteProtocolError as error:
                raise _remote(error) from None
            if event is not h11.NEED_DATA:
                return event
            h.receive_data(await self._wire.read(timeout))

    async def head(self, timeout: float) -> tuple[int, dict[str, str]]:
        """The reply's status and headers (lower-case names, repeated ones joined)."""
        while True:
            event = await self._event(timeout)
            if isinstance(event, h11.Response):
                break
            if not isinstance(event, h11.InformationalResponse):
                raise RemoteProtocolError("the server closed the connection without a reply")
        headers: dict[str, str] = {}
        for name, value in event.headers:
            key, text = name.decode("latin-1"), value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        return event.status_code, headers

    async def chunk(self, timeout: float) -> bytes | None:
        """The next raw bytes of the reply's body, ``None`` at its end."""
        event = await self._event(timeout)
        if isinstance(event, h11.Data):
            return bytes(event.data)
        if isinstance(event, h11.EndOfMessage):
            return None
        raise CutShort()

    def finish(self) -> bool:
        """After the whole reply: True (and ready for the next request) when reusable."""
        h = self._h11
        if h.our_state is h11.DONE and h.their_state is h11.DONE and not self._wire.eof:
            h.start_next_cycle()
            return True
        return False


async def _slices(view: memoryview) -> AsyncIterator[memoryview]:
    """``view`` in slices of :data:`CHUNK_BYTES`, one per turn of the loop."""
    for start in range(0, len(view), CHUNK_BYTES):
        yield view[start : start + CHUNK_BYTES]
        await asyncio.sleep(0)
