"""materialize_nodes(): a node table derived from the edges, as pygraphistry 0.61.2 derives it.

Pure: tables in, a table out. The node ids are the edges' sources then destinations, in
first-seen order, in one column named after the node binding (``"id"`` when unbound), with
the dtype pandas gives the concatenation of the two columns.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import PlanError

__all__ = ["DEFAULT_NODE", "materialize_nodes"]

DEFAULT_NODE = "id"


def _frame(table: Any, what: str) -> pd.DataFrame | None:
    if table is None or isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, pa.Table):
        frame: pd.DataFrame = table.to_pandas()
        return frame
    raise PlanError(
        f"materialize_nodes() needs {what} as a pandas DataFrame or a pyarrow Table, "
        f"got {type(table).__name__}"
    )


def materialize_nodes(
    edges: Any,
    nodes: Any,
    source: str | None,
    destination: str | None,
    node: str | None,
    reuse: bool = True,
) -> tuple[pd.DataFrame, str]:
    """The node table (and node binding) a graph gets from ``materialize_nodes()``.

    Args:
        edges: the edge table (pandas DataFrame or pyarrow Table), or None.
        nodes: the existing node table, or None.
        source: the source binding.
        destination: the destination binding.
        node: the node binding, or None (the new column is then ``"id"``).
        reuse: keep an existing node table when a node binding is set.

    Returns:
        ``(nodes, node)``: the existing pair when reused, else the derived table and its
        column name.

    Raises:
        PlanError: no edges (and no node table to keep), or a missing source/destination
            binding or column.

    Example:
        >>> import pandas as pd
        >>> nodes, node = materialize_nodes(
        ...     pd.DataFrame({"s": ["a", "b"], "d": ["b", "c"]}), None, "s", "d", None)
        >>> (node, list(nodes["id"]))
        ('id', ['a', 'b', 'c'])
    """
    if reuse and nodes is not None and node is not None:
        return _frame(nodes, "nodes"), node  # type: ignore[return-value]
    edge_frame = _frame(edges, "edges")
    if edge_frame is None:
        node_frame = _frame(nodes, "nodes")
        if reuse and node_frame is not None and len(node_frame) > 0:
            return node_frame, node  # type: ignore[return-value]
        raise PlanError("materialize_nodes() needs edges; bind them with .edges(df, src, dst)")
    if source is None or destination is None:
        raise PlanError(
            "materialize_nodes() needs source and destination bindings; set them with "
            ".bind(source=..., destination=...) or .edges(df, src, dst)"
        )
    missing = [c for c in (source, destination) if c not in edge_frame.columns]
    if missing:
        raise PlanError(f"materialize_nodes(): edge columns {missing!r} are not in the edges")
    node_id = node if node is not None else DEFAULT_NODE
    if len(edge_frame) == 0:
        empty = edge_frame[[source]].rename(columns={source: node_id}).reset_index(drop=True)
        return empty, node_id
    ids = pd.concat([edge_frame[source], edge_frame[destination]])
    return ids.rename(node_id).drop_duplicates().to_frame().reset_index(drop=True), node_id
