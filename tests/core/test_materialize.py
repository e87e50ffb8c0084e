"""materialize_nodes(): the node table pygraphistry 0.61.2's materialize_nodes() derives.

Compared with pygraphistry's own method run in-process (it sends nothing): same table
(column name, row order, dtype, values) and node binding.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from graphistry_fp.core.materialize import materialize_nodes
from graphistry_fp.errors import PlanError

EDGES = {
    "strings": pd.DataFrame({"s": ["a", "b", "c", "d"], "d": ["c", "c", "e", "a"]}),
    "ints": pd.DataFrame({"s": [3, 1, 2], "d": [1, 4, 3]}),
    "mixed types": pd.DataFrame({"s": [1, 2], "d": ["a", "b"]}),
    "with nulls": pd.DataFrame({"s": ["a", None, "b"], "d": ["b", "c", None]}),
    "empty": pd.DataFrame({"s": pd.Series([], dtype="int64"), "d": pd.Series([], dtype="int64")}),
}


def _theirs(edges: Any, nodes: Any = None, node: Any = None, reuse: bool = True) -> Any:
    import graphistry

    g = graphistry.edges(edges, "s", "d")
    if nodes is not None:
        g = g.nodes(nodes, node)
    return g.materialize_nodes(reuse=reuse)


@pytest.mark.parametrize("name", list(EDGES), ids=list(EDGES))
@pytest.mark.parametrize("node", [None, "node_id"])
def test_without_nodes_equals_pygraphistry(name: str, node: Any) -> None:
    """No node table: sources then destinations, first-seen order, one column named after
    the node binding (``id`` when unbound), pygraphistry's dtype."""
    import graphistry

    edges = EDGES[name]
    g = graphistry.edges(edges, "s", "d")
    expected = (g.bind(node=node) if node else g).materialize_nodes()
    nodes, node_id = materialize_nodes(edges, None, "s", "d", node)
    pd.testing.assert_frame_equal(expected._nodes, nodes, check_exact=True)
    assert expected._node == node_id


def test_existing_nodes_are_reused() -> None:
    """With a node table and a node binding, reuse=True keeps them as they are."""
    edges = EDGES["strings"]
    given = pd.DataFrame({"n": ["a", "z"], "size": [1, 2]})
    expected = _theirs(edges, given, "n")
    nodes, node_id = materialize_nodes(edges, given, "s", "d", "n")
    pd.testing.assert_frame_equal(expected._nodes, nodes)
    assert ("n", "n") == (expected._node, node_id)


def test_reuse_false_derives_again() -> None:
    """reuse=False derives the node table from the edges even when one exists."""
    edges = EDGES["strings"]
    given = pd.DataFrame({"n": ["a", "z"]})
    expected = _theirs(edges, given, "n", reuse=False)
    nodes, node_id = materialize_nodes(edges, given, "s", "d", "n", reuse=False)
    pd.testing.assert_frame_equal(expected._nodes, nodes)
    assert "n" == node_id


def test_arrow_edges() -> None:
    """Arrow edges give the same table as their pandas frame."""
    edges = EDGES["strings"]
    expected, _ = materialize_nodes(edges, None, "s", "d", None)
    actual, _ = materialize_nodes(pa.Table.from_pandas(edges), None, "s", "d", None)
    pd.testing.assert_frame_equal(expected, actual)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((None, None, "s", "d", None), "needs edges"),
        ((EDGES["ints"], None, None, "d", None), "source and destination bindings"),
        ((EDGES["ints"], None, "s", "nope", None), "['nope']"),
        (([1, 2], None, "s", "d", None), "pandas DataFrame or a pyarrow Table"),
    ],
)
def test_bad_input_is_a_plan_error(args: tuple[Any, ...], fragment: str) -> None:
    """Missing edges, bindings or columns raise PlanError (a ValueError, as pygraphistry's)."""
    with pytest.raises(PlanError) as caught:
        materialize_nodes(*args)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)
