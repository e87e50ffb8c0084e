"""The seed's four examples (DESIGN.md 4, SEED.md) against the local server, real tenants.

Each test plots over real HTTP and then asks the server who owns each dataset and under
which org, so a tenant crossing shows up as a wrong owner or org in the server's records.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp.server import LocalServer

EDGES = pd.DataFrame({"s": [1, 2, 3], "d": [2, 3, 1]})


def owner_org(server: LocalServer, url: str) -> tuple[str, str | None]:
    """(owner, org) of the dataset a viewer URL points at, as the server recorded it."""
    dataset_id = parse_qs(urlparse(url).query)["dataset"][0]
    record = server.dataset(dataset_id)
    return record.owner, record.org


def userpass(server: LocalServer, user: str, **kw: object) -> graphistry.Client:
    """A password client for one of the fixture's users (password is '<user>-pw')."""
    return graphistry.ClientUserPass(user, f"{user}-pw", server=server.server, protocol="http", **kw)


def test_1_legacy_notebook_changes_nothing(graphistry_server: LocalServer) -> None:
    """register(); g.plot(); register(org_name=...); g.plot(): same g, new tenant state."""
    srv = graphistry_server
    g = graphistry.edges(EDGES, "s", "d")
    graphistry.register(username="alice", password="alice-pw", server=srv.server, protocol="http")
    first = g.plot()
    graphistry.register(
        username="alice", password="alice-pw", org_name="shared", server=srv.server, protocol="http"
    )
    second = g.plot()
    assert [("alice", "acme"), ("alice", "shared")] == [
        owner_org(srv, first),
        owner_org(srv, second),
    ]


def test_2_new_tenant_notebook_switches_the_root_client(graphistry_server: LocalServer) -> None:
    """register(client=c); g.plot(); client_root().switch_org(...); g.plot()."""
    srv = graphistry_server
    c = userpass(srv, "alice")
    graphistry.register(client=c)
    g = graphistry.edges(EDGES, "s", "d")
    first = g.plot()
    graphistry.client_root().switch_org("shared")
    second = g.plot()
    assert c is graphistry.client_root()
    assert [("alice", "acme"), ("alice", "shared")] == [
        owner_org(srv, first),
        owner_org(srv, second),
    ]


def test_3_multitenant_app_chains_share_the_client(graphistry_server: LocalServer) -> None:
    """g2 = g1.edges(...); g1.get_client().switch_org(...): g2 follows (same client)."""
    srv = graphistry_server
    g1 = graphistry.client(userpass(srv, "bob"))
    g2 = g1.edges(EDGES, "s", "d")
    before = g2.plot()
    g1.get_client().switch_org("shared")
    after = g2.plot()
    assert g1.get_client() is g2.get_client()
    assert [("bob", "globex"), ("bob", "shared")] == [owner_org(srv, before), owner_org(srv, after)]


def test_4_late_decision(graphistry_server: LocalServer) -> None:
    """set_client(c2) on g2; g3 = g2.client(c3); switching g2's client leaves g3 on c3."""
    srv = graphistry_server
    c1, c2, c3 = userpass(srv, "alice"), userpass(srv, "bob"), userpass(srv, "carol")
    g1 = graphistry.client(c1)
    g2 = g1.edges(EDGES, "s", "d")
    g2.set_client(c2)
    on_c2 = g2.plot()
    g3 = g2.client(c3)
    on_c3 = g3.plot()
    g2.get_client().switch_org("shared")
    still_c3 = g3.plot()
    g2_shared = g2.plot()
    assert [
        ("bob", "globex"),
        ("carol", "acme"),
        ("carol", "acme"),
        ("bob", "shared"),
    ] == [owner_org(srv, u) for u in (on_c2, on_c3, still_c3, g2_shared)]
    assert c1 is g1.get_client()


def test_legacy_register_warns_when_explicit_roots_exist(graphistry_server: LocalServer) -> None:
    """MixedModeWarning names what the legacy register() does not affect; no roots, no warning."""
    srv = graphistry_server
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graphistry.register(username="dave", password="dave-pw", server=srv.server, protocol="http")
    explicit = graphistry.client(userpass(srv, "bob")).edges(EDGES, "s", "d")
    with pytest.warns(graphistry.MixedModeWarning, match="client"):
        graphistry.register(username="dave", password="dave-pw", server=srv.server, protocol="http")
    assert ("bob", "globex") == owner_org(srv, explicit.plot())


def test_legacy_register_checks_credentials_now(graphistry_server: LocalServer) -> None:
    """Bad credentials fail in register(), and the global root stays as it was."""
    srv = graphistry_server
    before = graphistry.client_root()
    with pytest.raises(graphistry.AuthenticationError):
        graphistry.register(username="alice", password="wrong", server=srv.server, protocol="http")
    assert before is graphistry.client_root()


def test_threads_with_different_roots_and_contexts_never_cross(
    graphistry_server: LocalServer,
) -> None:
    """Threads plot at once through using() blocks and explicit roots: each lands with its tenant."""
    srv = graphistry_server
    tenants = [("alice", "acme"), ("bob", "globex"), ("carol", "acme"), ("dave", "dave")]
    clients = {user: userpass(srv, user) for user, _ in tenants}
    shared_chain = graphistry.edges(EDGES, "s", "d")
    barrier = threading.Barrier(2 * len(tenants))
    landed: list[tuple[str, tuple[str, str | None]]] = []
    lock = threading.Lock()

    def via_using(user: str) -> None:
        with graphistry.using(clients[user]):
            barrier.wait()
            url = shared_chain.plot()
        with lock:
            landed.append((user, owner_org(srv, url)))

    def via_root(user: str) -> None:
        g = shared_chain.client(clients[user])
        barrier.wait()
        url = g.plot()
        with lock:
            landed.append((user, owner_org(srv, url)))

    threads = [threading.Thread(target=f, args=(u,)) for u, _ in tenants for f in (via_using, via_root)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = sorted((user, (user, org)) for user, org in tenants for _ in range(2))
    assert expected == sorted(landed)


def test_asyncio_tasks_with_different_contexts_never_cross(graphistry_server: LocalServer) -> None:
    """Tasks in their own using() blocks plot through to_thread: each lands with its tenant."""
    srv = graphistry_server
    users = ["alice", "bob", "carol", "dave"]
    clients = {user: userpass(srv, user) for user in users}
    g = graphistry.edges(EDGES, "s", "d")

    async def plot_as(user: str) -> str:
        with graphistry.using(clients[user]):
            url: str = await asyncio.to_thread(g.plot)
            return url

    async def main() -> list[str]:
        return list(await asyncio.gather(*(plot_as(u) for u in users)))

    owners = [owner_org(srv, url)[0] for url in asyncio.run(main())]
    assert users == owners
