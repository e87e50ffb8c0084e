"""The real pygraphistry 0.61 client registers and plots against the local server.

Each test uses its own ``graphistry.client()`` (or re-registers the global one) because
pygraphistry keeps process-wide state (PROTOCOL.md section 8).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pandas as pd
import pytest

from graphistry_fp.server import DatasetRecord, LocalServer
from tests.support.server import login, post

graphistry = pytest.importorskip("graphistry")


def _client(srv: LocalServer, **credentials: Any) -> Any:
    client = graphistry.client()
    client.register(api=3, server=srv.server, protocol="http", **credentials)
    return client


def _dataset(srv: LocalServer, url: str) -> DatasetRecord:
    match = re.search(r"dataset=([A-Za-z0-9_-]+)", url)
    assert match is not None, url
    return srv.dataset(match.group(1))


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Unique values: pygraphistry caches file ids process-wide by table content.
    tag = uuid.uuid4().hex
    edges = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "w": [1.0, 2.0, 3.0]})
    nodes = pd.DataFrame({"n": ["a", "b", "c"], "name": [tag, "B", "C"], "t": ["x", "y", "x"]})
    return edges, nodes


def _plotted(srv: LocalServer, client: Any, with_nodes: bool = True) -> DatasetRecord:
    """The dataset of a plot of fresh :func:`_frames` (edges, and nodes unless not
    ``with_nodes``) through ``client``."""
    edges, nodes = _frames()
    g = client.edges(edges, "s", "d")
    return _dataset(srv, (g.nodes(nodes, "n") if with_nodes else g).plot(render=False))


def _owner_org_rows(record: DatasetRecord) -> tuple[Any, ...]:
    """Who made the dataset, in which org, with how many edge and node rows."""
    return record.owner, record.org, record.edges_rows, record.nodes_rows


def test_password_register_and_plot_edges_and_nodes(graphistry_server: LocalServer) -> None:
    """Global register with a password; the dataset records owner, org, encodings, rows."""
    srv = graphistry_server
    graphistry.register(
        api=3, server=srv.server, protocol="http", username="alice", password="alice-pw"
    )
    edges, nodes = _frames()
    url = (
        graphistry.edges(edges, "s", "d")
        .nodes(nodes, "n")
        .bind(edge_title="w")
        .encode_point_color("t", categorical_mapping={"x": "red"}, default_mapping="gray")
        .name("pyg password")
        .description("desc")
        .plot(render=False)
    )
    record = _dataset(srv, url)
    assert ("alice", "acme", "pyg password", "desc") == (
        record.owner,
        record.org,
        record.name,
        record.description,
    )
    assert (3, 3, "alice", "alice") == (
        record.edges_rows,
        record.nodes_rows,
        record.edges_uploader,
        record.nodes_uploader,
    )
    assert {"source": "s", "destination": "d", "edge_title": "w"} == record.edge_encodings[
        "bindings"
    ]
    assert {"node": "n", "node_title": "name"} == record.node_encodings["bindings"]
    color = record.node_encodings["complex"]["default"]["pointColorEncoding"]
    assert {"categorical": {"fixed": {"x": "red"}, "other": "gray"}} == color["mapping"]
    assert "pygraphistry" == record.metadata["agent"]


def test_personal_key_register_with_org(graphistry_server: LocalServer) -> None:
    """Personal-key login with org_name: the dataset lands in that org."""
    client = _client(
        graphistry_server,
        personal_key_id="alice-key",
        personal_key_secret="alice-secret",
        org_name="shared",
    )
    assert ("alice", "shared", 3, 3) == _owner_org_rows(_plotted(graphistry_server, client))


def test_password_register_with_org_name(graphistry_server: LocalServer) -> None:
    """Password login with org_name (login, switch, refresh, switch...) then plot."""
    client = _client(graphistry_server, username="bob", password="bob-pw", org_name="shared")
    record = _plotted(graphistry_server, client, with_nodes=False)
    assert ("bob", "shared", 3, None) == _owner_org_rows(record)


def test_token_register_and_plot(graphistry_server: LocalServer) -> None:
    """register(token=...) verifies the token, and plots refresh it and upload as its user."""
    token = login(graphistry_server, "carol", "carol-pw")
    client = _client(graphistry_server, token=token)
    assert ("carol", "acme", 3, 3) == _owner_org_rows(_plotted(graphistry_server, client))


def test_forged_token_fails_verification(graphistry_server: LocalServer) -> None:
    """pygraphistry's register(token=...) refuses a token the server did not sign."""
    with pytest.raises(ValueError, match="verification"):
        _client(graphistry_server, token="not.a.jwt")


def test_bad_password_refused(graphistry_server: LocalServer) -> None:
    """A wrong password fails register()."""
    with pytest.raises(Exception, match="401"):
        _client(graphistry_server, username="alice", password="wrong")


def test_org_name_of_non_member_refused(graphistry_server: LocalServer) -> None:
    """Logging into an org the user is not in fails register() (403)."""
    with pytest.raises(Exception, match="403"):
        _client(graphistry_server, username="bob", password="bob-pw", org_name="acme")


def test_privacy_share(graphistry_server: LocalServer) -> None:
    """g.privacy(...) posts the share link; the server records the mode."""
    client = _client(graphistry_server, username="dave", password="dave-pw")
    edges, _ = _frames()
    url = client.edges(edges, "s", "d").privacy(mode="public").plot(render=False)
    record = _dataset(graphistry_server, url)
    assert ("dave", "dave", "public") == (record.owner, record.org, record.privacy)
    assert "10" == (record.share or {}).get("mode_action")


def test_file_mode_upload(graphistry_server: LocalServer) -> None:
    """upload() (the file API, as_files=True) ends in a dataset holding both tables."""
    client = _client(graphistry_server, username="alice", password="alice-pw")
    edges, nodes = _frames()
    g = client.edges(edges, "s", "d").nodes(nodes, "n").upload()
    record = graphistry_server.dataset(g._dataset_id)
    assert ("alice", 3, 3) == (record.owner, record.edges_rows, record.nodes_rows)


def test_sso_non_blocking(graphistry_server: LocalServer) -> None:
    """SSO with sso_timeout=None: start, approve in the HTML form, then sso_get_token()."""
    srv = graphistry_server
    client = graphistry.client()
    client.register(api=3, server=srv.server, protocol="http", org_name="acme", sso_timeout=None)
    state = client.sso_state()
    page = post(
        srv,
        f"/sso/authorize/{state}",
        data={"username": "carol", "password": "carol-pw", "state": state},
    )
    assert 200 == page.status_code, page.text
    token = client.sso_get_token()
    assert token
    record = _plotted(srv, client, with_nodes=False)
    assert ("carol", "acme") == (record.owner, record.org)


def test_sso_blocking_with_auto_approve(graphistry_server_clean: LocalServer) -> None:
    """pygraphistry's blocking SSO register succeeds when the server auto-approves."""
    srv = graphistry_server_clean
    srv.sso_auto_approve = "bob"
    client = graphistry.client()
    client.register(api=3, server=srv.server, protocol="http", org_name="globex", sso_timeout=10)
    record = _plotted(srv, client, with_nodes=False)
    assert ("bob", "globex") == (record.owner, record.org)
