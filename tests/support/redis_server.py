"""A real redis-server on 127.0.0.1 with a random port, for the token-store tests.

Debian's ``redis-server`` binary (``.ci/run`` installs it when missing). The process keeps
no data on disk (``--save ''``, no AOF), so a stop and a start on the same port is an empty
Redis, as after a crash without persistence.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process that can be stopped and started again on its port."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start the server and wait (up to 10 s) until it accepts connections."""
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--loglevel", "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start within 10 s")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait for it."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def dump(self) -> bytes:
        """Every key and value in this Redis, concatenated (for "nothing in clear" checks)."""
        import redis

        plain = redis.Redis.from_url(self.url)
        out = b""
        for key in plain.scan_iter("*"):
            out += key + b"\n"
            kind = plain.type(key)
            if kind == b"hash":
                out += b"".join(k + b"=" + v + b"\n" for k, v in plain.hgetall(key).items())
            elif kind == b"string":
                out += (plain.get(key) or b"") + b"\n"
        return out

    def client(self) -> object:
        """A plain redis-py client on this server (for inspecting what the store wrote)."""
        import redis

        return redis.Redis.from_url(self.url)


def start_redis() -> RedisServer:
    """A started redis-server on a free port; fails the test when the binary is missing."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: apt-get install -y redis-server (.ci/run does)")
    return RedisServer(binary, _free_port()).start()


@pytest.fixture(scope="module")
def redis_server_module() -> Iterator[RedisServer]:
    """One redis-server for a test module."""
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server(redis_server_module: RedisServer) -> Iterator[RedisServer]:
    """The module's redis-server, emptied (FLUSHALL) before the test; restarted if a test
    stopped it."""
    if redis_server_module.process is None:
        redis_server_module.start()
    import redis

    redis.Redis.from_url(redis_server_module.url).flushall()
    yield redis_server_module
    if redis_server_module.process is None:
        redis_server_module.start()
