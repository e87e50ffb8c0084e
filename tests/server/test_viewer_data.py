"""The viewer's server side: the page, its JSON data route and its static files."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

from graphistry_fp.server import LocalServer, viewer
from tests.support.browser import get_json, get_status, get_text, plot


def data_url(srv: LocalServer, dataset_id: str) -> str:
    """The JSON data URL of a dataset."""
    return f"{srv.url}/graph/data/{dataset_id}.json"


def test_data_has_tables_bindings_and_encodings(graphistry_server: LocalServer) -> None:
    """The JSON carries both tables as columns, the bindings and the encodings as stored."""
    edges = pa.table({"s": ["a", "b"], "d": ["b", "c"], "w": [1.5, 2.5]})
    nodes = pa.table({"n": ["a", "b", "c"], "t": ["x", "y", "x"]})
    result = plot(
        graphistry_server, edges, nodes, name="enc",
        encode_point_color={"column": "t", "categorical_mapping": {"x": "red"},
                            "default_mapping": "gray"},
    )  # fmt: skip
    data = get_json(data_url(graphistry_server, result.dataset_id))
    assert {"dataset_id": result.dataset_id, "name": "enc", "description": "",
            "owner": "alice", "org_name": "acme", "edges_rows": 2,
            "nodes_rows": 3} == data["dataset"]  # fmt: skip
    assert {"count": 2, "total": 2, "truncated": False,
            "columns": {"s": ["a", "b"], "d": ["b", "c"], "w": [1.5, 2.5]}} == data["edges"]  # fmt: skip
    assert {"n": ["a", "b", "c"], "t": ["x", "y", "x"]} == data["nodes"]["columns"]
    assert {"source": "s", "destination": "d"} == data["edge_encodings"]["bindings"]
    assert "n" == data["node_encodings"]["bindings"]["node"]
    color = data["node_encodings"]["complex"]["default"]["pointColorEncoding"]
    assert {"fixed": {"x": "red"}, "other": "gray"} == color["mapping"]["categorical"]
    assert data["nodes_derived"] is False


def test_nodes_derived_from_edges(graphistry_server: LocalServer) -> None:
    """No nodes table: one ``id`` per distinct endpoint, in order of first appearance."""
    result = plot(graphistry_server, pa.table({"s": [3, 1, 3], "d": [1, 2, 5]}))
    data = get_json(data_url(graphistry_server, result.dataset_id))
    assert data["nodes_derived"] is True
    assert "id" == data["node_encodings"]["bindings"]["node"]
    assert [3, 1, 2, 5] == data["nodes"]["columns"]["id"]


def test_values_json_cannot_hold_become_null_or_text(graphistry_server: LocalServer) -> None:
    """NaN and infinities become null; dates become ISO text; the body stays valid JSON."""
    edges = pa.table(
        {
            "s": [1, 2, 3],
            "d": [2, 3, 1],
            "f": [math.nan, math.inf, 1.0],
            "day": pa.array([0, 1, None], pa.date32()),
        }
    )
    data = get_json(data_url(graphistry_server, plot(graphistry_server, edges).dataset_id))
    assert [None, None, 1.0] == data["edges"]["columns"]["f"]
    assert ["1970-01-01", "1970-01-02", None] == data["edges"]["columns"]["day"]


def test_page_and_data_need_no_token_and_404_when_unknown(graphistry_server: LocalServer) -> None:
    """Page and data are public like a viewer link; unknown datasets answer 404."""
    result = plot(graphistry_server, pa.table({"s": [1], "d": [2]}), name="T <b>")
    page, _ = get_text(result.url)
    assert "<title>T &lt;b&gt; - graphistry_fp</title>" in page
    assert "/graph/static/viewer.js" in page and "https://" not in page
    assert 404 == get_status(f"{graphistry_server.url}/graph/graph.html?dataset=nope")
    assert 404 == get_status(data_url(graphistry_server, "nope"))
    assert 400 == get_status(f"{graphistry_server.url}/graph/graph.html")


def test_static_files_served_and_nothing_else(graphistry_server: LocalServer) -> None:
    """The shipped JS/CSS are served with their types; other paths are refused."""
    base = f"{graphistry_server.url}/graph/static/"
    for name, kind in (("viewer.js", "text/javascript"), ("viewer.css", "text/css")):
        text, content_type = get_text(base + name)
        assert content_type.startswith(kind)
        assert "http://" not in text and "https://" not in text  # nothing fetched from elsewhere
    for bad in ("nope.js", "..%2Fviewer.py", "%2E%2E%2Fapp.py", "viewer.py"):
        assert 404 == get_status(base + bad), bad


def test_big_tables_are_capped(
    graphistry_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the caps the payload is truncated and says so; derived nodes follow the edges sent."""
    monkeypatch.setattr(viewer, "MAX_EDGES", 3)
    result = plot(graphistry_server, pa.table({"s": [1, 2, 3, 4, 5], "d": [2, 3, 4, 5, 6]}))
    data = get_json(data_url(graphistry_server, result.dataset_id))
    assert (3, 5, True) == (
        data["edges"]["count"],
        data["edges"]["total"],
        data["edges"]["truncated"],
    )
    assert [1, 2, 3, 4] == data["nodes"]["columns"]["id"]
