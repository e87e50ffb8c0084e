"""The transport sends what ``requests`` would, straight into urllib3's pool (sender.py).

A small capture server on 127.0.0.1 (a real socket: it records each request's bytes and
answers ``{"success": true}``) receives the same requests from the transport and from a
plain ``requests.Session`` configured as the transport used to be; their bytes must be
equal. The other tests cover what the sender decides once (proxies) or refuses before
sending (headers HTTP does not allow).
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pytest
import requests

from graphistry_fp.effects.tables import to_ipc_file
from graphistry_fp.errors import ProtocolError, TransportError
from graphistry_fp.interpreters.config import Config
from graphistry_fp.interpreters.streaming import StreamBody, request_data
from graphistry_fp.interpreters.transport import Transport
from graphistry_fp.interpreters.wire import Request
from tests.support.sockets import certificate, serve_connections

REPLY = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
REPLY += b'{"success": true}'


class Capture:
    """Accepts connections and records every request (head and de-chunked body)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.seen: list[bytes] = []
        self.done = threading.Semaphore(0)
        serve_connections(self.sock, self._serve)

    def _serve(self, conn: socket.socket) -> None:
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):  # the client refused our certificate
                conn.close()
                return
        with conn, conn.makefile("rb") as stream:
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = stream.readline()
                    if not line:
                        return
                    head += line
                fields = dict(
                    line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if line
                )
                body = b""
                if "Content-Length" in fields:
                    body = stream.read(int(fields["Content-Length"]))
                elif fields.get("Transfer-Encoding") == "chunked":
                    while size := int(stream.readline().strip(), 16):
                        body += stream.read(size)
                        stream.readline()
                    stream.readline()
                self.seen.append(head + body)
                conn.sendall(REPLY)
                self.done.release()

    def take(self) -> bytes:
        """The next request received (waits up to 10 s)."""
        assert self.done.acquire(timeout=10)
        return self.seen.pop(0)


@pytest.fixture
def capture() -> Iterator[Capture]:
    server = Capture()
    yield server
    server.sock.close()


def _via_requests(base: str, request: Request, bearer: str | None) -> None:
    """``request`` sent as the transport sent it through ``requests`` before sender.py."""
    headers = dict(request.headers)
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    kwargs: dict[str, Any] = {}
    if request.json is not None:
        kwargs["json"] = request.json
    elif request.form is not None:
        kwargs["data"] = dict(request.form)
    elif request.body is not None:
        kwargs["data"] = request_data(request.body)
    with requests.Session() as session:
        session.trust_env = False
        session.headers["Accept-Encoding"] = "gzip, deflate"
        session.request(request.method, base + request.path, headers=headers, timeout=10,
                        allow_redirects=False, **kwargs).close()  # fmt: skip


def _cases() -> list[tuple[Request, str | None]]:
    arrow = to_ipc_file(pa.table({"s": [1, 2, 3]}))
    return [
        (
            Request(
                "POST",
                "/api/v2/upload/datasets/",
                json={"a": 1, "b": "é", "c": [1.5, None]},
                idempotent=False,
            ),
            "aaa.bbb.ccc",
        ),
        (Request("POST", "/api/v2/upload/datasets/d 1/edges/arrow", body=arrow), "aaa.bbb.ccc"),
        (
            Request("POST", "/api-token-auth/", form={"username": "al ice", "password": "p&w=é"}),
            None,
        ),
        (
            Request(
                "GET", "/api/v2/auth/pkey/jwt/", headers=(("Authorization", "PersonalKey k:s"),)
            ),
            None,
        ),
        (Request("POST", "/api/v2/share/link/"), "aaa.bbb.ccc"),
        (Request("POST", "/chunked", body=StreamBody(lambda: [b"ab", b"", b"cd"])), None),
        (Request("POST", "/counted", body=StreamBody(lambda: [b"ab", b"cd"], length=4)), None),
    ]


