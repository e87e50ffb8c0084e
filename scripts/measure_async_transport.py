"""The async transport's own cost: the event loop's CPU per request, against a tiny server.

Run from the root of a checkout (its ``graphistry_fp`` is the one measured), so running it
from the old and the new checkout gives the two figures::

    python scripts/measure_async_transport.py          # 1 and 8 requests in flight

Each request is an upload-shaped POST (a 20 KB body) or a create-shaped JSON POST,
alternately, on one loop, to a stdlib HTTP/1.1 server in a thread that answers each with
a small JSON reply in one write. The figure is the loop thread's CPU (``time.thread_time``)
per request, which the server thread's work does not count; bounded: 2 x 300 requests.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

sys.path.insert(0, os.getcwd())

from graphistry_fp.interpreters.async_transport import AsyncTransport
from graphistry_fp.interpreters.config import make_config
from graphistry_fp.interpreters.wire import Request

REPLY = b'{"success": true, "data": {"dataset_id": "abc"}}'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(REPLY)}\r\n\r\n"
        )
        self.wfile.write(head.encode() + REPLY)


async def _measure(transport: AsyncTransport, per_task: int, tasks: int) -> float:
    requests = [
        Request(
            "POST", "/api/v2/upload/datasets/x/edges/arrow", body=os.urandom(20_000),
            bearer="a.b.c", what="upload",
        ),
        Request(
            "POST", "/api/v2/upload/datasets/", json={"name": "x", "metadata": {}},
            bearer="a.b.c", what="create",
        ),
    ]

    async def worker() -> None:
        for i in range(per_task):
            await transport.send(requests[i % 2])

    await worker()  # warm: connections open, modules loaded
    started = time.thread_time()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return (time.thread_time() - started) / (per_task * tasks)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{server.server_address[1]}"
    try:
        for tasks in (1, 8):
            transport = AsyncTransport(make_config(address, "http", {}))
            seconds = asyncio.run(_measure(transport, 300 // tasks, tasks))
            print(f"{tasks} in flight: {seconds * 1e6:.0f} us of loop CPU per request")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
