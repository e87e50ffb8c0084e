"""Small helpers shared by the HTTP test suites (interpreters, reliability)."""

from __future__ import annotations

import re
import time
from typing import Any

from graphistry_fp.server import LocalServer

#: A JWT as it appears on the wire or in text.
JWT_RE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def settled_log(srv: LocalServer) -> list[Any]:
    """The server's request log once it stops growing (two reads 50 ms apart agree).

    A request the client abandoned (a timeout, a reset) can be logged after the client has
    moved on; waiting (up to 2 s) keeps such late entries out of the next assertion.
    """
    deadline = time.monotonic() + 2.0
    log = srv.request_log()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        again = srv.request_log()
        if len(again) == len(log):
            return again
        log = again
    return log