def test_the_wire_is_the_bytes_requests_sends(capture: Capture) -> None:
    """JSON, form, Arrow buffer, personal-key header, empty POST, chunked and counted
    streamed bodies: every byte on the wire (request line, headers in order, body) is
    what a ``requests.Session`` sends for the same request."""
    base = f"http://127.0.0.1:{capture.port}"
    transport = Transport(Config(server=f"127.0.0.1:{capture.port}", protocol="http"))
    try:
        for request, bearer in _cases():
            response = transport.send(request, bearer)
            ours = capture.take()
            _via_requests(base, request, bearer)
            theirs = capture.take()
            assert theirs == ours
            assert (200, b'{"success": true}') == (response.status, response.content)
    finally:
        transport.close()


def test_an_http_proxy_gets_the_absolute_url_chosen_once(
    capture: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``HTTP_PROXY`` is read when the client is made: the request goes to the proxy with
    the absolute URL (as requests sends it); a change of the variable afterwards does not
    move it (the environment is not read per request)."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{capture.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    transport = Transport(Config(server="graphistry.example:8080", protocol="http"))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    try:
        assert 200 == transport.send(Request("GET", "/api/ping/")).status
    finally:
        transport.close()
    first_line = capture.take().split(b"\r\n", 1)[0]
    assert b"GET http://graphistry.example:8080/api/ping/ HTTP/1.1" == first_line


@pytest.mark.parametrize(
    ("value", "why"),
    [("PersonalKey k:s\r\nX-Evil: 1", "line break"), ("PersonalKey k:€", "Latin-1")],
)
def test_a_header_http_cannot_carry_is_refused_before_sending(
    capture: Capture, value: str, why: str
) -> None:
    """A header value with a line break, or a character outside Latin-1 (which
    http.client would fail to encode with a raw UnicodeEncodeError), is a ProtocolError
    that does not quote the value, and nothing reaches the server."""
    transport = Transport(Config(server=f"127.0.0.1:{capture.port}", protocol="http"))
    try:
        with pytest.raises(ProtocolError) as info:
            transport.send(Request("GET", "/x", headers=(("Authorization", value),)))
    finally:
        transport.close()
    assert "characters HTTP does not allow" in str(info.value), why
    assert "k:" not in str(info.value)
    assert [] == capture.seen


def test_a_missing_ca_bundle_is_a_transport_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """``REQUESTS_CA_BUNDLE`` naming no file: an https request fails with a typed
    TransportError (requests' own check, made when the pool is first used), not a raw
    OSError."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    transport = Transport(Config(server="127.0.0.1:9", protocol="https", max_retries=0))
    try:
        with pytest.raises(TransportError) as info:
            transport.send(Request("GET", "/x"))
    finally:
        transport.close()
    assert "connection failed" in str(info.value)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_is_verified_against_the_ca_bundle_read_at_construction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over TLS to a server with a self-signed certificate: refused by default (typed
    TransportError, nothing received); accepted with ``REQUESTS_CA_BUNDLE`` naming the
    certificate when the client is made (unsetting it afterwards changes nothing); and
    accepted unverified with ``certificate_validation=False``."""
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = Capture(tls=context)
    config = Config(server=f"127.0.0.1:{server.port}", protocol="https", max_retries=0)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    try:
        default = Transport(config)
        with pytest.raises(TransportError) as info:
            default.send(Request("GET", "/default"))
        default.close()
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        bundled = Transport(config)
        monkeypatch.delenv("REQUESTS_CA_BUNDLE")
        statuses = [bundled.send(Request("GET", "/bundle")).status]
        bundled.close()
        unverified = Transport(attrs.evolve(config, certificate_validation=False))
        statuses.append(unverified.send(Request("GET", "/unverified")).status)
        unverified.close()
        firsts = [server.take().split(b"\r\n", 1)[0] for _ in range(2)]
    finally:
        server.sock.close()
    assert "connection failed" in str(info.value)
    assert [200, 200] == statuses
    assert [b"GET /bundle HTTP/1.1", b"GET /unverified HTTP/1.1"] == firsts
    assert [] == server.seen
