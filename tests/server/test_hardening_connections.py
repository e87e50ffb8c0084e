"""Issue 17, item 4: connections that never finish a request cannot starve the server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import requests

from graphistry_fp.server import LocalServer

from .cli_process import serve

_PARTIAL_HEAD = b"GET / HTTP/1.1\r\nHost: x\r\n"  # no blank line: the headers never end


def test_110_half_open_connections_do_not_starve_a_request() -> None:
    """A server allowed 100 file descriptors, holding 110 connections that never finish
    their headers, still answers a normal request (the oldest idle connection is shed).

    Fails before the fix: the server could accept nothing more and the request timed out
    (read timeout of 30 s) for as long as the 110 connections stayed open."""
    with serve(["--user", "a:pw"], fd_limit=100) as served, ExitStack() as stack:
        host, port = "127.0.0.1", served.port
        for _ in range(110):
            sock = stack.enter_context(socket.create_connection((host, port), timeout=10))
            sock.sendall(_PARTIAL_HEAD)
        reply = requests.get(f"http://{host}:{port}/", timeout=(10, 30))
        assert 200 == reply.status_code


@pytest.fixture
def srv() -> Iterator[LocalServer]:
    with LocalServer(users=["alice:pw"]) as server:
        yield server


@pytest.mark.parametrize("sent", [b"", _PARTIAL_HEAD])
def test_incomplete_headers_are_timed_out(srv: LocalServer, sent: bytes) -> None:
    """A connection that sends nothing, or half a request, is closed by the server once
    the header deadline passes.

    Fails before the fix: the server kept it open (the recv timed out after 10 s)."""
    srv.header_timeout_s = 0.5
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(sent)
        assert b"" == sock.recv(100)


def test_keep_alive_connection_with_a_late_partial_request_is_timed_out(
    srv: LocalServer,
) -> None:
    """After a first request is answered, a second one whose headers never end is also
    closed at the deadline (the deadline restarts for each request)."""
    srv.header_timeout_s = 0.5
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        first = _read_response(sock)
        assert first.startswith(b"HTTP/1.1 200 ") and first.endswith(b"}")
        sock.sendall(_PARTIAL_HEAD)
        assert b"" == sock.recv(100)


def _read_response(sock: socket.socket) -> bytes:
    """One whole response with a Content-Length (headers and body may arrive apart)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def _upload_head(srv: LocalServer, length: int) -> bytes:
    return (
        f"POST /api-token-auth/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def test_stalled_body_is_408(srv: LocalServer) -> None:
    """A body that stops arriving is answered 408 after the body timeout.

    Fails before the fix: the server waited forever (the recv timed out after 10 s)."""
    srv.body_timeout_s = 0.5
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(_upload_head(srv, 100) + b'{"user')
        assert sock.recv(100).startswith(b"HTTP/1.1 408 ")


def test_trickling_body_is_408(srv: LocalServer) -> None:
    """A body trickling one byte every 0.2 s (never pausing past the timeout) is cut off
    with 408 once it has taken the body timeout at under the minimum rate.

    Fails before the fix: the trickle was read to the end (a 401 after 8 s)."""
    srv.body_timeout_s = 1.0
    srv.min_body_rate = 1000
    body = b'{"username": "alice", "password": "x"}'
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(_upload_head(srv, len(body)))
        sock.settimeout(0.2)
        reply = b""
        for byte in body:
            try:
                sock.sendall(bytes([byte]))
                reply = sock.recv(100)
            except TimeoutError:
                continue
            except OSError:
                break
            if reply:
                break
    assert reply.startswith(b"HTTP/1.1 408 ")
