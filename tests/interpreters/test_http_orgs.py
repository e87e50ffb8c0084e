"""Orgs and tenants under concurrency: one (server, org, token) snapshot per run."""

from __future__ import annotations

import threading
import time
from collections import Counter

from graphistry_fp.effects import PlotResult
from graphistry_fp.server import LocalServer
from tests.support.clients import user_client
from tests.support.data import edges_plan, full_plan
from tests.support.server import requests_by_kind


def test_switch_org_racing_with_runs(srv: LocalServer) -> None:
    """One thread switches alice's client between three orgs while eight threads plot with
    it: every dataset lands in the org its run's snapshot named (never a later or earlier
    one), and runs started after a switch use the new org."""
    orgs = ["shared", "alice", "acme"]
    results: list[PlotResult] = []
    errors: list[BaseException] = []
    done = threading.Event()
    with user_client(srv, org_name="acme") as client:
        client.token()

        def switcher() -> None:
            try:
                for i in range(12):
                    # Let a few runs finish under the current org before switching again,
                    # so the race mixes orgs even on a slow machine.
                    seen = len(results)
                    while len(results) < seen + 2 and not errors:
                        time.sleep(0.005)
                    client.switch_org(orgs[i % 3])
            except BaseException as error:  # surfaced by the assert below
                errors.append(error)
            finally:
                done.set()

        def runner() -> None:
            try:
                while not done.is_set():
                    results.append(client.run(full_plan()))
            except BaseException as error:  # surfaced by the assert below
                errors.append(error)

        threads = [threading.Thread(target=runner) for _ in range(8)]
        threads.append(threading.Thread(target=switcher))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert "acme" == client.org_name  # the last switch (i = 11)
        after = client.run(edges_plan())
    assert [] == errors
    assert "acme" == srv.dataset(after.dataset_id).org
    assert [r.org_name for r in results] == [srv.dataset(r.dataset_id).org for r in results]
    assert len({r.org_name for r in results}) >= 2  # the race really mixed orgs
    assert 12 == requests_by_kind(srv)["switch"] - 1  # + the switch of the first login


def test_switch_org_posts_once_then_plots_without_switching(srv: LocalServer) -> None:
    """switch_org posts one switch; the following plots send no switch, refresh or verify."""
    with user_client(srv) as client:
        client.run(edges_plan())
        client.switch_org("shared")
        first, second = client.run(edges_plan()), client.run(edges_plan())
    assert ["shared", "shared"] == [srv.dataset(r.dataset_id).org for r in (first, second)]
    assert Counter({"login": 1, "switch": 1, "create": 3, "edges": 3}) == requests_by_kind(srv)


def test_two_tenants_concurrently(srv: LocalServer) -> None:
    """Two users' clients plotting from many threads: each dataset has its own owner and org."""
    results: dict[str, list[PlotResult]] = {"alice": [], "bob": []}
    with user_client(srv, "alice") as alice, user_client(srv, "bob") as bob:
        clients = {"alice": alice, "bob": bob}

        def runner(user: str) -> None:
            for _ in range(4):
                results[user].append(clients[user].run(full_plan()))

        threads = [threading.Thread(target=runner, args=(u,)) for u in ("alice", "bob") * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for user, org in (("alice", "acme"), ("bob", "globex")):
        records = [srv.dataset(r.dataset_id) for r in results[user]]
        assert [(user, org, 3, 4)] * 12 == [
            (d.owner, d.org, d.edges_rows, d.nodes_rows) for d in records
        ]
    assert 2 == requests_by_kind(srv)["login"]
