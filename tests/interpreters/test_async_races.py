"""The race suite's tenant/org timelines with tasks: plots awaited by tasks on two event
loops while threads call register(client=), switch_org and set_client. Every dataset's
creator, uploaders and org are what the root rules (DESIGN.md 4) and the run's snapshot
(5) allow: zero crossings. The world, its mutators and the crossing check are the thread
suite's (``tests/reliability/test_races.py``), from :mod:`tests.support.races`."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Awaitable, Callable

import graphistry_fp as graphistry
from graphistry_fp.server import LocalServer
from tests.support.data import EDGES, full_plan
from tests.support.drivers import ASYNC
from tests.support.races import Race, Run

RACE_S = 3.0
TASKS_PER_KIND = 3


def test_tasks_on_two_loops_race_registers_switches_and_set_client(srv: LocalServer) -> None:
    """Tasks on two loops aplot/arun through a shared client, the global root, a plottable
    whose root cell another thread keeps setting, and per-task using() blocks, while
    threads register other clients, switch the shared clients' orgs and set_client: no
    dataset crosses a tenant or org, every kind of run happened, the race really mixed
    tenants and orgs, and every client still works afterwards."""
    race = Race(srv)
    tenants, shared, bob, carol_key = race.tenants, race.shared, race.bob, race.carol_key

    async def shared_arun() -> Run:
        return await tenants.atimed(lambda: shared.arun(full_plan("shared arun")), [shared])

    async def shared_aplot() -> Run:
        return await tenants.atimed(lambda: race.p_shared.aplot(render="url"), [shared])

    async def global_aplot() -> Run:
        return await tenants.atimed(lambda: race.p_global.aplot(render="url"), race.roots.allowed)

    async def set_aplot() -> Run:
        return await tenants.atimed(lambda: race.p_set.aplot(render="url"), race.resolvable)

    using_clients = itertools.cycle([bob, carol_key, shared])

    def using_aplot() -> Callable[[], Awaitable[Run]]:
        mine = next(using_clients)  # each task its own using() client

        async def plot() -> str:
            with graphistry.using(mine):
                await asyncio.sleep(0)  # other tasks run inside their own blocks meanwhile
                return await graphistry.edges(EDGES, "s", "d").name("using").aplot(render="url")

        async def once() -> Run:
            return await tenants.atimed(plot, [mine], nodes=False)

        return once

    kinds: dict[str, Callable[[], Callable[[], Awaitable[Run]]]] = {
        "shared_arun": lambda: shared_arun, "shared_aplot": lambda: shared_aplot,
        "global_aplot": lambda: global_aplot, "set_aplot": lambda: set_aplot,
        "using_aplot": using_aplot,
    }  # fmt: skip

    def loop_thread() -> threading.Thread:
        workers = [
            race.rec.task(what, race.stop, make())
            for what, make in kinds.items()
            for _ in range(TASKS_PER_KIND)
        ]

        def loop() -> None:
            async def main() -> None:
                await asyncio.gather(*(worker() for worker in workers))

            asyncio.run(main())

        return race.rec.guarded(loop, "loop")

    def registrar(turn: int) -> None:
        race.register([bob, carol_key, shared, race.dave][turn % 4])

    race.run_for(RACE_S, [loop_thread(), loop_thread(), *race.mutators(registrar)])

    race.assert_no_crossing(set(kinds), "global_aplot", "shared_arun")
    race.assert_clients_work(ASYNC)
