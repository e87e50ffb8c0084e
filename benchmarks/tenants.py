"""Scenario 1: multi-tenant throughput, 8 tenants x 4 plots from 8 threads, 50 ms latency.

Three ways to serve many tenants from one process, each timed from cold (clients created
and logged in inside the timed block) to the last plot's URL:

* ``ours``: one graphistry_fp ``ClientUserPass`` per tenant, ``graphistry.client(c)``;
* ``pyg client``: pygraphistry's per-tenant ``c = graphistry.client(); c.register(...)``;
* ``pyg lock``: the lock-and-register workaround of SEED.md (a global lock around
  ``graphistry.register(...)`` + ``plot()``).

One thread per tenant, each plotting its 10k-edge + 1k-node graph four times. Afterwards
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


def _ours(server: str, tag: str, e: Any, n: Any) -> Callable[[int], None]:
    def tenant(i: int) -> None:
        with fp.ClientUserPass(f"tenant{i}", f"pw{i}", server=server, protocol="http") as c:
            g = fp.client(c).edges(e, "s", "d").nodes(n, "n")
            for j in range(PLOTS):
                g.name(f"{tag}-t{i}-p{j}").plot()

    return tenant


def _pyg_client(server: str, tag: str, e: Any, n: Any) -> Callable[[int], None]:
    def tenant(i: int) -> None:
        c = pyg.client()
        c.register(api=3, protocol="http", server=server, username=f"tenant{i}",
                   password=f"pw{i}")  # fmt: skip
        g = c.edges(e, "s", "d").nodes(n, "n")
        for j in range(PLOTS):
            g.name(f"{tag}-t{i}-p{j}").plot(render=False)

    return tenant


def _pyg_lock(server: str, tag: str, e: Any, n: Any) -> Callable[[int], None]:
    """The workaround, made correct for 0.61.2: the chain is built *inside* the lock, after
    ``register()``, because a 0.61 plotter keeps the session that was global when it was
    created (SEED.md's literal form, chain built before the lock, is :func:`_pyg_lock_seed`)."""
    lock = threading.Lock()

    def tenant(i: int) -> None:
        for j in range(PLOTS):
            with lock:
                pyg.register(api=3, protocol="http", server=server, username=f"tenant{i}",
                             password=f"pw{i}")  # fmt: skip
                pyg.edges(e, "s", "d").nodes(n, "n").name(f"{tag}-t{i}-p{j}").plot(render=False)

    return tenant


def _pyg_lock_seed(server: str, tag: str, e: Any, n: Any) -> Callable[[int], None]:
    """SEED.md's workaround exactly as written: chains built first, register+plot locked."""
    lock = threading.Lock()

    def tenant(i: int) -> None:
        chains = [
            pyg.edges(e, "s", "d").nodes(n, "n").name(f"{tag}-t{i}-p{j}") for j in range(PLOTS)
        ]
        for g in chains:
            with lock:
                pyg.register(api=3, protocol="http", server=server, username=f"tenant{i}",
                             password=f"pw{i}")  # fmt: skip
                g.plot(render=False)

    return tenant


MAKERS = {
    "ours": _ours,
    "pyg client": _pyg_client,
    "pyg lock": _pyg_lock,
    "pyg lock (SEED form)": _pyg_lock_seed,
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


def _one(srv: ServerProcess, variant: str, tag: str, e: Any, n: Any) -> dict[str, Any]:
    tenant = MAKERS[variant](srv.server, tag, e, n)
    with counting() as sent:
        start = time.perf_counter()
        failed = _run_threads(tenant)
        wall = time.perf_counter() - start
    return {
        "wall": wall,
        "requests": len(sent) / (TENANTS * PLOTS),
        "correct": _correct(srv, tag),
        "errors": [f"{type(x).__name__}: {str(x)[:80]}" for x in failed],
    }


def run(reps: int, log: Callable[[str], None], *, seed_form: bool = True) -> dict[str, Any]:
    """Paired repetitions of the three variants (rotating order); medians and ratios.

    SEED.md's literal workaround runs once more at the end, for its correctness only.
    """
    e, n = graph(EDGES, NODES)
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    ratios: list[float] = []
    lock_ratios: list[float] = []
    seed: dict[str, Any] | None = None
    with ServerProcess(USERS, latency_ms=LATENCY_MS) as srv:
        # Warm both libraries (imports, first conversion) outside the timed runs.
        for v in ("ours", "pyg client"):
            MAKERS[v](srv.server, f"warm{v.replace(' ', '')}", e, n)(0)
        for rep in range(reps):
            order = VARIANTS[rep % 3 :] + VARIANTS[: rep % 3]
            for v in order:
                r = _one(srv, v, f"r{rep}{v.replace(' ', '')}", e, n)
                runs[v].append(r)
                log(f"  tenants rep {rep} {v}: {r['wall']:.2f} s, {r['requests']:.2f} req/plot, "
                    f"{r['correct']}/{TENANTS * PLOTS} correct, {len(r['errors'])} errors")  # fmt: skip
            ratios.append(runs["ours"][-1]["wall"] / runs["pyg client"][-1]["wall"])
            lock_ratios.append(runs["ours"][-1]["wall"] / runs["pyg lock"][-1]["wall"])
        if seed_form:
            seed = _one(srv, "pyg lock (SEED form)", "seedform", e, n)
            log(f"  tenants SEED-form lock: {seed['correct']}/{TENANTS * PLOTS} correct, "
                f"{len(seed['errors'])} errors")  # fmt: skip
    return {
        "wall": {v: median([r["wall"] for r in runs[v]]) for v in VARIANTS},
        "walls": {v: [r["wall"] for r in runs[v]] for v in VARIANTS},
        "ratio": median(ratios),
        "ratios": ratios,
        "lock_ratio": median(lock_ratios),
        "requests_per_plot": {v: median([r["requests"] for r in runs[v]]) for v in VARIANTS},
        "correct": {v: min(r["correct"] for r in runs[v]) for v in VARIANTS},
        "errors": {v: [x for r in runs[v] for x in r["errors"]] for v in VARIANTS},
        "seed_form": seed,
        "plots": TENANTS * PLOTS,
    }
