"""Every client type logs in and plots over real HTTP; request counts per plot.

Against the local server (``graphistry_fp.server.LocalServer``) on 127.0.0.1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

import graphistry_fp as graphistry
from graphistry_fp.effects import PlotPlan
from graphistry_fp.errors import PlanError
from graphistry_fp.interpreters.base import Client
from graphistry_fp.server import LocalServer
from tests.support.clients import jwt_client, key_client, user_client
from tests.support.data import EDGES, NODES, edges_plan, full_plan
from tests.support.server import requests_by_kind, settled_log

CLIENTS: dict[str, Callable[..., Client]] = {
    "userpass": user_client,
    "apikey": key_client,
    "jwt": jwt_client,
}


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_each_client_plots_edges_only(srv: LocalServer, kind: str) -> None:
    """Each client type logs in and plots edges only; the server records owner, org, rows."""
    with CLIENTS[kind](srv) as client:
        plan = edges_plan(f"edges {kind}")
        result = client.run(plan)
    record = srv.dataset(result.dataset_id)
    assert ("alice", "acme", 3, None) == (
        record.owner, record.org, record.edges_rows, record.nodes_rows
    )
    assert plan.create.json()["edge_encodings"] == record.edge_encodings
    assert ("acme", srv.server) == (result.org_name, result.server)
    assert f"dataset={result.dataset_id}" in result.url
    assert result.url.startswith(f"http://{srv.server}/graph/graph.html?")


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_each_client_plots_edges_and_nodes(srv: LocalServer, kind: str) -> None:
    """Each client type plots edges + nodes with encodings; both tables and encodings land."""
    with CLIENTS[kind](srv) as client:
        plan = full_plan(f"full {kind}")
        result = client.run(plan)
    record = srv.dataset(result.dataset_id)
    body = plan.create.json()
    assert ("alice", "acme", 3, 4, f"full {kind}") == (
        record.owner, record.org, record.edges_rows, record.nodes_rows, record.name
    )
    assert body["edge_encodings"] == record.edge_encodings
    assert body["node_encodings"] == record.node_encodings
    assert ("alice", "alice") == (record.edges_uploader, record.nodes_uploader)


def test_org_given_at_construction(srv: LocalServer) -> None:
    """A client created with org_name creates datasets there; login + one switch, once."""
    with user_client(srv, org_name="shared") as client:
        results = [client.run(edges_plan()) for _ in range(3)]
    assert {"shared"} == {srv.dataset(r.dataset_id).org for r in results}
    assert Counter({"login": 1, "switch": 1, "create": 3, "edges": 3}) == requests_by_kind(srv)


def test_n_plots_one_login(srv: LocalServer) -> None:
    """N plots on one client = 1 login + (create, edges, nodes) per plot, nothing else."""
    n = 5
    with user_client(srv) as client:
        for _ in range(n):
            client.run(full_plan())
        assert "acme" == client.org_name  # adopted from the login reply, no switch sent
    assert Counter({"login": 1, "create": n, "edges": n, "nodes": n}) == requests_by_kind(srv)


def test_share_when_privacy_set(srv: LocalServer) -> None:
    """A plan with privacy adds exactly one share call, after the uploads."""
    plan = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").privacy(mode="organization").plan()
    with user_client(srv) as client:
        result = client.run(plan)
    assert "organization" == srv.dataset(result.dataset_id).privacy
    paths = [r.path for r in settled_log(srv)]
    assert "/api/v2/share/link/" == paths[-1]
    assert Counter({"login": 1, "create": 1, "edges": 1, "nodes": 1, "share": 1}) == (
        requests_by_kind(srv)
    )


def test_token_forces_login_and_constructor_does_not(srv: LocalServer) -> None:
    """Constructing a client sends nothing; token() logs in once; a second call sends nothing."""
    client = user_client(srv)
    assert [] == settled_log(srv)
    token = client.token()
    assert token == client.token()
    assert Counter({"login": 1}) == requests_by_kind(srv)
    client.close()


def test_client_protocol_hostname_sets_viewer_base(srv: LocalServer) -> None:
    """client_protocol_hostname replaces protocol://server in the viewer URL only."""
    with user_client(srv, client_protocol_hostname="https://viz.example.com/") as client:
        result = client.run(edges_plan())
    assert result.url.startswith(
        f"https://viz.example.com/graph/graph.html?dataset={result.dataset_id}&type=arrow&"
    )
    assert srv.server == result.server


