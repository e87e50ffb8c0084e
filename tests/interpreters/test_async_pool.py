"""The async transport's connections, against the hostile server over real sockets: which
connection (the client's port, as the server sees it) carries each request. Keep-alive
reuse, the bound per loop with waiters, idle expiry, and the connections never reused: a
``Connection: close`` reply, a reply not read to its end, a cancelled request, a
connection the server closed while it was idle; and a streamed body that breaks its own
Content-Length."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from graphistry_fp.errors import ProtocolError, TransportError
from graphistry_fp.interpreters import apool
from graphistry_fp.interpreters.async_transport import AsyncTransport
from graphistry_fp.interpreters.config import make_config
from graphistry_fp.interpreters.streaming import StreamBody
from graphistry_fp.interpreters.wire import Request, Response
from tests.reliability.hostile import Handler, HostileServer

PING = Request("GET", "/ping", what="ping")


@pytest.fixture
def server() -> Iterator[HostileServer]:
    """A fresh hostile server per test."""
    s = HostileServer()
    yield s
    s.close()


def ports_of(server: HostileServer, delay: float = 0.0, **headers: str) -> list[int]:
    """Make ``server`` answer every request with a small JSON reply (after ``delay``
    seconds, with ``headers``), and return the list of the client ports it served."""
    ports: list[int] = []

    def behaviour(handler: Handler) -> None:
        ports.append(handler.client_address[1])
        if delay:
            import time

            time.sleep(delay)
        handler.reply(200, b'{"ok": true}', {k.replace("_", "-"): v for k, v in headers.items()})

    server.behave(behaviour)
    return ports


def transport(server: HostileServer, **options: Any) -> AsyncTransport:
    """An async transport to ``server`` (no retries unless asked)."""
    options.setdefault("max_retries", 0)
    return AsyncTransport(make_config(server.server, "http", options))


async def sends(t: AsyncTransport, n: int, request: Request = PING) -> list[Response]:
    """``n`` requests, one after the other."""
    return [await t.send(request) for _ in range(n)]


def test_sequential_requests_share_one_connection(server: HostileServer) -> None:
    """Five requests in turn on one loop: one connection carries them all."""
    ports = ports_of(server)
    replies = asyncio.run(sends(transport(server), 5))
    assert [200] * 5 == [r.status for r in replies]
    assert 5 == len(ports)
    assert 1 == len(set(ports))


def test_connection_close_reply_is_not_reused(server: HostileServer) -> None:
    """Replies saying ``Connection: close``: every request gets a new connection."""
    ports = ports_of(server, Connection="close")
    asyncio.run(sends(transport(server), 3))
    assert 3 == len(set(ports))


def test_concurrent_requests_are_bounded_per_loop(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the bound at 2, six concurrent slow requests all succeed over at most two
    connections (the others wait for one)."""
    monkeypatch.setattr(apool, "MAX_CONNECTIONS", 2)
    ports = ports_of(server, delay=0.1)
    t = transport(server)

    async def main() -> list[Response]:
        return list(await asyncio.gather(*(t.send(PING) for _ in range(6))))

    assert [200] * 6 == [r.status for r in asyncio.run(main())]
    assert 6 == len(ports)
    assert len(set(ports)) <= 2


def test_idle_connection_expires(server: HostileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection idle past the keep-alive expiry is closed, not reused."""
    monkeypatch.setattr(apool, "KEEPALIVE_EXPIRY_S", 0.05)
    ports = ports_of(server)
    t = transport(server)

    async def main() -> None:
        await t.send(PING)
        await asyncio.sleep(0.15)
        await t.send(PING)

    asyncio.run(main())
    assert 2 == len(set(ports))


def test_reply_not_read_to_its_end_closes_the_connection(server: HostileServer) -> None:
    """A reply over max_reply_bytes stops being read (ProtocolError); the next request goes
    on a new connection, never on the one with the rest of that reply in it."""
    ports: list[int] = []

    def behaviour(handler: Handler) -> None:
        ports.append(handler.client_address[1])
        big = handler.path == "/big"
        handler.reply(200, b"x" * (64 * 1024 if big else 2))

    server.behave(behaviour)
    t = transport(server, max_reply_bytes=16384)

    async def main() -> tuple[BaseException, Response]:
        try:
            await t.send(Request("GET", "/big", what="big"))
        except ProtocolError as error:
            return error, await t.send(PING)
        raise AssertionError("expected a ProtocolError")

    error, after = asyncio.run(main())
    assert "over the limit of 16384 bytes" in str(error)
    assert (200, b"xx") == (after.status, after.content)
    assert 2 == len(set(ports))


def test_cancelled_request_closes_its_connection(server: HostileServer) -> None:
    """A request cancelled while the server is slow: its connection is closed (the next
    request opens another), and the client goes on."""
    ports = ports_of(server, delay=0.3)
    t = transport(server)

    async def main() -> Response:
        task = asyncio.create_task(t.send(PING))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await t.send(PING)

    assert 200 == asyncio.run(main()).status
    assert 2 == len(set(ports))


def test_connection_closed_by_the_server_while_idle_is_not_used(server: HostileServer) -> None:
    """The server closes the connection after its reply (no ``Connection: close``): the
    next request, one never retried (create-dataset), goes on a new connection and
    succeeds instead of failing on the dead one."""
    ports: list[int] = []

    def behaviour(handler: Handler) -> None:
        ports.append(handler.client_address[1])
        handler.reply(200, b"{}")
        handler.close_connection = True

    server.behave(behaviour)
    t = transport(server)
    once = Request("POST", "/create", json={"a": 1}, idempotent=False, what="create")

    async def main() -> list[int]:
        first = await t.send(once)
        await asyncio.sleep(0.2)  # the server's FIN arrives while the connection is idle
        second = await t.send(once)
        return [first.status, second.status]

    assert [200, 200] == asyncio.run(main())
    assert 2 == len(set(ports))


@pytest.mark.parametrize("produced", [b"abcd", b"x" * 16], ids=["short", "long"])
def test_stream_body_not_its_announced_length_is_a_transport_error(
    server: HostileServer, produced: bytes
) -> None:
    """A streamed body announcing 10 bytes that yields 4 (or 16): a TransportError naming
    the request ("connection failed"), no raw h11 error behind it; the client goes on."""
    ports_of(server)
    t = transport(server)
    body = StreamBody(lambda: [produced], length=10)
    upload = Request("POST", "/up", body=body, idempotent=False, what="upload")

    async def main() -> tuple[BaseException, Response]:
        try:
            await t.send(upload)
        except TransportError as error:
            return error, await t.send(PING)
        raise AssertionError("expected a TransportError")

    error, after = asyncio.run(main())
    assert "upload: connection failed" in str(error)
    assert error.__cause__ is None and error.__context__ is None
    assert 200 == after.status


def test_sync_close_closes_the_pool_of_a_loop_in_another_thread(server: HostileServer) -> None:
    """``forget()`` (what a client's sync ``close()`` calls) from the main thread closes the
    idle connection of a loop running in another thread, on that loop; the next request
    there opens a new connection."""
    ports = ports_of(server)
    t = transport(server)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def on_loop(coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=10)

    async def pool_after_a_request() -> Any:
        await t.send(PING)
        return t._pool()

    try:
        pool = on_loop(pool_after_a_request())
        assert 1 == pool.open_connections
        t.forget()
        on_loop(asyncio.sleep(0.05))
        assert 0 == pool.open_connections
        assert 200 == on_loop(t.send(PING)).status
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
    assert 2 == len(set(ports))
