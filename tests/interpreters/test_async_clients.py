"""The async surface of every client, against the local server over real HTTP (the async transport):
``arun``, ``atoken``, ``arefresh``, ``aclose``, ``async with``, ``ClientSSO.alogin``, and
``Plottable.aplot``; the same results, requests and typed errors as the sync methods."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import graphistry_fp as graphistry
from graphistry_fp import ClientUnconfigured, DryRunClient
from graphistry_fp.errors import (
    AuthenticationError,
    GraphistryError,
    NotConfiguredError,
    TransportError,
)
from graphistry_fp.interpreters.clients import ClientUserPass
from graphistry_fp.interpreters.sso import ClientSSO
from graphistry_fp.server import LocalServer
from tests.support.clients import jwt_client, key_client, user_client
from tests.support.data import EDGES, NODES, edges_plan, full_plan
from tests.support.server import requests_by_kind

pytestmark = pytest.mark.asyncio


def _sso(srv: LocalServer) -> ClientSSO:
    srv.sso_auto_approve = "alice"
    return ClientSSO(
        server=srv.server, protocol="http", on_auth_url=lambda url: None, sso_timeout=10
    )


MAKERS: dict[str, Any] = {
    "userpass": lambda srv: user_client(srv, org_name="shared"),
    "apikey": lambda srv: key_client(srv, org_name="shared"),
    "jwt": lambda srv: jwt_client(srv),
    "sso": _sso,
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
async def test_arun_on_every_http_client(srv: LocalServer, kind: str) -> None:
    """Each HTTP client plots with ``arun`` inside ``async with``: the dataset is complete
    and alice's, the result names the client's server and org, and after the block the
    client's pools are closed (a later arun opens a new one and still works)."""
    client = MAKERS[kind](srv)
    async with client as entered:
        assert entered is client
        result = await client.arun(full_plan(f"async {kind}"))
    record = srv.dataset(result.dataset_id)
    assert ("alice", len(EDGES), len(NODES)) == (record.owner, record.edges_rows, record.nodes_rows)
    assert (srv.server, client.org_name, record.org) == (result.server, result.org_name, result.org_name)
    assert f"dataset={result.dataset_id}" in result.url
    again = await client.arun(edges_plan("after close"))
    assert "alice" == srv.dataset(again.dataset_id).owner
    await client.aclose()


async def test_arun_sends_what_run_sends(srv: LocalServer) -> None:
    """The same plan run sync then async sends the same requests in the same number:
    create, edges, nodes (one login and one org switch for the client, none per plot)."""
    client = user_client(srv, org_name="shared")
    client.run(full_plan("sync"))
    sync_kinds = requests_by_kind(srv)
    srv.clear_request_log()
    await client.arun(full_plan("async"))
    assert {"create": 1, "edges": 1, "nodes": 1} == dict(requests_by_kind(srv))
    assert {"login": 1, "switch": 1, "create": 1, "edges": 1, "nodes": 1} == dict(sync_kinds)
    await client.aclose()


async def test_atoken_and_arefresh_share_the_sync_cache(srv: LocalServer) -> None:
    """``atoken`` logs in once and the sync ``token()`` then returns the same token (one
    cache); ``arefresh`` posts one refresh and both views see the new token."""
    client = user_client(srv)
    token = await client.atoken()
    assert token == client.token()
    refreshed = await client.arefresh()
    assert refreshed == client.token() == await client.atoken()
    assert {"login": 1, "refresh": 1} == dict(requests_by_kind(srv))
    await client.aclose()


async def test_typed_errors_are_the_same(srv: LocalServer) -> None:
    """A refused password raises AuthenticationError with server and org set, naming the
    fix, from ``arun`` as from ``run``; an unreachable server a TransportError."""
    bad = ClientUserPass("alice", "wrong", server=srv.server, protocol="http", org_name="shared")
    with pytest.raises(AuthenticationError) as sync_info:
        bad.run(edges_plan())
    with pytest.raises(AuthenticationError) as async_info:
        await bad.arun(edges_plan())
    assert str(sync_info.value) == str(async_info.value)
    assert (srv.server, "shared") == (async_info.value.server, async_info.value.org_name)
    nowhere = ClientUserPass(
        "alice", "alice-pw", server="127.0.0.1:9", protocol="http", max_retries=0, timeout=2
    )
    with pytest.raises(TransportError) as info:
        await nowhere.arun(edges_plan())
    assert "connection failed" in str(info.value)
    assert "alice-pw" not in str(info.value) and "alice-pw" not in repr(info.value)


async def test_unconfigured_raises_not_configured() -> None:
    """``ClientUnconfigured`` raises NotConfiguredError from every async method, and
    ``aplot`` on a chain with no root says how to configure a client."""
    client = ClientUnconfigured()
    for call in (client.arun(edges_plan()), client.atoken(), client.arefresh()):
        with pytest.raises(NotConfiguredError):
            await call
    with pytest.raises(NotConfiguredError, match="register"):
        await graphistry.edges(EDGES, "s", "d").aplot()