def test_url_params_reach_viewer_url(srv: LocalServer) -> None:
    """The plan's url_params end the viewer URL, after usertag and splashAfter."""
    plan = graphistry.edges(EDGES, "s", "d").settings(url_params={"play": 0}).plan()
    with user_client(srv) as client:
        url = client.run(plan).url
    assert url.endswith("&play=0")
    assert "usertag=" in url and "splashAfter=" in url and "viztoken=" in url


def test_upload_has_no_content_type(srv: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrow bodies go out as a zero-copy view of the Arrow buffer with no Content-Type."""
    from graphistry_fp.interpreters.sender import Outgoing, Sender

    seen: list[dict[str, Any]] = []
    original = Sender.send

    def spy(self: Sender, outgoing: Outgoing, timeout: tuple[float, float]) -> Any:
        if outgoing.url.endswith("/arrow"):
            seen.append({"headers": dict(outgoing.headers), "body": outgoing.body})
        return original(self, outgoing, timeout)

    monkeypatch.setattr(Sender, "send", spy)
    with user_client(srv) as client:
        client.run(full_plan())
    assert 2 == len(seen)
    for item in seen:
        assert "Content-Type" not in item["headers"]
        assert isinstance(item["body"], memoryview)
        assert str(item["body"].nbytes) == item["headers"]["Content-Length"]


def test_register_then_g_plot(srv: LocalServer) -> None:
    """A client rooted with c.g() plots through the legacy plot() shim (façade wiring)."""
    with user_client(srv) as client:
        url = client.g().edges(EDGES, "s", "d").plot(render=False)
    assert "dataset=" in str(url)


def test_jwt_client_with_org_switches_once(srv: LocalServer) -> None:
    """ClientJWT(token, org_name=...) posts one switch at first need, then plots there."""
    with jwt_client(srv, org_name="shared") as client:
        results = [client.run(edges_plan()) for _ in range(2)]
    assert ["shared", "shared"] == [srv.dataset(r.dataset_id).org for r in results]
    assert Counter({"switch": 1, "create": 2, "edges": 2}) == requests_by_kind(srv)


def test_insecure_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """certificate_validation=False warns once per process, not once per client."""
    import warnings

    from graphistry_fp.interpreters import transport

    monkeypatch.setattr(transport, "_insecure_done", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            Client.from_env({"GRAPHISTRY_API_TOKEN": "t"}, certificate_validation=False).close()
    assert 1 == len([w for w in caught if "certificate_validation=False" in str(w.message)])


def test_every_request_has_the_configured_timeout(
    srv: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Login, switch, create, uploads and share all pass timeout=(connect, read)."""
    from graphistry_fp.interpreters.sender import Outgoing, Sender

    timeouts: list[Any] = []
    original = Sender.send

    def spy(self: Sender, outgoing: Outgoing, timeout: tuple[float, float]) -> Any:
        timeouts.append(timeout)
        return original(self, outgoing, timeout)

    monkeypatch.setattr(Sender, "send", spy)
    plan = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").privacy().plan()
    with user_client(srv, org_name="shared", timeout=(3, 7)) as client:
        client.run(plan)
    assert [(3.0, 7.0)] * 6 == timeouts


def test_a_plan_with_two_uploads_of_one_kind_is_refused_before_any_request(
    srv: LocalServer,
) -> None:
    """Upload bodies are keyed by kind, so a hand-built plan uploading edges twice is a
    PlanError raised before the login or any other request."""
    plan = edges_plan("twice")
    upload = next(plan.uploads())
    twice = PlotPlan(stages=(*plan.stages, (upload,)), url_params=plan.url_params)
    with user_client(srv) as client, pytest.raises(PlanError, match="one table of each kind"):
        client.run(twice)
    assert [] == settled_log(srv)
