"""A tiny HTTP proxy, for the async transport's proxy route.

:class:`Proxy` listens on 127.0.0.1 (real sockets, a thread per direction): ``CONNECT
host:port`` opens a tunnel (bytes piped both ways), an absolute-form request
(``GET http://host:port/path``) is forwarded to its origin in origin-form, request after
request on one keep-alive connection (bodies by ``Content-Length``). It records the head of
every request it reads (first line, headers), and can refuse everything with a 407.
"""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

from tests.support.sockets import serve_connections

Head = tuple[str, dict[str, str]]


def _read_head(sock: socket.socket, rest: bytes) -> tuple[bytes, bytes] | None:
    """(head, what follows it) from ``sock``, or None at end of file."""
    data = rest
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            return None
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Proxy:
    """The proxy (see the module's docstring); ``refuse``: answer every request with it."""

    def __init__(self, refuse: int | None = None) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.refuse = refuse
        self.heads: list[Head] = []
        serve_connections(self._listener, self._serve)

    def url(self, userinfo: str = "") -> str:
        """``http://[userinfo@]127.0.0.1:<port>``."""
        return f"http://{userinfo}127.0.0.1:{self._listener.getsockname()[1]}"

    def close(self) -> None:
        """Stop accepting."""
        self._listener.close()

    def _record(self, head: bytes) -> tuple[str, list[str]]:
        first, *lines = head.decode("latin-1").split("\r\n")
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        self.heads.append((first, {k.strip().lower(): v.strip() for k, v in fields.items()}))
        return first, lines

    def _serve(self, conn: socket.socket) -> None:
        got = _read_head(conn, b"")
        if got is None:
            conn.close()
            return
        head, rest = got
        first, lines = self._record(head)
        if self.refuse is not None:
            conn.sendall(f"HTTP/1.1 {self.refuse} Refused\r\nContent-Length: 0\r\n\r\n".encode())
            conn.close()
            return
        method, target, _ = first.split(" ")
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream = socket.create_connection((host.strip("[]"), int(port)))
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            threading.Thread(target=_pipe, args=(upstream, conn), daemon=True).start()
            _pipe(conn, upstream)
            return
        url = urlsplit(target)
        upstream = socket.create_connection((url.hostname or "", url.port or 80))
        threading.Thread(target=_pipe, args=(upstream, conn), daemon=True).start()
        self._forward(conn, upstream, first, lines, rest)

    def _forward(
        self, conn: socket.socket, upstream: socket.socket, first: str, lines: list[str], rest: bytes
    ) -> None:
        """Request after request: the target made origin-form, the body copied."""
        try:
            while True:
                method, target, version = first.split(" ")
                url = urlsplit(target)
                path = url.path + (f"?{url.query}" if url.query else "")
                length = 0
                for line in lines:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                while len(rest) < length:
                    more = conn.recv(65536)
                    if not more:
                        return
                    rest += more
                head = "\r\n".join([f"{method} {path} {version}", *lines]) + "\r\n\r\n"
                upstream.sendall(head.encode("latin-1") + rest[:length])
                got = _read_head(conn, rest[length:])
                if got is None:
                    return
                first, lines = self._record(got[0])
                rest = got[1]
        except OSError:
            pass
        finally:
            _pipe(conn, upstream)
