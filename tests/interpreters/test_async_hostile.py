"""The limits of issue 17 on the async driver: against the hostile server of
``tests/reliability/hostile.py`` (echoed credentials, bodies cut short, invalid gzip, gzip
bombs, a 5 GB Content-Length, implausible tokens, trickling replies), ``atoken``/``arun``
end as ``token``/``run`` do (``tests/reliability/test_hostile_server.py``): the same typed
errors and messages, bounded memory and time."""

from __future__ import annotations

import asyncio
import gzip
import json
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import h11
import pytest

from graphistry_fp import ClientUserPass
from graphistry_fp.errors import GraphistryError, ProtocolError, ServerError, TransportError
from graphistry_fp.interpreters.afailures import HTTPFailure
from graphistry_fp.interpreters.limits import DEFAULT_MAX_REPLY_BYTES
from tests.reliability import hostile
from tests.reliability.hostile import TOKEN, Handler, HostileServer
from tests.reliability.test_secrets import error_texts
from tests.support.clients import TIMEOUT
from tests.support.data import edges_plan

PASSWORD = 'pa"ss wörd-42'


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    """A fresh hostile server per test."""
    server = HostileServer()
    yield server
    server.close()


def user(h: HostileServer, **kw: Any) -> ClientUserPass:
    """A password client for the hostile server: small timeouts, no retries by default."""
    kw.setdefault("timeout", TIMEOUT)
    kw.setdefault("max_retries", 0)
    return ClientUserPass("alice", PASSWORD, server=h.server, protocol="http", **kw)


def afailure(make: Callable[[], Awaitable[Any]], seconds: float = 20.0) -> BaseException:
    """The exception the awaitable ``make()`` raises on a fresh loop, within ``seconds``."""

    async def main() -> BaseException:
        try:
            await asyncio.wait_for(make(), seconds)
        except asyncio.TimeoutError:
            raise AssertionError(f"hung: still running after {seconds} s") from None
        except BaseException as error:
            return error
        raise AssertionError("expected an exception")

    return asyncio.run(main())


def assert_typed(error: BaseException) -> None:
    """A GraphistryError with no raw connection error (h11's, the connection's own, a
    socket's) in it or behind it."""
    assert isinstance(error, GraphistryError), f"raw {type(error).__name__} escaped"
    context: BaseException | None = error
    while context is not None:
        assert not isinstance(context, (h11.ProtocolError, HTTPFailure, OSError))
        context = context.__cause__ or context.__context__


def test_password_echoed_during_an_async_run_is_scrubbed(hostile_server: HostileServer) -> None:
    """Login succeeds, create fails with a 500 echoing the password: the error arun raises
    carries ``<secret>`` in its place, as run's does."""

    def behaviour(handler: Handler) -> None:
        if handler.path == "/api-token-auth/":
            handler.json(200, {"token": TOKEN, "active_organization": {"slug": "acme"}})
        else:
            handler.json(500, {"detail": f"user alice (password {PASSWORD}) over quota"})

    hostile_server.behave(behaviour)
    client = user(hostile_server)
    error = afailure(lambda: client.arun(edges_plan()))
    assert isinstance(error, ServerError)
    assert PASSWORD not in " ".join(error_texts(error))
    assert "(password <secret>) over quota" in str(error)


def test_password_echoed_at_async_login_is_scrubbed(hostile_server: HostileServer) -> None:
    """A 500 echoing the login body: atoken's ServerError holds no password."""
    hostile_server.behave(hostile.echo_credentials)
    client = user(hostile_server)
    error = afailure(client.atoken)
    assert isinstance(error, ServerError)
    assert PASSWORD not in " ".join(error_texts(error))
    assert json.dumps(PASSWORD)[1:-1] not in " ".join(error_texts(error))


def test_body_cut_short_is_a_transport_error(hostile_server: HostileServer) -> None:
    """A chunked login reply cut mid-chunk: TransportError saying so, retried once."""
    hostile_server.behave(hostile.cut_chunked)
    client = user(hostile_server, max_retries=1)
    error = afailure(client.atoken)
    assert_typed(error)
    assert isinstance(error, TransportError)
    assert "cut short" in str(error)
    assert 2 == len(hostile_server.seen)


