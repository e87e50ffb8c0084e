"""Wire parity (issue 13): the same notebook code, run through pygraphistry 0.61.2 and through
graphistry_fp against the local server, stores the same create-dataset JSON (minus the agent
fields), the same tables row for row, the same share body and the same viewer URL
parameters."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from graphistry_fp.server import LocalServer

from .wire import assert_same, run_both

pygraphistry = pytest.importorskip("graphistry")
nx = pytest.importorskip("networkx")


#: one value per test, the same for both libraries: pygraphistry memoizes uploads
#: process-wide by content, so every test's tables are unique.
_TAG = [""]


def _tag() -> str:
    return _TAG[0]


@pytest.fixture(autouse=True)
def _fresh_tag() -> None:
    _TAG[0] = uuid.uuid4().hex[:8]


def _edges() -> pd.DataFrame:
    t = _tag()
    return pd.DataFrame({"s": ["a", "b", "c", "a"], "d": ["b", "c", "a", "c"],
                         "w": [1.0, 2.5, np.nan, 4.0], "k": [t, "y", "x", "y"]})  # fmt: skip


def _nodes() -> pd.DataFrame:
    return pd.DataFrame({"n": ["a", "b", "c"], "name": [_tag(), "B", "C"], "v": [1, 2, 3]})


def _events() -> pd.DataFrame:
    """Events with nulls, numbers, and one value ("x") in two columns."""
    return pd.DataFrame({
        "user": ["u1", "u2", None, "x", _tag()],
        "ip": ["1.1.1.1", "x", "2.2.2.2", None, "1.1.1.1"],
        "port": [80, 443, 80, np.nan, 22],
        "size": [1.5, 2.0, 3.25, 4.0, 5.0],
    })  # fmt: skip


def _graph(directed: bool) -> Any:
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from([(1, {"label": _tag(), "score": 0.5}), (2, {"label": "two"}), (3, {}),
                      (9, {"label": "isolated", "score": 2.0})])  # fmt: skip
    G.add_edges_from([(1, 2, {"weight": 3.0, "kind": "k"}), (2, 3, {"weight": 1.0}), (3, 1, {})])
    return G


def _igraph() -> Any:
    igraph = pytest.importorskip("igraph")
    ig = igraph.Graph(directed=True)
    ig.add_vertices(4)
    ig.vs["name"] = ["a", "b", _tag(), "isolated"]
    ig.vs["score"] = [1.0, 2.0, 3.0, 4.0]
    ig.add_edges([(0, 1), (1, 2), (2, 0)])
    ig.es["weight"] = [0.5, 1.5, 2.5]
    return ig


def _url(g: Any) -> Any:
    return g.plot(render="url")


CASES: dict[str, Callable[[Any], Any]] = {
    "plot_edges_argument": lambda m: m.bind(source="s", destination="d").plot(_edges(), render="url"),
    "plot_edges_and_nodes_arguments": lambda m: m.bind(source="s", destination="d", node="n")
    .plot(_edges(), _nodes(), name="both", description="given to plot", render="url"),
    "bound_nodes_auto_title": lambda m: _url(m.edges(_edges(), "s", "d").nodes(_nodes(), "n")),
    "arrow_tables_no_auto_title": lambda m: _url(
        m.edges(pa.Table.from_pandas(_edges(), preserve_index=False), "s", "d")
        .nodes(pa.Table.from_pandas(_nodes(), preserve_index=False), "n")),
    "layout_scene_settings": lambda m: _url(
        m.edges(_edges(), "s", "d").layout_settings(play=0, locked_r=True, gravity=2.5)
        .scene_settings(show_arrows=False, point_size=1.5, edge_curvature=0.0)
        .settings(height=800, url_params={"pointOpacity": 0.5})),
    "collections": lambda m: _url(m.edges(_edges(), "s", "d").collections(
        [{"type": "set", "id": "s1", "name": "A", "node_color": "#ff0000",
          "expr": [{"type": "Node", "filter_dict": {"n": "a"}}]},
         {"type": "intersection", "id": "i1", "expr": {"type": "intersection", "sets": ["s1"]}}],
        show_collections=True, collections_global_node_color="#00ff00")),
    "encode_axis": lambda m: _url(m.edges(_edges(), "s", "d").nodes(_nodes(), "n")
                                  .encode_axis([{"r": 10, "label": "outer"}, {"r": 5, "internal": True}])),
    "infer_labels_and_pipe": lambda m: _url(
        m.edges(_edges(), "s", "d").nodes(_nodes(), "n").infer_labels()
        .pipe(lambda g, t: g.name(t), "piped")),
    "upload": lambda m: m.edges(_edges(), "s", "d").nodes(_nodes(), "n").name("up").upload(),
    "plottable_privacy": lambda m: _url(m.edges(_edges(), "s", "d").privacy(mode="public")),
    "hypergraph_default": lambda m: _url(m.hypergraph(_events(), ["user", "ip", "port"], verbose=False)["graph"]),
    "hypergraph_drop_na_false": lambda m: _url(
        m.hypergraph(_events(), ["user", "ip"], drop_na=False, verbose=False)["graph"]),
    "hypergraph_drop_edge_attrs": lambda m: _url(
        m.hypergraph(_events(), ["user", "ip"], drop_edge_attrs=True, verbose=False)["graph"]),
    "hypergraph_direct": lambda m: _url(
        m.hypergraph(_events(), ["user", "ip", "port"], direct=True, verbose=False)["graph"]),
    "hypergraph_categories_edges": lambda m: _url(m.hypergraph(
        _events(), ["user", "ip"], direct=True, verbose=False,
        opts={"CATEGORIES": {"id": ["user", "ip"]}, "EDGES": {"user": ["ip"]}})["graph"]),
    "networkx_directed": lambda m: _url(m.bind().from_networkx(_graph(True))),
    "networkx_undirected": lambda m: _url(
        m.bind(source="a", destination="b", node="id").from_networkx(_graph(False))),
    "igraph_fresh": lambda m: _url(m.from_igraph(_igraph())),
    "plot_networkx_argument": lambda m: m.bind(source="src", destination="dst").plot(_graph(True), render="url"),
    "materialize_nodes": lambda m: _url(m.edges(_edges(), "s", "d").materialize_nodes()),
    "materialize_nodes_reuses_nodes": lambda m: _url(
        m.edges(_edges(), "s", "d").nodes(_nodes(), "n").materialize_nodes()),
    "materialize_nodes_rebuilds": lambda m: _url(
        m.edges(_edges(), "s", "d").nodes(_nodes(), "n").materialize_nodes(reuse=False)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_on_the_wire(graphistry_server: LocalServer, case: str) -> None:
    """pygraphistry and graphistry_fp store the same JSON, tables, share and URL settings
    for the same notebook code."""
    theirs, ours = run_both(graphistry_server, pygraphistry, CASES[case])
    assert_same(theirs, ours)


def test_module_privacy_is_the_default_sharing(graphistry_server: LocalServer) -> None:
    """After ``privacy(mode="organization", ...)`` at module level, a plot that sets no
    privacy of its own is shared the same way by both libraries."""

    def code(m: Any) -> Any:
        m.privacy(mode="organization", notify=False, message="hi")
        return m.edges(_edges(), "s", "d").plot(render="url")

    theirs, ours = run_both(graphistry_server, pygraphistry, code)
    assert theirs.share is not None
    assert "organization" == theirs.share["mode"]
    assert_same(theirs, ours)


def test_own_privacy_wins_over_module_privacy(graphistry_server: LocalServer) -> None:
    """A plottable's own ``privacy(mode="public")`` wins over the module default, in both."""

    def code(m: Any) -> Any:
        m.privacy(mode="organization")
        return m.edges(_edges(), "s", "d").privacy(mode="public", notify=False).plot(render="url")

    theirs, ours = run_both(graphistry_server, pygraphistry, code)
    assert theirs.share is not None
    assert "public" == theirs.share["mode"]
    assert_same(theirs, ours)
