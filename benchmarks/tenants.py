"""Scenario 1: multi-tenant throughput, 8 tenants x 4 plots from 8 threads, 50 ms latency.

Three ways to serve many tenants from one process, timed to the last plot's URL:

* ``ours``: one graphistry_fp ``ClientUserPass`` per tenant, ``graphistry.client(c)``;
* ``pyg client``: pygraphistry's per-tenant ``c = graphistry.client(); c.register(...)``;
* ``pyg lock``: the lock-and-register workaround of SEED.md (a global lock around
  ``graphistry.register(...)`` + ``plot()``).

One thread per tenant, each plotting its 10k-edge + 1k-node graph four times. The two
per-tenant-client variants are timed twice: *cold* (each thread creates and logs in its
client inside the timed block) and *warm* (the clients of a long-running app: logged in
first, untimed; then the 32 plots are timed). Afterwards
every dataset is checked against the server's database: owner, org and both uploaders
must be the tenant's, with the right row counts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import graphistry as _graphistry

import graphistry_fp as fp

from ._measure import counting, graph, median
from ._server import ServerProcess

#: pygraphistry re-exports its API without __all__; typed loosely here.
pyg: Any = _graphistry

TENANTS = 8
PLOTS = 4
EDGES = 10_000
NODES = 1_000
LATENCY_MS = 50
USERS = [f"tenant{i}:pw{i}:org{i}" for i in range(TENANTS)]
VARIANTS = ("ours", "pyg client", "pyg lock")


class _Tenants:
    """One way of serving the tenants: ``login(i)`` makes tenant ``i``'s client (None where
    there is none to keep), ``plots(i, client)`` makes its four plots, ``close(client)``."""

    def __init__(self, server: str, tag: str, e: Any, n: Any) -> None:
        self.server, self.tag, self.e, self.n = server, tag, e, n

    def login(self, i: int) -> Any:
        return None

    def plots(self, i: int, client: Any) -> None:
        raise NotImplementedError

    def close(self, client: Any) -> None:
        return None


class _Ours(_Tenants):
    def login(self, i: int) -> Any:
        c = fp.ClientUserPass(f"tenant{i}", f"pw{i}", server=self.server, protocol="http")
        c.token()
        return c

    def plots(self, i: int, client: Any) -> None:
        g = fp.client(client).edges(self.e, "s", "d").nodes(self.n, "n")
        for j in range(PLOTS):
            g.name(f"{self.tag}-t{i}-p{j}").plot()

    def close(self, client: Any) -> None:
        client.close()


class _PygClient(_Tenants):
    def login(self, i: int) -> Any:
        c = pyg.client()
        c.register(api=3, protocol="http", server=self.server, username=f"tenant{i}",
                   password=f"pw{i}")  # fmt: skip
        return c

    def plots(self, i: int, client: Any) -> None:
        g = client.edges(self.e, "s", "d").nodes(self.n, "n")
        for j in range(PLOTS):
            g.name(f"{self.tag}-t{i}-p{j}").plot(render=False)


class _PygLock(_Tenants):
    """The workaround, made correct for 0.61.2: the chain is built *inside* the lock, after
    ``register()``, because a 0.61 plotter keeps the session that was global when it was
    created (SEED.md's literal form, chain built before the lock, is :class:`_PygLockSeed`).
    It logs in for every plot, so it has no separate login step."""

    lock = threading.Lock()

    def plots(self, i: int, client: Any) -> None:
        for j in range(PLOTS):
            with self.lock:
                pyg.register(api=3, protocol="http", server=self.server, username=f"tenant{i}",
                             password=f"pw{i}")  # fmt: skip
                g = pyg.edges(self.e, "s", "d").nodes(self.n, "n")
                g.name(f"{self.tag}-t{i}-p{j}").plot(render=False)


class _PygLockSeed(_Tenants):
    """SEED.md's workaround exactly as written: chains built first, register+plot locked."""

    lock = threading.Lock()

    def plots(self, i: int, client: Any) -> None:
        chains = [
            pyg.edges(self.e, "s", "d").nodes(self.n, "n").name(f"{self.tag}-t{i}-p{j}")
            for j in range(PLOTS)
        ]
        for g in chains:
            with self.lock:
                pyg.register(api=3, protocol="http", server=self.server, username=f"tenant{i}",
                             password=f"pw{i}")  # fmt: skip
                g.plot(render=False)


MAKERS: dict[str, type[_Tenants]] = {
    "ours": _Ours,
    "pyg client": _PygClient,
    "pyg lock": _PygLock,
    "pyg lock (SEED form)": _PygLockSeed,
}


def _run_threads(tenant: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(i: int) -> None:
        try:
            tenant(i)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(TENANTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _correct(srv: ServerProcess, tag: str) -> int:
    """Datasets of run ``tag`` that are entirely the right tenant's."""
    good = 0
    for d in srv.datasets():
        if not d.name.startswith(tag + "-t"):
            continue
        i = int(d.name[len(tag) + 2 :].split("-")[0])
        who, org = f"tenant{i}", f"org{i}"
        if (d.owner, d.org, d.edges_uploader, d.nodes_uploader) == (who, org, who, who) and (
            d.edges_rows,
            d.nodes_rows,
        ) == (EDGES, NODES):
            good += 1
    return good


def _one(
    srv: ServerProcess, variant: str, tag: str, e: Any, n: Any, *, warm: bool
) -> dict[str, Any]:
    """One run of ``variant``. Cold: each thread creates and logs in its client inside the
    timed block. Warm: every client is logged in first (untimed), then the plots are timed."""
    way = MAKERS[variant](srv.server, tag, e, n)
    clients: dict[int, Any] = {}

    def login(i: int) -> None:
        clients[i] = way.login(i)

    def cold(i: int) -> None:
        login(i)
        way.plots(i, clients[i])

    failed = _run_threads(login) if warm else []
    with counting() as sent:
        start = time.perf_counter()
        failed += _run_threads((lambda i: way.plots(i, clients[i])) if warm else cold)
        wall = time.perf_counter() - start
    for client in clients.values():
        way.close(client)
    return {
        "wall": wall,
        "requests": len(sent) / (TENANTS * PLOTS),
        "correct": _correct(srv, tag),
        "errors": [f"{type(x).__name__}: {str(x)[:80]}" for x in failed],
    }


def run(reps: int, log: Callable[[str], None], *, seed_form: bool = True) -> dict[str, Any]:
    """Paired repetitions (variant order rotating); medians of times and of per-rep ratios.

    ``ours`` and ``pyg client`` run twice per repetition, cold and warm (see :func:`_one`);
    the lock-and-register workaround logs in for every plot, so it has one mode. SEED.md's
    literal workaround runs once more at the end, for its correctness only.
    """
    e, n = graph(EDGES, NODES)
    keys = ("ours", "ours warm", "pyg client", "pyg client warm", "pyg lock")
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
    ratios: dict[str, list[float]] = {"cold": [], "warm": [], "lock": []}
    seed: dict[str, Any] | None = None
    with ServerProcess(USERS, latency_ms=LATENCY_MS) as srv:
        # Warm both libraries (imports, first conversion) outside the timed runs.
        for v in ("ours", "pyg client"):
            way = MAKERS[v](srv.server, f"warm{v.replace(' ', '')}", e, n)
            client = way.login(0)
            way.plots(0, client)
            way.close(client)
        for rep in range(reps):
            for v in VARIANTS[rep % 3 :] + VARIANTS[: rep % 3]:
                modes = (
                    (False,) if v == "pyg lock" else ((False, True) if rep % 2 else (True, False))
                )
                for warm in modes:
                    key = f"{v} warm" if warm else v
                    tag = f"r{rep}{key.replace(' ', '')}"
                    r = _one(srv, v, tag, e, n, warm=warm)
                    runs[key].append(r)
                    log(f"  tenants rep {rep} {key}: {r['wall']:.2f} s, {r['requests']:.2f} "
                        f"req/plot, {r['correct']}/{TENANTS * PLOTS} correct, "
                        f"{len(r['errors'])} errors")  # fmt: skip
            last = {k: runs[k][-1]["wall"] for k in keys}
            ratios["cold"].append(last["ours"] / last["pyg client"])
            ratios["warm"].append(last["ours warm"] / last["pyg client warm"])
            ratios["lock"].append(last["ours"] / last["pyg lock"])
        if seed_form:
            seed = _one(srv, "pyg lock (SEED form)", "seedform", e, n, warm=False)
            log(f"  tenants SEED-form lock: {seed['correct']}/{TENANTS * PLOTS} correct, "
                f"{len(seed['errors'])} errors")  # fmt: skip
    return {
        "wall": {k: median([r["wall"] for r in runs[k]]) for k in keys},
        "walls": {k: [r["wall"] for r in runs[k]] for k in keys},
        "ratio": median(ratios["cold"]),
        "ratio_warm": median(ratios["warm"]),
        "lock_ratio": median(ratios["lock"]),
        "ratios": ratios,
        "requests_per_plot": {k: median([r["requests"] for r in runs[k]]) for k in keys},
        "correct": {k: min(r["correct"] for r in runs[k]) for k in keys},
        "errors": {k: [x for r in runs[k] for x in r["errors"]] for k in keys},
        "seed_form": seed,
        "plots": TENANTS * PLOTS,
    }
