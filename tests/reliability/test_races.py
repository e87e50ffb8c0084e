"""Races on the local server: no dataset is ever created, uploaded or placed in an org by
another tenant than the one the root rules (DESIGN.md 4) and the run's snapshot (5) name.

pygraphistry 0.61.2 crossed tenants or orgs in 20/40, 24/40 and 11/22 datasets in
scenarios like these (see ``benchmarks/crossing.py``); ours must cross in none.

How a run's expected tenant is known: see :mod:`tests.support.races`, whose bookkeeping
(tenants, timelines, the crossing check) and shared world the async twin of the big race
(``tests/interpreters/test_async_races.py``) uses too.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import pytest

import graphistry_fp as graphistry
from graphistry_fp import Client, Plottable
from graphistry_fp.server import LocalServer
from tests.support.clients import key_client, user_client
from tests.support.data import EDGES, dataset_of, full_plan
from tests.support.drivers import SYNC
from tests.support.races import Pair, Race, Recorder, Run, Tenants, check
from tests.support.server import dataset_ids
from tests.support.threads import bounded, join_all

#: How long the mixed workload of the big race runs (seconds).
RACE_S = 4.0


@pytest.mark.filterwarnings("ignore::graphistry_fp.MixedModeWarning")
def test_shared_client_register_switch_set_client_race(srv: LocalServer) -> None:
    """One shared client used by many threads, while other threads call register(client=),
    the legacy register(...) with other credentials, switch_org (on the shared client and on
    a registered one) and set_client on plottables in use; plottables built before the first
    register(); a using() block. Every dataset's creator, uploaders and org are what the
    root rules and the run's snapshot allow: no crossing at all."""
    race = Race(srv)
    tenants, shared, bob, carol_key = race.tenants, race.shared, race.bob, race.carol_key
    carol_pw = tenants.add(user_client(srv, "carol"), "carol")  # adopts acme
    p_child = race.p_set.client(carol_pw)  # its own root: set_client on base never reaches it
    p_global = race.p_global

    def shared_run() -> Run:
        return tenants.timed(lambda: shared.run(full_plan("shared run")), [shared])

    def shared_plot() -> Run:
        return tenants.timed(lambda: race.p_shared.plot(render="url"), [shared])

    def global_plot() -> Run:
        return tenants.timed(lambda: p_global.plot(render="url"), race.roots.allowed)

    def global_exact() -> Run:
        client = p_global.get_client()
        return tenants.timed(lambda: client.run(p_global.plan()), [client])

    def set_plot() -> Run:
        return tenants.timed(lambda: race.p_set.plot(render="url"), race.resolvable)

    def child_plot() -> Run:
        return tenants.timed(lambda: p_child.plot(render="url"), [carol_pw])

    def using_plot() -> Run:
        def plot() -> str:
            with graphistry.using(bob):
                return graphistry.edges(EDGES, "s", "d").name("using").plot(render="url")

        return tenants.timed(plot, [bob], nodes=False)

    legacy = [
        ("dave", {"username": "dave", "password": "dave-pw"}),
        ("alice", {"personal_key_id": "alice-key", "personal_key_secret": "alice-secret",
                   "org_name": "shared"}),
        ("bob", {"username": "bob", "password": "bob-pw", "org_name": "bob"}),
    ]  # fmt: skip

    def registrar(turn: int) -> None:
        if turn % 2:
            race.register([bob, carol_key, shared][(turn // 2) % 3])
            return
        user, creds = legacy[(turn // 2) % 3]
        # The new root is known only once register() returns: time the change from before
        # the call, as the client it returned.
        started = time.monotonic()
        made = graphistry.register(server=srv.server, protocol="http", timeout=(3.0, 5.0), **creds)
        race.roots.record(tenants.add(made, user), started, time.monotonic())

    workers: list[tuple[str, Callable[[], Run], int]] = [
        ("shared_run", shared_run, 6), ("shared_plot", shared_plot, 3),
        ("global_plot", global_plot, 3), ("global_exact", global_exact, 2),
        ("set_plot", set_plot, 3), ("child_plot", child_plot, 1), ("using_plot", using_plot, 1),
    ]  # fmt: skip
    threads = [
        threading.Thread(target=race.rec.loop(what, race.stop, fn), name=f"{what}-{i}")
        for what, fn, count in workers
        for i in range(count)
    ]
    race.run_for(RACE_S, threads + race.mutators(registrar))

    race.assert_no_crossing({w[0] for w in workers}, "global_plot", "shared_run")
    race.assert_clients_work(SYNC)


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
        return tenants.timed(lambda: shared.run(full_plan("short tokens")), [shared])

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
