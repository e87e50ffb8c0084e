"""The race suite's tenant/org timelines with tasks: plots awaited by tasks on two event
loops while threads call register(client=), switch_org and set_client. Every dataset's
creator, uploaders and org are what the root rules (DESIGN.md 4) and the run's snapshot
(5) allow: zero crossings. The bookkeeping (timelines, tenants, the crossing check) is the
thread suite's, ``tests/reliability/test_races.py``."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Awaitable, Callable

import graphistry_fp as graphistry
from graphistry_fp import Client
from graphistry_fp.server import LocalServer
from tests.reliability.test_races import Recorder, Run, Tenants, check
from tests.support.clients import key_client, user_client
from tests.support.data import EDGES, NODES, dataset_of, full_plan
from tests.support.server import dataset_ids
from tests.support.threads import Timeline, join_all

RACE_S = 3.0
TASKS_PER_KIND = 3


def task_loop(
    rec: Recorder, what: str, stop: threading.Event, once: Callable[[], Awaitable[Run]]
) -> Callable[[], Awaitable[None]]:
    """The async twin of ``Recorder.loop``: run ``once`` until ``stop``, recording runs."""

    async def worker() -> None:
        while not stop.is_set():
            try:
                record = await once()
            except BaseException as error:  # surfaced by the test's asserts
                rec.errors.append((what, error))
                return
            rec.runs.append((what, *record))

    return worker


def test_tasks_on_two_loops_race_registers_switches_and_set_client(srv: LocalServer) -> None:
    """Tasks on two loops aplot/arun through a shared client, the global root, a plottable
    whose root cell another thread keeps setting, and per-task using() blocks, while
    threads register other clients, switch the shared clients' orgs and set_client: no
    dataset crosses a tenant or org, every kind of run happened, the race really mixed
    tenants and orgs, and every client still works afterwards."""
    before = dataset_ids(srv)
    tenants = Tenants()
    p_global = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").name("global")
    shared = tenants.add(user_client(srv, "alice", org_name="acme"), "alice")
    bob = tenants.add(user_client(srv, "bob", org_name="globex"), "bob")
    carol_key = tenants.add(key_client(srv, "carol", org_name="carol"), "carol")
    dave = tenants.add(user_client(srv, "dave"), "dave")

    roots = Timeline(None)
    roots.change(dave, lambda: graphistry.register(client=dave))
    p_shared = shared.g().edges(EDGES, "s", "d").nodes(NODES, "n").name("shared")
    base = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n")
    cells = Timeline(None)
    p_set = base.name("set")

    stop = threading.Event()
    rec = Recorder()

    def resolvable(start: float, end: float) -> list[Client]:
        found = [c for c in cells.allowed(start, end) if c is not None]
        if None in cells.allowed(start, end):
            found += [c for c in roots.allowed(start, end) if c is not None]
        return found

    async def shared_arun() -> Run:
        start = time.monotonic()
        result = await shared.arun(full_plan("shared arun"))
        end = time.monotonic()
        return result.dataset_id, lambda: tenants.pairs([shared], start, end), result.org_name, True

    async def shared_aplot() -> Run:
        start = time.monotonic()
        url = await p_shared.aplot(render="url")
        end = time.monotonic()
        return dataset_of(url), lambda: tenants.pairs([shared], start, end), None, True

    async def global_aplot() -> Run:
        start = time.monotonic()
        url = await p_global.aplot(render="url")
        end = time.monotonic()
        return dataset_of(url), lambda: tenants.pairs(roots.allowed(start, end), start, end), None, True

    async def set_aplot() -> Run:
        start = time.monotonic()
        url = await p_set.aplot(render="url")
        end = time.monotonic()
        return dataset_of(url), lambda: tenants.pairs(resolvable(start, end), start, end), None, True

    using_clients = itertools.cycle([bob, carol_key, shared])

    def using_aplot() -> Callable[[], Awaitable[Run]]:
        mine = next(using_clients)  # each task its own using() client

        async def once() -> Run:
            start = time.monotonic()
            with graphistry.using(mine):
                await asyncio.sleep(0)  # other tasks run inside their own blocks meanwhile
                url = await graphistry.edges(EDGES, "s", "d").name("using").aplot(render="url")
            end = time.monotonic()
            return dataset_of(url), lambda: tenants.pairs([mine], start, end), None, False

        return once

    kinds: dict[str, Callable[[], Callable[[], Awaitable[Run]]]] = {
        "shared_arun": lambda: shared_arun, "shared_aplot": lambda: shared_aplot,
        "global_aplot": lambda: global_aplot, "set_aplot": lambda: set_aplot,
        "using_aplot": using_aplot,
    }  # fmt: skip

    def loop_thread() -> threading.Thread:
        workers = [
            task_loop(rec, what, stop, make())
            for what, make in kinds.items()
            for _ in range(TASKS_PER_KIND)
        ]

        async def main() -> None:
            await asyncio.gather(*(worker() for worker in workers))

        def target() -> None:
            try:
                asyncio.run(main())
            except BaseException as error:  # surfaced by the test's asserts
                rec.errors.append(("loop", error))

        return threading.Thread(target=target, name="loop", daemon=True)

    def registrar() -> None:
        for client in itertools.cycle([bob, carol_key, shared, dave]):
            if stop.is_set():
                return
            roots.change(client, lambda c=client: graphistry.register(client=c))
            time.sleep(0.02)

    def switcher() -> None:
        orgs = {shared: itertools.cycle(["alice", "shared", "acme"]),
                bob: itertools.cycle(["bob", "shared", "globex"])}  # fmt: skip
        for turn in itertools.count():
            if stop.is_set():
                return
            client = (shared, bob)[turn % 2]
            tenants.switch(client, next(orgs[client]))
            time.sleep(0.01)

    def setter() -> None:
        for client in itertools.cycle([shared, bob, carol_key, dave]):
            if stop.is_set():
                return
            cells.change(client, lambda c=client: base.set_client(c))
            time.sleep(0.015)

    def guarded(fn: Callable[[], None], what: str) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except BaseException as error:  # surfaced by the test's asserts
                rec.errors.append((what, error))

        return run

    threads = [loop_thread(), loop_thread()]
    threads += [
        threading.Thread(target=guarded(fn, name), name=name, daemon=True)
        for name, fn in (("registrar", registrar), ("switcher", switcher), ("setter", setter))
    ]
    for thread in threads:
        thread.start()
    time.sleep(RACE_S)
    stop.set()
    join_all(threads, 30.0)

    assert [] == [(what, repr(error)) for what, error in rec.errors]
    crossed = check(srv, rec, before)
    assert [] == crossed, f"{len(crossed)} of {len(rec.runs)} datasets crossed"
    assert set(kinds) == {what for what, *_ in rec.runs}
    owners = {srv.dataset(d).owner for what, d, *_ in rec.runs if what == "global_aplot"}
    orgs = {srv.dataset(d).org for what, d, *_ in rec.runs if what == "shared_arun"}
    assert len(owners) >= 2 and len(orgs) >= 2, "the race must really mix tenants and orgs"
    assert len(rec.runs) >= 40
    for client in (shared, bob, carol_key, dave):
        assert asyncio.run(client.arun(full_plan("after"))).dataset_id