async def test_dry_run_client_async_matches_sync() -> None:
    """``DryRunClient.arun`` records the same effects and returns the same result as ``run``."""
    sync, asynchronous = DryRunClient(), DryRunClient()
    assert sync.run(full_plan()) == await asynchronous.arun(full_plan())
    assert sync.performed == asynchronous.performed
    assert "dry-run" == await asynchronous.atoken() == await asynchronous.arefresh()
    async with asynchronous:
        pass


async def test_aplot_resolves_like_plot(srv: LocalServer) -> None:
    """``aplot`` returns the viewer URL string for ``render='url'`` and runs on the client
    the root rules name: a rooted chain's client, else ``using(c)``, else the global root."""
    alice, bob = user_client(srv), user_client(srv, "bob")
    graphistry.register(client=bob)
    rooted = alice.g().edges(EDGES, "s", "d")
    url = await rooted.aplot(render="url")
    assert isinstance(url, str) and "dataset=" in url
    ids = [url.split("dataset=")[1].split("&")[0]]
    with graphistry.using(alice):
        ids.append((await graphistry.edges(EDGES, "s", "d").aplot(render="url")).split("dataset=")[1].split("&")[0])
    ids.append((await graphistry.edges(EDGES, "s", "d").aplot(render="url")).split("dataset=")[1].split("&")[0])
    assert ["alice", "alice", "bob"] == [srv.dataset(d).owner for d in ids]
    for client in (alice, bob):
        await client.aclose()


async def test_sso_alogin(srv: LocalServer) -> None:
    """``alogin`` runs the single sign-on flow on the loop (on_auth_url called once with the
    auth URL, the poll approved by the server) and the token is the client's."""
    srv.sso_auto_approve = "alice"
    seen: list[str] = []
    client = ClientSSO(
        server=srv.server, protocol="http", on_auth_url=seen.append, sso_timeout=10
    )
    token = await client.alogin()
    assert 1 == len(seen) and "/sso/" in seen[0]
    assert token == client.token()
    await client.aclose()


async def test_sso_close_stops_an_async_login(srv: LocalServer) -> None:
    """Closing a ClientSSO while ``alogin`` waits for approval (never given) ends the
    login with an AuthenticationError within a bound, not after sso_timeout."""
    client = ClientSSO(server=srv.server, protocol="http", on_auth_url=lambda u: None, sso_timeout=30)
    task = asyncio.ensure_future(client.alogin())
    await asyncio.sleep(0.5)
    client.close()
    with pytest.raises(AuthenticationError, match="closed"):
        await asyncio.wait_for(task, 5)


async def test_errors_carry_no_secret(srv: LocalServer) -> None:
    """An async failure's message and repr hold no password or token."""
    client = user_client(srv, org_name="nope-not-a-member")
    with pytest.raises(GraphistryError) as info:
        await client.arun(edges_plan())
    text = str(info.value) + repr(info.value)
    assert "alice-pw" not in text and "eyJ" not in text


async def test_clients_sharing_a_token_store_log_in_once_from_tasks(srv: LocalServer) -> None:
    """Six clients sharing a MemoryTokenStore (the fleet cache, whose renewal is sync and
    runs on a worker thread for a task), plotting from six tasks at once: one login and
    one org switch between them, and every dataset is alice's in 'shared'; an explicit
    ``arefresh`` (the fleet cache's own refresh rule, on a worker thread) posts one refresh."""
    store = graphistry.MemoryTokenStore()
    clients = [user_client(srv, org_name="shared", token_store=store) for _ in range(6)]
    results = await asyncio.gather(*(c.arun(edges_plan("store")) for c in clients))
    kinds = requests_by_kind(srv)
    assert (1, 1) == (kinds["login"], kinds["switch"])
    assert {("alice", "shared")} == {
        (srv.dataset(r.dataset_id).owner, srv.dataset(r.dataset_id).org) for r in results
    }
    srv.clear_request_log()
    assert await clients[0].arefresh()
    assert 1 == requests_by_kind(srv)["refresh"]
    for client in clients:
        await client.aclose()


async def test_aupload_returns_the_plottable_upload_returns(srv: LocalServer) -> None:
    """``aupload`` runs on the resolved client (``using`` in this task) and returns a new
    plottable holding the result, as ``upload`` does: its ``dataset_id`` and ``url`` name
    a complete dataset of that client's user, and the receiver is unchanged."""
    bob = user_client(srv, "bob")
    g = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").name("aupload")
    with graphistry.using(bob):
        uploaded = await g.aupload()
    record = srv.dataset(uploaded.dataset_id)
    assert ("bob", len(EDGES), len(NODES)) == (record.owner, record.edges_rows, record.nodes_rows)
    assert f"dataset={uploaded.dataset_id}" in uploaded.url
    assert (uploaded._dataset_id, uploaded._url) == (uploaded.dataset_id, uploaded.url)
    assert g.dataset_id is None
    sync = bob.g().edges(EDGES, "s", "d").nodes(NODES, "n").name("aupload").upload()
    assert type(sync) is type(uploaded)
    await bob.aclose()
