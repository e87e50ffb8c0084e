"""from_networkx()/from_igraph(): the tables pygraphistry 0.61.2 builds from a graph object.

NetworkX cases compare with pygraphistry's own ``from_networkx`` (run in-process; it sends
nothing): same edge and node tables (columns, order, dtypes, values) and bindings.
"""

from __future__ import annotations

import sys
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from graphistry_fp.core.graphs import from_igraph, from_networkx
from graphistry_fp.errors import PlanError


def _attributed(graph: Any) -> Any:
    graph.add_nodes_from([(1, {"v": "one"}), (2, {"w": 2.5}), (3, {"v": "three", "w": 1.0})])
    graph.add_node(9)  # isolated, no attributes
    graph.add_edges_from([(1, 2, {"weight": 3}), (2, 3, {"label": "x"}), (3, 1)])
    return graph


GRAPHS = {
    "directed": lambda: _attributed(nx.DiGraph()),
    "undirected": lambda: _attributed(nx.Graph()),
    "multi directed": lambda: nx.MultiDiGraph([(1, 2, {"k": 1}), (1, 2, {"k": 2}), (2, 1)]),
    "string ids": lambda: nx.Graph([("a", "b"), ("b", "c")]),
    "karate club": nx.karate_club_graph,
    "empty": nx.Graph,
    "only isolated nodes": lambda: nx.empty_graph(3),
}


def assert_same_as_pygraphistrys(expected: Any, actual: Any) -> None:
    """``actual`` (ours) has the edge and node tables (index included, values exact) and
    the bindings of ``expected`` (pygraphistry's plottable)."""
    pd.testing.assert_frame_equal(expected._edges, actual.edges, check_exact=True)
    pd.testing.assert_frame_equal(expected._nodes, actual.nodes, check_exact=True)
    assert {
        "source": expected._source,
        "destination": expected._destination,
        "node": expected._node,
    } == actual.bindings


@pytest.mark.parametrize("name", list(GRAPHS), ids=list(GRAPHS))
def test_tables_equal_pygraphistrys(name: str) -> None:
    """Directed and undirected graphs, node and edge attributes, isolated nodes: the same
    tables and bindings as pygraphistry's from_networkx."""
    import graphistry

    graph = GRAPHS[name]()
    expected = graphistry.bind().from_networkx(graph)
    actual = from_networkx(graph)
    assert_same_as_pygraphistrys(expected, actual)


def test_bound_names_are_used() -> None:
    """Given bindings name the id columns, as pygraphistry's bind(...).from_networkx does."""
    import graphistry

    graph = _attributed(nx.DiGraph())
    expected = graphistry.bind(source="s", destination="d", node="id").from_networkx(graph)
    actual = from_networkx(graph, source="s", destination="d", node="id")
    pd.testing.assert_frame_equal(expected._edges, actual.edges)
    pd.testing.assert_frame_equal(expected._nodes, actual.nodes)
    assert ("s", "d", "id") == (actual.source, actual.destination, actual.node)


def test_isolated_nodes_are_kept() -> None:
    """A node with no edge is a row of the node table."""
    assert 9 in set(from_networkx(_attributed(nx.Graph())).nodes["n"])


def _node_clash() -> Any:
    graph = nx.Graph()
    graph.add_node(1, n="x")
    return graph


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: nx.Graph([(1, 2, {"src": 0})]), "edge attribute 'src'"),
        (lambda: nx.DiGraph([(1, 2, {"dst": 0})]), "edge attribute 'dst'"),
        (_node_clash, "node attribute 'n'"),
    ],
)
def test_attribute_clashing_with_an_id_column_is_a_plan_error(make: Any, fragment: str) -> None:
    """An attribute named like an id column would overwrite the ids (pygraphistry lets it):
    PlanError naming it."""
    with pytest.raises(PlanError) as caught:
        from_networkx(make())
    assert fragment in str(caught.value)


def test_not_a_graph_is_a_plan_error() -> None:
    """Something else than a NetworkX graph raises PlanError."""
    with pytest.raises(PlanError, match="needs a networkx graph"):
        from_networkx({"a": ["b"]})


def test_missing_networkx_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without networkx installed, the PlanError names the extra to install."""
    monkeypatch.setitem(sys.modules, "networkx", None)  # makes `import networkx` fail
    with pytest.raises(PlanError, match=r"graphistry_fp\[networkx\]"):
        from_networkx(object())


def test_missing_igraph_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without igraph installed, the PlanError names the extra to install."""
    monkeypatch.setitem(sys.modules, "igraph", None)
    with pytest.raises(PlanError, match=r"graphistry_fp\[igraph\]"):
        from_igraph(object())


def _igraphs() -> dict[str, Any]:
    import igraph

    named = igraph.Graph(directed=True)
    named.add_vertices(["a", "b", "c", "d"])  # d: isolated
    named.add_edges([("a", "b"), ("b", "c")])
    named.es["w"] = [1, 2]
    named.vs["size"] = [1.0, 2.0, 3.0, None]
    attrs = igraph.Graph.Ring(3)
    attrs.vs["color"] = ["r", "g", "b"]
    attrs.es["lbl"] = ["x", "y", "z"]
    return {
        "named directed": named,
        "unnamed": igraph.Graph.Ring(4),
        "unnamed with attributes": attrs,
        "empty": igraph.Graph(),
    }


@pytest.mark.parametrize("name", ["named directed", "unnamed", "unnamed with attributes", "empty"])
def test_igraph_tables_equal_pygraphistrys(name: str) -> None:
    """For a plottable with no tables yet, from_igraph gives pygraphistry's edge and node
    tables (index included) and bindings."""
    import graphistry

    graph = _igraphs()[name]
    expected = graphistry.bind().from_igraph(graph)
    actual = from_igraph(graph)
    assert_same_as_pygraphistrys(expected, actual)
