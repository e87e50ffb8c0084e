"""The bookkeeping of the tenant/org races (``tests/reliability/test_races.py`` with
threads, ``tests/interpreters/test_async_races.py`` with tasks): who may have run what, and
the check that no dataset crossed a tenant or an org.

How a run's expected tenant is known. Every mutation of the things resolution depends on
(the global root, a plottable's root cell, a client's org) is made by one thread and
recorded in a :class:`~tests.support.threads.Timeline` with the time it started and
ended. A run observed over ``[start, end]`` may have used any value some timeline held
during that interval, and nothing else: for ``c.run(plan)`` the tenant is exactly ``c``'s
user and the org one ``c`` had meanwhile; for ``p.plot()`` the tenant is one of the
clients ``p`` could resolve to meanwhile, with an org that client had meanwhile. The orgs
cycle through values that differ per phase, so a run that used a stale or a foreign org
is caught, and so is one whose create and uploads used different tokens (the uploader
columns). Every dataset the server gained during the test must belong to a recorded run.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import graphistry_fp as graphistry
from graphistry_fp import Client
from graphistry_fp.server import LocalServer
from tests.support.clients import key_client, user_client
from tests.support.data import EDGES, NODES, dataset_of, full_plan
from tests.support.drivers import Driver
from tests.support.server import dataset_ids
from tests.support.threads import Timeline, join_all

Pair = tuple[str, str | None]
#: One run: dataset id, the (tenant, org) pairs it may have used (computed after the race,
#: when every timeline is complete), the org its result reported (or None), with nodes.
Run = tuple[str, Callable[[], set[Pair]], str | None, bool]
#: The clients a run may have resolved to: a list, or a function of the run's interval.
Clients = list[Client] | Callable[[float, float], list[Client]]


class Tenants:
    """Who each client logs in as, and each client's org timeline."""

    def __init__(self) -> None:
        self._users: dict[int, str] = {}
        self._orgs: dict[int, Timeline] = {}
        self._keep: list[Client] = []  # keep ids unique: no client is collected meanwhile
        self._lock = threading.Lock()

    def add(self, client: Client, user: str) -> Client:
        client.token()  # log in now: the org a client adopts is known before it is used
        with self._lock:
            self._users[id(client)] = user
            self._orgs[id(client)] = Timeline(client.org_name)
            self._keep.append(client)
        return client

    def switch(self, client: Client, org: str) -> None:
        self._orgs[id(client)].change(org, lambda: client.switch_org(org))

    def pairs(self, clients: list[Any], start: float, end: float) -> set[Pair]:
        """Every (tenant, org) one of ``clients`` may have run with during the interval."""
        out: set[Pair] = set()
        for client in clients:
            user = self._users[id(client)]
            out.update((user, org) for org in self._orgs[id(client)].allowed(start, end))
        return out

    def run(self, observed: Any, clients: Clients, start: float, end: float, nodes: bool) -> Run:
        """The record of a run observed over ``[start, end]``: ``observed`` is a plot's URL
        or a run's result, ``clients`` those it may have resolved to meanwhile."""
        pick = clients if callable(clients) else (lambda _s, _e: clients)

        def allowed() -> set[Pair]:
            return self.pairs(pick(start, end), start, end)

        if isinstance(observed, str):
            return dataset_of(observed), allowed, None, nodes
        return observed.dataset_id, allowed, observed.org_name, nodes

    def timed(self, call: Callable[[], Any], clients: Clients, nodes: bool = True) -> Run:
        """``call()`` (a plot or a run), timed and recorded (see :meth:`run`)."""
        start = time.monotonic()
        observed = call()
        return self.run(observed, clients, start, time.monotonic(), nodes)

    async def atimed(
        self, call: Callable[[], Awaitable[Any]], clients: Clients, nodes: bool = True
    ) -> Run:
        """The async twin of :meth:`timed`: ``await call()``, timed and recorded."""
        start = time.monotonic()
        observed = await call()
        return self.run(observed, clients, start, time.monotonic(), nodes)


