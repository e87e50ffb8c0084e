"""The clients against a hostile server (issue 17, items 10-13), sync and async.

The server is a small stdlib one on 127.0.0.1 (``hostile.py``): it echoes credentials,
cuts bodies short, sends invalid gzip, gzip bombs, CR/LF tokens, a 5 GB Content-Length,
replies trickling a byte at a time. Every one of these tests failed on the code before the
fix; each docstring says how. Everything is bounded: a few MB sent at most, short
deadlines, ``bounded()`` around anything that could hang. A test that takes a ``driver``
runs once with ``token``/``run`` and once with ``atoken``/``arun``
(:mod:`tests.support.drivers`): both end the same way, with the same typed errors and
messages, in bounded memory and time.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

import graphistry_fp as graphistry
from graphistry_fp import ClientAPIKey, ClientJWT, ClientUserPass
from graphistry_fp.errors import (
    ConfigError,
    ProtocolError,
    ServerError,
    TransportError,
)
from graphistry_fp.interpreters import auth_flows
from graphistry_fp.interpreters.limits import (
    DEFAULT_MAX_REPLY_BYTES,
    MIN_UPLOAD_RATE,
    deadline_seconds,
)
from graphistry_fp.interpreters.replies import scrub
from graphistry_fp.interpreters.wire import Response
from tests.support.clients import TIMEOUT
from tests.support.data import edges_plan
from tests.support.drivers import DRIVERS, SYNC, Driver
from tests.support.threads import bounded

from . import hostile
from .hostile import TOKEN, Handler, HostileServer
from .test_secrets import error_texts

PASSWORD = 'pa"ss wörd-42'
KEY_ID = "key-id-7f3a"
KEY_SECRET = "s3cr3t/key+value"


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


#: Each test taking ``driver`` runs once per driver.
by_driver = pytest.mark.parametrize("driver", DRIVERS, ids=str)


# -- item 10: every credential the client holds is scrubbed ---------------------------------


@by_driver
def test_password_echoed_at_login_is_scrubbed(hostile_server: HostileServer, driver: Driver) -> None:
    """A 500 echoing the login body (the password, JSON-escaped) yields a ServerError
    without the password anywhere. Before the fix the message read ``cannot log in with
    {"username": "alice", "password": "pa\\"ss w\\u00f6rd-42"}``: only JWTs were scrubbed."""
    hostile_server.behave(hostile.echo_credentials)
    with user(hostile_server) as client:
        error = driver.failure(client, "token")
    assert isinstance(error, ServerError)
    texts = " ".join(error_texts(error))
    assert json.dumps(PASSWORD)[1:-1] not in texts
    assert PASSWORD not in texts
    assert "<secret>" in str(error)


@by_driver
def test_personal_key_echoed_is_scrubbed(hostile_server: HostileServer, driver: Driver) -> None:
    """A 500 echoing ``Authorization: PersonalKey id:secret`` yields an error naming
    neither the key id nor its secret. Before the fix both were in the message."""
    hostile_server.behave(hostile.echo_credentials)
    client = ClientAPIKey(
        KEY_ID, KEY_SECRET, server=hostile_server.server, protocol="http", timeout=TIMEOUT,
        max_retries=0,
    )  # fmt: skip
    with client:
        error = driver.failure(client, "token")
    texts = " ".join(error_texts(error))
    assert (False, False) == (KEY_SECRET in texts, KEY_ID in texts)
    assert "<secret>" in str(error)


@by_driver
def test_password_echoed_during_a_run_is_scrubbed(
    hostile_server: HostileServer, driver: Driver
) -> None:
    """The login succeeds, then creating the dataset fails with a 500 echoing the password
    the server was sent: the run's error does not carry it. Before the fix it did."""

    def behaviour(handler: Handler) -> None:
        if handler.path == "/api-token-auth/":
            handler.json(200, {"token": TOKEN, "active_organization": {"slug": "acme"}})
        else:
            handler.json(500, {"detail": f"user alice (password {PASSWORD}) over quota"})

    hostile_server.behave(behaviour)
    with user(hostile_server) as client:
        error = driver.failure(client, "run", edges_plan())
    assert isinstance(error, ServerError)
    assert PASSWORD not in " ".join(error_texts(error))
    assert "(password <secret>) over quota" in str(error)


def test_scrub_removes_each_form_a_secret_travels_in() -> None:
    """A secret is removed as is, JSON-escaped and URL-encoded (quote and quote_plus);
    secrets under 4 characters are left (replacing them would spell them out)."""
    secret = 'p@ss/wörd "x"'
    text = (
        f"raw {secret} | json {json.dumps(secret)[1:-1]} | "
        f"json-utf8 {json.dumps(secret, ensure_ascii=False)[1:-1]} | "
        "url p%40ss%2Fw%C3%B6rd%20%22x%22 | form p%40ss%2Fw%C3%B6rd+%22x%22"
    )
    expected = "raw <secret> | json <secret> | json-utf8 <secret> | url <secret> | form <secret>"
    assert expected == scrub(text, [secret])
    assert "the pw is abc" == scrub("the pw is abc", ["abc"])


# -- item 11: raw requests errors are typed; implausible tokens are refused ------------------


@by_driver
def test_chunked_body_cut_short_is_a_transport_error(
    hostile_server: HostileServer, driver: Driver
) -> None:
    """A chunked login reply cut mid-chunk is a TransportError saying so, retried like a
    dropped connection. Before the fix ``requests.exceptions.ChunkedEncodingError``
    escaped from ``client.token()``."""
    hostile_server.behave(hostile.cut_chunked)
    with user(hostile_server, max_retries=1) as client:
        error = driver.failure(client, "token")
    driver.assert_typed(error)
    assert isinstance(error, TransportError)
    assert "cut short" in str(error)
    assert 2 == len(hostile_server.seen)


@by_driver
def test_invalid_gzip_is_a_protocol_error(hostile_server: HostileServer, driver: Driver) -> None:
    """``Content-Encoding: gzip`` over a body that is not gzip is a ProtocolError. Before
    the fix ``requests.exceptions.ContentDecodingError`` escaped."""
    hostile_server.behave(hostile.invalid_gzip)
    with user(hostile_server) as client:
        error = driver.failure(client, "token")
    driver.assert_typed(error)
    assert isinstance(error, ProtocolError)
    assert "not valid gzip" in str(error)


@pytest.mark.parametrize(
    "token",
    [
        TOKEN + "\r\nX-Injected: yes",
        "opaque-token-without-dots",
        "a.b c.d",
        "a." + "b" * 9000 + ".c",
    ],
    ids=["crlf", "not-three-segments", "space", "too-long"],
)
@by_driver
def test_implausible_login_token_is_refused(
    hostile_server: HostileServer, token: str, driver: Driver
) -> None:
    """A login reply whose token is not a plausible JWT (CR/LF, not three base64url
    segments, a space, over 8192 characters) is a ProtocolError at login, and no further
    request is sent with it. Before the fix the token was accepted: the CR/LF one then
    made ``requests.exceptions.InvalidHeader`` escape from ``run()``, the others were
    sent as bearer tokens."""
    hostile_server.behave(hostile.grant(token))
    with user(hostile_server) as client:
        error = driver.failure(client, "run", edges_plan())
    driver.assert_typed(error)
    assert isinstance(error, ProtocolError)
    assert "not a JWT" in str(error) or "characters" in str(error)
    assert ["/api-token-auth/"] == [path for _, path, _, _ in hostile_server.seen]
    assert "X-Injected" not in str(error)


@pytest.mark.parametrize("flow", ["refresh", "switch"])
def test_implausible_refresh_or_switch_token_is_refused(flow: str) -> None:
    """A refresh or org-switch reply carrying a token with CR/LF is a ProtocolError (the
    flows, fed a canned reply). Before the fix the token was returned and used."""
    steps = auth_flows.refresh(TOKEN) if flow == "refresh" else auth_flows.switch_org(TOKEN, "acme")
    next(steps)
    reply = {"status": "OK", "token": TOKEN + "\r\nX-Injected: yes"}
    with pytest.raises(ProtocolError, match="not a JWT"):
        steps.send(Response(200, content=json.dumps(reply).encode()))


@pytest.mark.parametrize(
    "make",
    [
        lambda: ClientJWT(TOKEN + "\r\nX: y", server="h:1", protocol="http"),
        lambda: ClientAPIKey("id\n", "secret", server="h:1", protocol="http"),
        lambda: ClientAPIKey("id", "sec\r\nret", server="h:1", protocol="http"),
    ],
    ids=["jwt", "key-id", "key-secret"],
)
def test_control_characters_in_header_credentials_refused_at_construction(make: Any) -> None:
    """A token or personal key with a line break cannot travel in a header: ConfigError
    at construction, not naming the value. Before the fix the client was built and its
    first request raised ``requests.exceptions.InvalidHeader`` quoting the header."""
    with pytest.raises(ConfigError, match="control character") as caught:
        make()
    assert "sec" not in str(caught.value).replace("secret", "")


# -- item 12: reply size is capped ------------------------------------------------------------


@by_driver
def test_reply_announcing_5_gb_is_refused_before_reading(
    hostile_server: HostileServer, driver: Driver
) -> None:
    """A login reply announcing 5 GB (and sending 8 MB before hanging up) is a
    ProtocolError naming the limit, read no further than its headers. Before the fix the
    client buffered what came and ``requests.exceptions.ChunkedEncodingError`` escaped
    (the issue's server sent 300 MB: all buffered)."""
    hostile_server.behave(hostile.huge(5 * 10**9, send=8 * 1024 * 1024))
    with user(hostile_server) as client:
        error = driver.failure(client, "token")
    driver.assert_typed(error)
    assert isinstance(error, ProtocolError)
    assert f"announces 5000000000 bytes, over the limit of {DEFAULT_MAX_REPLY_BYTES}" in str(error)


@by_driver
@pytest.mark.parametrize(
    ("bomb", "message", "peak_cap"),
    [
        (False, "grows past the limit", 2 * DEFAULT_MAX_REPLY_BYTES + 2 * 1024 * 1024),
        (True, "inflates past the limit", 3 * DEFAULT_MAX_REPLY_BYTES),
    ],
    ids=["no-length", "gzip-bomb"],
)
def test_big_or_inflating_reply_stops_at_the_cap(
    hostile_server: HostileServer, driver: Driver, bomb: bool, message: str, peak_cap: int
) -> None:
    """A reply with no Content-Length that keeps sending (6 MB, read to the close), or a
    400 KB gzip reply that inflates to 420 MB, is a ProtocolError once it (inflated)
    passes max_reply_bytes (4 MB), and Python's peak allocation stays within about the cap
    (a few times it for the bomb). Before the fix all of the first was buffered, then
    refused as not JSON; the whole 420 MB was inflated in memory (peak over 800 MB)."""
    hostile_server.behave(hostile.gzip_bomb(400) if bomb else hostile.huge(None, send=6 << 20))
    with user(hostile_server) as client:
        tracemalloc.start()
        try:
            error = driver.failure(client, "token")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(error, ProtocolError)
    assert message in str(error)
    assert peak < peak_cap


def test_refused_replies_do_not_leak_pooled_connections(hostile_server: HostileServer) -> None:
    """40 replies refused for their size (more than the 32 pooled connections), then a
    good login on the same client works: a half-read reply's connection is closed and its
    pool slot freed. Before the fix each refused reply escaped as a raw requests error."""
    hostile_server.behave(hostile.huge(5 * 10**9, send=0))
    with user(hostile_server) as client:
        for _ in range(40):
            assert isinstance(SYNC.failure(client, "token"), ProtocolError)
        hostile_server.behave(hostile.grant(TOKEN))
        assert TOKEN == bounded(10, client.token)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
@by_driver
def test_compressed_replies_still_decode(
    hostile_server: HostileServer, encoding: str, driver: Driver
) -> None:
    """An honest compressed login reply (gzip, zlib deflate, raw deflate) still logs in:
    the client decodes replies itself, and asks only for gzip and deflate. Before the fix
    there was no own decoder (this guards the fix, and passed before)."""
    body = json.dumps({"token": TOKEN, "active_organization": {"slug": "acme"}}).encode()
    if encoding == "gzip":
        data = gzip.compress(body)
    elif encoding == "deflate":
        data = zlib.compress(body)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = packer.compress(body) + packer.flush()
    name = "gzip" if encoding == "gzip" else "deflate"
    hostile_server.behave(lambda h: h.reply(200, data, {"Content-Encoding": name}))
    with user(hostile_server) as client:
        assert TOKEN == driver.call(client, "token", seconds=10)
    assert "gzip, deflate" == hostile_server.seen[0][2]["Accept-Encoding"]


@pytest.mark.parametrize("value", [0, 1000, -1, True, "4MB", 1.5e6])
def test_max_reply_bytes_is_validated(value: object) -> None:
    """max_reply_bytes must be an integer of at least 16 KB: else ConfigError. Before the
    fix the option did not exist (ConfigError 'unknown option', not this one)."""
    with pytest.raises(ConfigError, match="max_reply_bytes must be"):
        ClientUserPass("u", "p", server="h:1", protocol="http", max_reply_bytes=value)


@pytest.mark.parametrize("value", [0, -5, float("nan"), float("inf"), "60", None])
def test_request_deadline_is_validated(value: object) -> None:
    """request_deadline must be a positive, finite number of seconds: else ConfigError.
    Before the fix the option did not exist (ConfigError 'unknown option', not this one)."""
    with pytest.raises(ConfigError, match="request_deadline must be"):
        ClientUserPass("u", "p", server="h:1", protocol="http", request_deadline=value)


def test_limits_are_options_with_defaults() -> None:
    """The defaults (4 MiB, 300 s) apply unless given; given values are kept. Before the
    fix neither option existed."""
    default = graphistry.ClientUserPass("u", "p", server="h:1", protocol="http")
    given = graphistry.ClientUserPass(
        "u", "p", server="h:1", protocol="http", max_reply_bytes=65536, request_deadline=7
    )
    assert (4 * 1024 * 1024, 300.0) == (
        default.config.max_reply_bytes,
        default.config.request_deadline,
    )
    assert (65536, 7.0) == (given.config.max_reply_bytes, given.config.request_deadline)


# -- item 13: an overall deadline per request -------------------------------------------------


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
@by_driver
def test_trickling_reply_hits_the_deadline(
    hostile_server: HostileServer, in_headers: bool, driver: Driver
) -> None:
    """A reply (its body, or its header block) trickling a byte every 0.1 s never hits the
    5 s read timeout; with request_deadline=1 the login fails with a TransportError naming
    the deadline, long before the trickle ends (about 40 s). Before the fix the option
    did not exist, and without it the client waited for the whole trickle (``bounded``
    would report a hang)."""
    hostile_server.behave(hostile.trickle(0.1, in_headers=in_headers, total=400))
    with user(hostile_server, request_deadline=1.0) as client:
        error = driver.failure(client, "token", seconds=10.0)
    driver.assert_typed(error)
    assert isinstance(error, TransportError)
    assert "did not complete within its deadline of 1 s" in str(error)


@by_driver
def test_deadline_covers_retries(hostile_server: HostileServer, driver: Driver) -> None:
    """The deadline bounds a request with all its retries: 503s with ``Retry-After: 1``
    and max_retries=5 stop once the 1.5 s deadline would pass (the last 503 becomes the
    ServerError). Before the fix the option did not exist."""
    hostile_server.behave(lambda h: h.reply(503, b"{}", {"Retry-After": "1"}))
    with user(hostile_server, max_retries=5, request_deadline=1.5) as client:
        error = driver.failure(client, "token", seconds=10.0)
    assert isinstance(error, ServerError)
    assert len(hostile_server.seen) < 6


def test_deadline_scales_with_the_upload_body() -> None:
    """A request's deadline is request_deadline plus a second per 100 KB of body, capped
    by the request's own limit: a 100 MB upload gets 1000 s more, a login none. Before the
    fix there was no deadline at all (no such function: ImportError)."""
    assert 300.0 == deadline_seconds(300.0, 0)
    assert 300.0 + 100_000_000 / MIN_UPLOAD_RATE == deadline_seconds(300.0, 100_000_000)
    assert 1300.0 == deadline_seconds(300.0, 100_000_000)
    assert 2.5 == deadline_seconds(300.0, 100_000_000, cap=2.5)