def test_invalid_gzip_is_a_protocol_error(hostile_server: HostileServer) -> None:
    """``Content-Encoding: gzip`` over a body that is not gzip: ProtocolError."""
    hostile_server.behave(hostile.invalid_gzip)
    error = afailure(user(hostile_server).atoken)
    assert_typed(error)
    assert isinstance(error, ProtocolError)
    assert "not valid gzip" in str(error)


def test_implausible_token_is_refused(hostile_server: HostileServer) -> None:
    """A login token with CR/LF is a ProtocolError and no request is sent with it."""
    hostile_server.behave(hostile.grant(TOKEN + "\r\nX-Injected: yes"))
    client = user(hostile_server)
    error = afailure(lambda: client.arun(edges_plan()))
    assert_typed(error)
    assert isinstance(error, ProtocolError)
    assert ["/api-token-auth/"] == [path for _, path, _, _ in hostile_server.seen]
    assert "X-Injected" not in str(error)


def test_reply_announcing_5_gb_is_refused(hostile_server: HostileServer) -> None:
    """A reply announcing 5 GB is a ProtocolError naming the limit, from its headers."""
    hostile_server.behave(hostile.huge(5 * 10**9, send=8 * 1024 * 1024))
    error = afailure(user(hostile_server).atoken)
    assert_typed(error)
    assert f"announces 5000000000 bytes, over the limit of {DEFAULT_MAX_REPLY_BYTES}" in str(error)


@pytest.mark.parametrize("bomb", [False, True], ids=["no-length", "gzip-bomb"])
def test_big_or_inflating_reply_stops_at_the_cap(hostile_server: HostileServer, bomb: bool) -> None:
    """A reply with no length that keeps sending (6 MB), or a 400 KB gzip inflating to
    420 MB: ProtocolError past the 4 MB cap, Python's peak allocation a few times the cap."""
    hostile_server.behave(hostile.gzip_bomb(400) if bomb else hostile.huge(None, send=6 << 20))
    client = user(hostile_server)
    tracemalloc.start()
    try:
        error = afailure(client.atoken)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, ProtocolError)
    assert ("inflates past" if bomb else "grows past") in str(error)
    assert peak < 3 * DEFAULT_MAX_REPLY_BYTES


def test_compressed_reply_decodes_and_only_gzip_deflate_are_asked(
    hostile_server: HostileServer,
) -> None:
    """An honest gzip login reply logs in; the request asked for ``gzip, deflate`` only."""
    body = json.dumps({"token": TOKEN, "active_organization": {"slug": "acme"}}).encode()
    hostile_server.behave(lambda h: h.reply(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
    assert TOKEN == asyncio.run(user(hostile_server).atoken())
    assert "gzip, deflate" == hostile_server.seen[0][2]["Accept-Encoding"]


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_trickling_reply_hits_the_deadline(hostile_server: HostileServer, in_headers: bool) -> None:
    """A reply trickling a byte every 0.1 s: with request_deadline=1 the async login fails
    with the sync transport's deadline message, long before the trickle ends."""
    hostile_server.behave(hostile.trickle(0.1, in_headers=in_headers, total=400))
    error = afailure(user(hostile_server, request_deadline=1.0).atoken, seconds=10.0)
    assert_typed(error)
    assert isinstance(error, TransportError)
    assert "did not complete within its deadline of 1 s" in str(error)


def test_deadline_covers_retries(hostile_server: HostileServer) -> None:
    """503s with ``Retry-After: 1`` and max_retries=5 stop once the 1.5 s deadline would
    pass: the last 503 becomes the ServerError, fewer than six attempts."""
    hostile_server.behave(lambda h: h.reply(503, b"{}", {"Retry-After": "1"}))
    client = user(hostile_server, max_retries=5, request_deadline=1.5)
    error = afailure(client.atoken, seconds=10.0)
    assert isinstance(error, ServerError)
    assert len(hostile_server.seen) < 6