class Recorder:
    """Runs of the workers: (what, dataset id, allowed pairs, the result's org or None)."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, str, Callable[[], set[Pair]], str | None, bool]] = []
        self.errors: list[tuple[str, BaseException]] = []
        self._lock = threading.Lock()

    def fail(self, what: str, error: BaseException) -> None:
        """Keep ``error`` for the test's asserts."""
        with self._lock:
            self.errors.append((what, error))

    def loop(self, what: str, stop: threading.Event, once: Callable[[], Run]) -> Callable[[], None]:
        """A thread's body: run ``once`` until ``stop``, recording runs."""

        def worker() -> None:
            while not stop.is_set():
                try:
                    record = once()
                except BaseException as error:  # surfaced by the test's asserts
                    self.fail(what, error)
                    return
                with self._lock:
                    self.runs.append((what, *record))

        return worker

    def task(
        self, what: str, stop: threading.Event, once: Callable[[], Awaitable[Run]]
    ) -> Callable[[], Awaitable[None]]:
        """The async twin of :meth:`loop`: a task's body."""

        async def worker() -> None:
            while not stop.is_set():
                try:
                    record = await once()
                except BaseException as error:  # surfaced by the test's asserts
                    self.fail(what, error)
                    return
                with self._lock:
                    self.runs.append((what, *record))

        return worker

    def guarded(self, fn: Callable[[], None], what: str) -> threading.Thread:
        """A thread running ``fn``, its exception kept for the test's asserts."""

        def run() -> None:
            try:
                fn()
            except BaseException as error:  # surfaced by the test's asserts
                self.fail(what, error)

        return threading.Thread(target=run, name=what, daemon=True)


def check(srv: LocalServer, recorder: Recorder, before: set[str]) -> list[str]:
    """Every crossing found: wrong owner/org, a foreign uploader, an unaccounted dataset."""
    crossed: list[str] = []
    recorded = set()
    for what, dataset_id, allowed_fn, result_org, with_nodes in recorder.runs:
        allowed = allowed_fn()  # after the race: every change is on its timeline by now
        recorded.add(dataset_id)
        ds = srv.dataset(dataset_id)
        if (ds.owner, ds.org) not in allowed:
            crossed.append(f"{what}: {dataset_id} is ({ds.owner}, {ds.org}), allowed {allowed}")
        uploaders = {ds.edges_uploader, ds.nodes_uploader if with_nodes else ds.owner}
        if {ds.owner} != uploaders:
            crossed.append(f"{what}: {dataset_id} owned by {ds.owner}, uploaded by {uploaders}")
        if result_org is not None and result_org != ds.org:
            crossed.append(f"{what}: {dataset_id} result says org {result_org}, server {ds.org}")
        if ds.edges_rows != len(EDGES) or (with_nodes and ds.nodes_rows != len(NODES)):
            crossed.append(f"{what}: {dataset_id} incomplete ({ds.edges_rows}, {ds.nodes_rows})")
    unaccounted = dataset_ids(srv) - before - recorded
    crossed.extend(f"dataset {d} belongs to no recorded run" for d in sorted(unaccounted))
    return crossed


