"""A small hostile HTTP server (stdlib only) for the clients' limits (issue 17, items 10-13).

:class:`HostileServer` listens on 127.0.0.1 in a thread; each request is answered by the
*behaviour* the test set (a function of the handler), so a test says in a few lines what
the server does wrong: echo the password, cut a chunked body, send invalid gzip or a gzip
bomb, a token with CR/LF, a 5 GB ``Content-Length``, a reply trickling a byte at a time.
Everything it sends is bounded (a few MB at most), and every behaviour stops when the
client hangs up.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: A JWT-shaped token (three base64url segments) the hostile server grants when it must.
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

Behaviour = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Reads the request, then lets the server's behaviour answer it."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers), self.body))
        try:
            self.server.behaviour(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: what a client that stops reading does

    do_GET = do_POST = _handle

    # -- building blocks of behaviours -----------------------------------------------------

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """A whole reply with a Content-Length."""
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def json(self, status: int, obj: object) -> None:
        """A JSON reply."""
        self.reply(status, json.dumps(obj).encode())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    behaviour: Behaviour
    seen: list[tuple[str, str, dict[str, str], bytes]]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client hanging up is what these tests make clients do."""


class HostileServer:
    """The server, on 127.0.0.1:<free port>; ``server`` is ``host:port`` for a client."""

    def __init__(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.behaviour = lambda h: h.json(404, {"detail": "no behaviour set"})
        self._httpd.seen = []
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def server(self) -> str:
        """``127.0.0.1:<port>``."""
        return f"127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def seen(self) -> list[tuple[str, str, dict[str, str], bytes]]:
        """Every request received: (method, path, headers, body)."""
        return self._httpd.seen

    def behave(self, behaviour: Behaviour) -> None:
        """Answer every request from now on with ``behaviour``."""
        self._httpd.behaviour = behaviour

    def close(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()


# -- the behaviours of issue 17 --------------------------------------------------------------


def echo_credentials(handler: Handler) -> None:
    """A 500 whose message echoes the request's body and Authorization header."""
    said = f"cannot log in with {handler.body.decode('latin-1')} / {handler.headers.get('Authorization')}"
    handler.json(500, {"detail": said})


def cut_chunked(handler: Handler) -> None:
    """A chunked 200 that announces a 100-byte chunk, sends 10 bytes and hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    handler.wfile.write(b"64\r\n" + b'{"token": ')
    handler.wfile.flush()
    handler.close_connection = True


def invalid_gzip(handler: Handler) -> None:
    """A 200 that says ``Content-Encoding: gzip`` over a body that is not gzip."""
    handler.reply(200, b"this is not gzip at all", {"Content-Encoding": "gzip"})


def grant(token: str) -> Behaviour:
    """Logins get ``token``; anything else a 404."""

    def behaviour(handler: Handler) -> None:
        if handler.path.startswith(("/api-token-auth/", "/api/v2/auth/")):
            handler.json(200, {"token": token, "active_organization": {"slug": "acme"}})
        else:
            handler.json(404, {"detail": "not here"})

    return behaviour


def huge(announced: int | None, send: int) -> Behaviour:
    """A 200 announcing ``announced`` bytes (None: no Content-Length, read to the close)
    that sends at most ``send`` bytes of JSON-looking filler, then hangs up."""

    def behaviour(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if announced is not None:
            handler.send_header("Content-Length", str(announced))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        block = b" " * 65536
        for _ in range(send // len(block)):
            handler.wfile.write(block)

    return behaviour


def gzip_bomb(compressed_kb: int = 400) -> Behaviour:
    """A 200 whose gzip body is about ``compressed_kb`` KB and inflates about 1000-fold."""
    body = bomb_body(compressed_kb)

    def behaviour(handler: Handler) -> None:
        handler.reply(200, body, {"Content-Encoding": "gzip"})

    return behaviour


@cache
def bomb_body(compressed_kb: int) -> bytes:
    """About ``compressed_kb`` KB of gzip inflating to zeros about 1000-fold: one member
    (8 MB of zeros, about 8 KB) repeated, as gzip allows."""
    member = gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9)
    return member * max(1, compressed_kb * 1024 // len(member))


def trickle(period: float, *, in_headers: bool = False, total: int = 200) -> Behaviour:
    """A reply sent one byte every ``period`` seconds: its body, or (``in_headers``) its
    header block. ``total`` bytes at most: it stops early when the client hangs up."""

    def drip(handler: Handler, data: bytes) -> None:
        for byte in data[:total]:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(period)

    def behaviour(handler: Handler) -> None:
        handler.close_connection = True
        body = json.dumps({"token": TOKEN, "pad": "x" * total}).encode()
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: {'y' * total}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        if in_headers:
            drip(handler, head)
            return
        handler.wfile.write(head)
        handler.wfile.flush()
        drip(handler, body)

    return behaviour
