"""Before/after figures of issue 17 (server items 1, 2, 4) against a ``serve`` subprocess.

Run from the root of a checkout: the server started is that checkout's
(``python -m graphistry_fp serve`` from the current directory), so running this from the
old and the new checkout gives the two figures::

    python scripts/measure_hardening.py            # all three
    python scripts/measure_hardening.py bomb       # one of: bomb, json, halfopen

* ``bomb``: a ~25 KB IPC file with zstd buffers (two 50M-row int64 columns) uploaded,
  then 8 anonymous viewer reads; the server's peak RSS growth (VmHWM minus RSS at start).
* ``json``: a 50 MB body posted to ``/api-token-auth/`` without a token; the server's
  peak RSS growth, and the longest a small ``GET /`` waited meanwhile.
* ``halfopen``: a server allowed 100 file descriptors, 110 connections that never end
  their headers, then one normal request: its status and how long it took (30 s cap).

Bounded: one server at a time, the bomb is built once (~400 MB in this process briefly).
"""

from __future__ import annotations

import io
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import httpx
import numpy as np
import pyarrow as pa

_LINE = re.compile(r"listening on (http://127\.0\.0\.1:(\d+))")
_MB = 2**20


@contextmanager
def serve(fd_limit: int | None = None) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``serve`` of the checkout in the current directory, with user ``a``/``pw``."""

    def limit() -> None:
        if fd_limit is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

    process = subprocess.Popen(
        [sys.executable, "-m", "graphistry_fp", "serve", "--port", "0", "--user", "a:pw"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert process.stdout is not None
        match = _LINE.search(process.stdout.readline())
        assert match is not None, "the server did not start"
        yield process, match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _rss_growth_mb(pid: int, baseline_kb: int) -> float:
    return (_status_kb(pid, "VmHWM") - baseline_kb) / 1024


def _token(url: str) -> str:
    reply = httpx.post(f"{url}/api-token-auth/", json={"username": "a", "password": "pw"})
    return str(reply.json()["token"])


def bomb() -> None:
    zeros = pa.array(np.zeros(50_000_000, dtype=np.int64))
    sink = io.BytesIO()
    table = pa.table({"s": zeros, "d": zeros})
    with pa.ipc.new_file(
        sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")
    ) as writer:
        writer.write_table(table)
    body = sink.getvalue()
    del table, zeros
    with serve() as (process, url):
        baseline = _status_kb(process.pid, "VmRSS")
        token = _token(url)
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"{url}/api/v2/upload/datasets/",
            json={"edge_encodings": {"bindings": {"source": "s", "destination": "d"}}},
            headers=headers,
        ).json()["data"]["dataset_id"]
        upload = httpx.post(
            f"{url}/api/v2/upload/datasets/{created}/edges/arrow",
            content=body,
            headers=headers,
            timeout=120,
        )
        reads = [
            httpx.get(f"{url}/graph/data/{created}.json", timeout=120).status_code for _ in range(8)
        ]
        print(
            f"bomb: body {len(body) / 1024:.0f} KB -> upload {upload.status_code}, "
            f"8 viewer reads {sorted(set(reads))}, "
            f"server peak RSS growth {_rss_growth_mb(process.pid, baseline):.0f} MB"
        )


def json_body() -> None:
    body = b'{"username": "' + b"a" * (50 * _MB) + b'", "password": "x"}'
    with serve() as (process, url):
        baseline = _status_kb(process.pid, "VmRSS")
        done = threading.Event()
        waits: list[float] = []

        def probe() -> None:
            while not done.is_set():
                start = time.perf_counter()
                httpx.get(f"{url}/", timeout=60)
                waits.append(time.perf_counter() - start)
                time.sleep(0.01)

        prober = threading.Thread(target=probe)
        prober.start()
        time.sleep(0.2)
        status: object
        try:
            reply = httpx.post(f"{url}/api-token-auth/", content=body, timeout=120)
            status = reply.status_code
        except httpx.TransportError as exc:
            status = type(exc).__name__
        time.sleep(0.5)
        done.set()
        prober.join()
        print(
            f"json: 50 MB login body -> {status}, "
            f"server peak RSS growth {_rss_growth_mb(process.pid, baseline):.0f} MB, "
            f"longest GET / meanwhile {max(waits) * 1000:.0f} ms"
        )


def half_open() -> None:
    with serve(fd_limit=100) as (_, url), ExitStack() as stack:
        port = int(url.rsplit(":", 1)[1])
        for _ in range(110):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        start = time.perf_counter()
        try:
            status: object = httpx.get(f"{url}/", timeout=httpx.Timeout(30, connect=10)).status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        print(
            f"halfopen: 110 half-open connections, fd limit 100 -> normal request {status} "
            f"after {time.perf_counter() - start:.1f} s"
        )


MEASURES: dict[str, Callable[[], None]] = {"bomb": bomb, "json": json_body, "halfopen": half_open}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(MEASURES):
        MEASURES[name]()
