"""Races on the local server: no dataset is ever created, uploaded or placed in an org by
another tenant than the one the root rules (DESIGN.md 4) and the run's snapshot (5) name.

pygraphistry 0.61.2 crossed tenants or orgs in 20/40, 24/40 and 11/22 datasets in
scenarios like these (see ``benchmarks/crossing.py``); ours must cross in none.

How a run's expected tenant is known. Every mutation of the things resolution depends on
(the global root, a plottable's root cell, a client's org) is made by one thread and
recorded in a :class:`~tests.reliability.conftest.Timeline` with the time it started and
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
from collections.abc import Callable
from typing import Any

import pytest

import graphistry_fp as graphistry
from graphistry_fp import Client, Plottable
from graphistry_fp.server import LocalServer
from tests.support.clients import key_client, user_client
from tests.support.data import EDGES, NODES, dataset_of, full_plan
from tests.support.server import dataset_ids
from tests.support.threads import Timeline, bounded, join_all

#: How long the mixed workload of the big race runs (seconds).
RACE_S = 4.0

Pair = tuple[str, str | None]
#: One run: dataset id, the (tenant, org) pairs it may have used (computed after the race,
#: when every timeline is complete), the org its result reported (or None), with nodes.
Run = tuple[str, Callable[[], set[Pair]], str | None, bool]


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


class Recorder:
    """Runs of the workers: (what, dataset id, allowed pairs, the result's org or None)."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, str, Callable[[], set[Pair]], str | None, bool]] = []
        self.errors: list[tuple[str, BaseException]] = []
        self._lock = threading.Lock()

    def loop(
        self, what: str, stop: threading.Event, once: Callable[[], Run]
    ) -> Callable[[], None]:
        def worker() -> None:
            while not stop.is_set():
                try:
                    record = once()
                except BaseException as error:  # surfaced by the test's asserts
                    with self._lock:
                        self.errors.append((what, error))
                    return
                with self._lock:
                    self.runs.append((what, *record))

        return worker


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


@pytest.mark.filterwarnings("ignore::graphistry_fp.MixedModeWarning")
def test_shared_client_register_switch_set_client_race(srv: LocalServer) -> None:
    """One shared client used by many threads, while other threads call register(client=),
    the legacy register(...) with other credentials, switch_org (on the shared client and on
    a registered one) and set_client on plottables in use; plottables built before the first
    register(); a using() block. Every dataset's creator, uploaders and org are what the
    root rules and the run's snapshot allow: no crossing at all."""
    before = dataset_ids(srv)
    tenants = Tenants()
    # p_global is built before any register(): it resolves to whatever the global root is.
    p_global = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").name("global")
    shared = tenants.add(user_client(srv, "alice", org_name="acme"), "alice")
    bob = tenants.add(user_client(srv, "bob", org_name="globex"), "bob")
    carol_key = tenants.add(key_client(srv, "carol", org_name="carol"), "carol")
    carol_pw = tenants.add(user_client(srv, "carol"), "carol")  # adopts acme
    dave = tenants.add(user_client(srv, "dave"), "dave")  # adopts dave

    roots = Timeline(None)  # the global root
    roots.change(dave, lambda: graphistry.register(client=dave))
    p_shared = shared.g().edges(EDGES, "s", "d").nodes(NODES, "n").name("shared")
    base = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n")
    cells = Timeline(None)  # base's own root cell (None: empty, so it follows the global root)
    p_set = base.name("set")  # derived: follows base's cell
    p_child = p_set.client(carol_pw)  # its own root: set_client on base never reaches it

    stop = threading.Event()
    rec = Recorder()

    def resolvable(timeline: Timeline, start: float, end: float) -> list[Client]:
        found = [c for c in timeline.allowed(start, end) if c is not None]
        if None in timeline.allowed(start, end):
            found += [c for c in roots.allowed(start, end) if c is not None]
        return found

    def shared_run() -> Run:
        start = time.monotonic()
        result = shared.run(full_plan("shared run"))
        end = time.monotonic()
        return result.dataset_id, lambda: tenants.pairs([shared], start, end), result.org_name, True

    def shared_plot() -> Run:
        start = time.monotonic()
        url = p_shared.plot(render="url")
        end = time.monotonic()
        return dataset_of(url), lambda: tenants.pairs([shared], start, end), None, True

    def global_plot() -> Run:
        start = time.monotonic()
        url = p_global.plot(render="url")
        end = time.monotonic()
        return dataset_of(url), lambda: tenants.pairs(roots.allowed(start, end), start, end), None, True

    def global_exact() -> Run:
        client = p_global.get_client()
        start = time.monotonic()
        result = client.run(p_global.plan())
        end = time.monotonic()
        return result.dataset_id, lambda: tenants.pairs([client], start, end), result.org_name, True

    def set_plot() -> Run:
        start = time.monotonic()
        url = p_set.plot(render="url")
        end = time.monotonic()
        return (
            dataset_of(url), lambda: tenants.pairs(resolvable(cells, start, end), start, end), None, True
        )

    def child_plot() -> Run:
        start = time.monotonic()
        url = p_child.plot(render="url")
        end = time.monotonic()
        return dataset_of(url), lambda: tenants.pairs([carol_pw], start, end), None, True

    def using_plot() -> Run:
        start = time.monotonic()
        with graphistry.using(bob):
            url = graphistry.edges(EDGES, "s", "d").name("using").plot(render="url")
        end = time.monotonic()
        return dataset_of(url), lambda: tenants.pairs([bob], start, end), None, False

    def registrar() -> None:
        legacy = itertools.cycle(
            [
                ("dave", {"username": "dave", "password": "dave-pw"}),
                ("alice", {"personal_key_id": "alice-key", "personal_key_secret": "alice-secret",
                           "org_name": "shared"}),
                ("bob", {"username": "bob", "password": "bob-pw", "org_name": "bob"}),
            ]
        )  # fmt: skip
        explicit = itertools.cycle([bob, carol_key, shared])
        box: list[Client] = []
        for turn in itertools.count():
            if stop.is_set():
                return
            if turn % 2:
                client = next(explicit)
                roots.change(client, lambda c=client: graphistry.register(client=c))
            else:
                user, creds = next(legacy)

                def legacy_register(user: str = user, creds: dict[str, Any] = creds) -> None:
                    made = graphistry.register(
                        server=srv.server, protocol="http", timeout=(3.0, 5.0), **creds
                    )
                    box.append(tenants.add(made, user))

                # The new root is known only once register() returns: time the change
                # from before the call, as the client it returned.
                started = time.monotonic()
                legacy_register()
                roots.record(box[-1], started, time.monotonic())
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

    workers: list[tuple[str, Callable[[], Any], int]] = [
        ("shared_run", shared_run, 6), ("shared_plot", shared_plot, 3),
        ("global_plot", global_plot, 3), ("global_exact", global_exact, 2),
        ("set_plot", set_plot, 3), ("child_plot", child_plot, 1), ("using_plot", using_plot, 1),
    ]  # fmt: skip
    threads = [
        threading.Thread(target=rec.loop(what, stop, fn), name=f"{what}-{i}")
        for what, fn, count in workers
        for i in range(count)
    ]
    threads += [
        threading.Thread(target=guarded(fn, name), name=name)
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
    kinds = {what for what, *_ in rec.runs}
    assert {w[0] for w in workers} == kinds
    owners = {srv.dataset(d).owner for what, d, *_ in rec.runs if what == "global_plot"}
    orgs = {srv.dataset(d).org for what, d, *_ in rec.runs if what == "shared_run"}
    assert len(owners) >= 2 and len(orgs) >= 2, "the race must really mix tenants and orgs"
    assert len(rec.runs) >= 40
    # Afterwards every client still works.
    for client in (shared, bob, carol_key, dave):
        assert client.run(full_plan("after")).dataset_id


def test_unrelated_clients_logging_in_at_the_same_time(srv: LocalServer) -> None:
    """Rounds of fresh clients (two of them the same user asking for different orgs, one a
    personal key, one adopting its default org) log in at the same instant and plot: each
    dataset has its own client's tenant and org. (pygraphistry writes every login's org
    into the global session, so a concurrent login moves another client's org.)"""
    before = dataset_ids(srv)
    specs: list[tuple[Callable[[], Client], Pair]] = [
        (lambda: user_client(srv, "alice", org_name="acme"), ("alice", "acme")),
        (lambda: user_client(srv, "alice", org_name="shared"), ("alice", "shared")),
        (lambda: key_client(srv, "alice", org_name="alice"), ("alice", "alice")),
        (lambda: user_client(srv, "bob"), ("bob", "globex")),
        (lambda: user_client(srv, "bob", org_name="shared"), ("bob", "shared")),
        (lambda: key_client(srv, "carol"), ("carol", "acme")),
        (lambda: user_client(srv, "dave"), ("dave", "dave")),
    ]
    rounds = 6
    results: list[tuple[Pair, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one_round() -> None:
        barrier = threading.Barrier(len(specs))
        clients = [make() for make, _ in specs]

        def go(client: Client, expected: Pair) -> None:
            try:
                barrier.wait(5)
                result = client.run(full_plan("login race"))
                with lock:
                    results.append((expected, result.dataset_id))
            except BaseException as error:  # surfaced below
                errors.append(error)
            finally:
                client.close()

        threads = [
            threading.Thread(target=go, args=(c, spec[1]))
            for c, spec in zip(clients, specs)
        ]
        for thread in threads:
            thread.start()
        join_all(threads, 20.0)

    for _ in range(rounds):
        one_round()
    assert [] == errors
    assert rounds * len(specs) == len(results)
    found = [
        (expected, (ds.owner, ds.org), ds.edges_uploader, ds.nodes_uploader)
        for expected, dataset_id in results
        for ds in [srv.dataset(dataset_id)]
    ]
    assert [] == [f for f in found if (f[0], f[0][0], f[0][0]) != (f[1], f[2], f[3])]
    assert set() == dataset_ids(srv) - before - {d for _, d in results}


def test_runs_survive_short_tokens_and_switches(srv: LocalServer) -> None:
    """Tokens that live two seconds (so refreshes and re-logins happen mid-race) while one
    thread switches the shared client's org: every run either succeeds in the org its
    snapshot named, or fails with a typed error; none crosses, none hangs."""
    srv.token_ttl = 2
    before = dataset_ids(srv)
    tenants = Tenants()
    shared = tenants.add(user_client(srv, "alice", org_name="acme"), "alice")
    stop = threading.Event()
    rec = Recorder()

    def run_once() -> Run:
        start = time.monotonic()
        result = shared.run(full_plan("short tokens"))
        end = time.monotonic()
        return result.dataset_id, lambda: tenants.pairs([shared], start, end), result.org_name, True

    def switcher() -> None:
        for org in itertools.cycle(["alice", "shared", "acme"]):
            if stop.is_set():
                return
            tenants.switch(shared, org)
            time.sleep(0.05)

    threads = [threading.Thread(target=rec.loop("run", stop, run_once)) for _ in range(6)]
    threads.append(threading.Thread(target=switcher))
    for thread in threads:
        thread.start()
    time.sleep(3.5)  # more than one token lifetime
    stop.set()
    join_all(threads, 30.0)

    assert [] == [repr(e) for _, e in rec.errors]
    assert [] == check(srv, rec, before)
    assert len(rec.runs) >= 10
    srv.token_ttl = 3600
    assert bounded(10, lambda: shared.run(full_plan("after")).dataset_id)


def test_plottable_built_before_register_follows_the_register(srv: LocalServer) -> None:
    """A plottable built before register() runs on the client registered at plot time
    (rule 5), for each of three successive registers, legacy and explicit."""
    g: Plottable = graphistry.edges(EDGES, "s", "d")
    bob = user_client(srv, "bob", org_name="bob")
    expected = []
    graphistry.register(username="alice", password="alice-pw", server=srv.server, protocol="http")
    expected.append(("alice", "acme"))
    first = g.plot(render="url")
    graphistry.register(client=bob)
    expected.append(("bob", "bob"))
    second = g.plot(render="url")
    graphistry.register(
        username="carol", password="carol-pw", org_name="carol", server=srv.server, protocol="http"
    )
    expected.append(("carol", "carol"))
    third = g.plot(render="url")
    found = [(srv.dataset(dataset_of(u)).owner, srv.dataset(dataset_of(u)).org)
             for u in (first, second, third)]  # fmt: skip
    assert expected == found


def test_failed_register_and_failed_switch_change_nothing(srv: LocalServer) -> None:
    """While threads plot, another thread keeps trying a legacy register() with a wrong
    password and a switch into an org the user is not in: each fails with its typed error,
    and changes nothing: every plot stays bob's, in the org it had."""
    from graphistry_fp.errors import AuthenticationError, PermissionDeniedError

    bob = user_client(srv, "bob", org_name="globex")
    graphistry.register(client=bob)
    before = dataset_ids(srv)
    stop = threading.Event()
    failures: list[str] = []
    runs: list[str] = []
    errors: list[BaseException] = []

    def meddler() -> None:
        while not stop.is_set():
            try:
                graphistry.register(username="alice", password="wrong", server=srv.server,
                                    protocol="http")  # fmt: skip
            except AuthenticationError:
                failures.append("register")
            try:
                bob.switch_org("acme")
            except PermissionDeniedError:
                failures.append("switch")

    def plotter() -> None:
        try:
            while not stop.is_set():
                runs.append(dataset_of(graphistry.edges(EDGES, "s", "d").plot(render="url")))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=plotter) for _ in range(4)]
    threads.append(threading.Thread(target=meddler))
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    stop.set()
    join_all(threads, 20.0)
    assert [] == errors
    assert {"register", "switch"} == set(failures)
    assert bob is graphistry.client_root() and "globex" == bob.org_name
    found = {(srv.dataset(d).owner, srv.dataset(d).org) for d in runs}
    assert {("bob", "globex")} == found
    assert set(runs) == dataset_ids(srv) - before
