"""Scenario 4: 50 threads x 1 plot on one client, right after its token expired.

The server issues short-lived tokens (``--token-ttl``); each library logs in once, waits
until the token's ``exp`` has passed, then 50 threads released by one barrier plot a small
graph each on that one client. Counted: login and refresh requests sent during the 50 plots
(graphistry_fp's target: 1, a single-flight re-login), failed plots, and datasets stored
with the wrong owner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import graphistry as _graphistry
import jwt

import graphistry_fp as fp

from ._measure import auth_requests, counting, graph
from ._server import ServerProcess

#: pygraphistry re-exports its API without __all__; typed loosely here.
pyg: Any = _graphistry

THREADS = 50
TTL_S = 6
LATENCY_MS = 50
USER = "tok:pw:tokorg"


def _wait_past_expiry(token: str) -> None:
    exp = float(jwt.decode(token, options={"verify_signature": False})["exp"])
    time.sleep(max(0.0, exp - time.time()) + 0.3)


def _one(plot: Callable[[int], None]) -> tuple[int, int, float]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            plot(i)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    with counting() as sent:
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
    return auth_requests(sent), len(errors), wall


def run(log: Callable[[str], None]) -> dict[str, Any]:
    """Both libraries once (the counts do not depend on timing noise the way times do)."""
    e, n = graph(1_000, 100)
    out: dict[str, Any] = {}
    with ServerProcess([USER], latency_ms=LATENCY_MS, token_ttl=TTL_S) as srv:
        c = fp.ClientUserPass("tok", "pw", server=srv.server, protocol="http")
        _wait_past_expiry(c.token())
        ours = _one(
            lambda i: (
                fp.client(c).edges(e, "s", "d").nodes(n, "n").name(f"ours-{i}").plot() and None
            )
        )
        c.close()

        p = pyg.client()
        p.register(api=3, protocol="http", server=srv.server, username="tok", password="pw")
        _wait_past_expiry(str(p.api_token()))
        theirs = _one(
            lambda i: (
                p.edges(e, "s", "d").nodes(n, "n").name(f"pyg-{i}").plot(render=False) and None
            )
        )

        stored = srv.datasets()
        for lib, (auth, failed, wall) in (("ours", ours), ("pyg", theirs)):
            mine = [d for d in stored if d.name.startswith(lib + "-")]
            good = sum(
                1 for d in mine if (d.owner, d.edges_uploader, d.nodes_uploader) == ("tok",) * 3
            )
            out[lib] = {"auth_requests": auth, "failed": failed, "wall": wall, "stored_ok": good}
            log(f"  tokens {lib}: {auth} login/refresh requests, {failed} failed, "
                f"{good}/{THREADS} stored, {wall:.2f} s")  # fmt: skip
    return out