class Race:
    """The world both big races share: four tenants, the global root (dave's to begin
    with), ``p_global`` built before any register(), ``p_shared`` on the shared client,
    ``p_set`` following the root cell of ``base`` that :meth:`setter` keeps setting, and
    the threads that switch orgs (:meth:`switcher`) and set clients meanwhile."""

    def __init__(self, srv: LocalServer) -> None:
        self.srv = srv
        self.before = dataset_ids(srv)
        self.tenants = tenants = Tenants()
        # p_global is built before any register(): it resolves to whatever the global root is.
        self.p_global = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").name("global")
        self.shared = tenants.add(user_client(srv, "alice", org_name="acme"), "alice")
        self.bob = tenants.add(user_client(srv, "bob", org_name="globex"), "bob")
        self.carol_key = tenants.add(key_client(srv, "carol", org_name="carol"), "carol")
        self.dave = tenants.add(user_client(srv, "dave"), "dave")  # adopts dave
        self.roots = Timeline(None)  # the global root
        self.register(self.dave)
        self.p_shared = self.shared.g().edges(EDGES, "s", "d").nodes(NODES, "n").name("shared")
        self.base = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n")
        self.cells = Timeline(None)  # base's own root cell (None: empty, it follows the root)
        self.p_set = self.base.name("set")  # derived: follows base's cell
        self.stop = threading.Event()
        self.rec = Recorder()

    @property
    def clients(self) -> list[Client]:
        """The four tenants' clients."""
        return [self.shared, self.bob, self.carol_key, self.dave]

    def register(self, client: Client) -> None:
        """``register(client=client)``, on the roots' timeline."""
        self.roots.change(client, lambda: graphistry.register(client=client))

    def resolvable(self, start: float, end: float) -> list[Client]:
        """The clients ``p_set`` may have resolved to during ``[start, end]``."""
        found = [c for c in self.cells.allowed(start, end) if c is not None]
        if None in self.cells.allowed(start, end):
            found += [c for c in self.roots.allowed(start, end) if c is not None]
        return found

    def every(self, seconds: float, step: Callable[[int], None]) -> Callable[[], None]:
        """A thread's body: ``step(turn)`` every ``seconds`` until the race stops."""

        def body() -> None:
            for turn in itertools.count():
                if self.stop.is_set():
                    return
                step(turn)
                time.sleep(seconds)

        return body

    def switcher(self, turn: int) -> None:
        """Switch the shared client's and bob's orgs in turn, through orgs of each phase."""
        client = (self.shared, self.bob)[turn % 2]
        orgs = (["alice", "shared", "acme"], ["bob", "shared", "globex"])[turn % 2]
        self.tenants.switch(client, orgs[(turn // 2) % 3])

    def setter(self, turn: int) -> None:
        """Set ``base``'s root cell to each tenant's client in turn."""
        client = self.clients[turn % 4]
        self.cells.change(client, lambda: self.base.set_client(client))

    def mutators(self, registrar: Callable[[int], None]) -> list[threading.Thread]:
        """The registrar, switcher and setter threads (not started)."""
        steps = (("registrar", registrar, 0.02), ("switcher", self.switcher, 0.01),
                 ("setter", self.setter, 0.015))  # fmt: skip
        return [self.rec.guarded(self.every(s, step), name) for name, step, s in steps]

    def run_for(self, seconds: float, threads: list[threading.Thread]) -> None:
        """Start ``threads``, let them race for ``seconds``, stop them and join them."""
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        self.stop.set()
        join_all(threads, 30.0)

    def assert_no_crossing(self, kinds: set[str], global_kind: str, org_kind: str) -> None:
        """No error and no crossing; every kind of run happened; the race really mixed
        tenants (the runs of ``global_kind``) and orgs (those of ``org_kind``)."""
        rec, srv = self.rec, self.srv
        assert [] == [(what, repr(error)) for what, error in rec.errors]
        crossed = check(srv, rec, self.before)
        assert [] == crossed, f"{len(crossed)} of {len(rec.runs)} datasets crossed"
        assert kinds == {what for what, *_ in rec.runs}
        owners = {srv.dataset(d).owner for what, d, *_ in rec.runs if what == global_kind}
        orgs = {srv.dataset(d).org for what, d, *_ in rec.runs if what == org_kind}
        assert len(owners) >= 2 and len(orgs) >= 2, "the race must really mix tenants and orgs"
        assert len(rec.runs) >= 40

    def assert_clients_work(self, driver: Driver) -> None:
        """Afterwards every tenant's client still runs a plan."""
        for client in self.clients:
            assert driver.call(client, "run", full_plan("after")).dataset_id
