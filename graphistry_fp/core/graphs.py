"""Graph-library conversions: NetworkX (``networkx`` extra) and igraph (``igraph`` extra).

Pure: a graph object in, an edge table, a node table and their bindings out, as
pygraphistry 0.61.2's ``from_networkx``/``from_igraph`` build them. The libraries are
imported only when a conversion runs, so ``graphistry_fp.core`` needs neither.
"""

from __future__ import annotations

from typing import Any

import attrs
import pandas as pd

from ..errors import PlanError

__all__ = ["GraphTables", "from_igraph", "from_networkx"]


@attrs.frozen(eq=False)
class GraphTables:
    """An edge table, a node table, and the bindings that read them."""

    edges: pd.DataFrame
    nodes: pd.DataFrame
    source: str
    destination: str
    node: str

    @property
    def bindings(self) -> dict[str, str]:
        """``{"source", "destination", "node"}`` for the graph these tables make."""
        return {"source": self.source, "destination": self.destination, "node": self.node}


def _missing(module: str, error: ImportError) -> PlanError:
    missing = PlanError(
        f"this conversion needs the optional {module} package: "
        f"pip install 'graphistry_fp[{module}]'"
    )
    missing.__cause__ = error
    return missing


def _networkx() -> Any:
    try:
        import networkx
    except ImportError as error:
        raise _missing("networkx", error) from error
    return networkx


def _igraph() -> Any:
    try:
        import igraph
    except ImportError as error:
        raise _missing("igraph", error) from error
    return igraph


def from_networkx(
    G: Any,
    source: str | None = None,
    destination: str | None = None,
    node: str | None = None,
) -> GraphTables:
    """Tables of a NetworkX graph, as pygraphistry 0.61.2's ``from_networkx`` makes them.

    One node row per node (``node`` column first, then its attributes in first-seen order),
    one edge row per edge (``source``, ``destination``, then attributes). Directed and
    undirected graphs alike; isolated nodes are kept.

    Args:
        G: a ``networkx`` graph (Graph, DiGraph, MultiGraph, MultiDiGraph).
        source: the source column (default ``"src"``).
        destination: the destination column (default ``"dst"``).
        node: the node id column (default ``"n"``).

    Raises:
        PlanError: networkx is missing (install the ``networkx`` extra), ``G`` is not a
            NetworkX graph, or an attribute has the name of an id column (it would
            overwrite the ids).
    """
    nx = _networkx()
    if not isinstance(G, nx.Graph):
        raise PlanError(f"from_networkx() needs a networkx graph, got {type(G).__name__}")
    src = "src" if source is None else source
    dst = "dst" if destination is None else destination
    nid = "n" if node is None else node
    node_rows = []
    for n, data in G.nodes(data=True):
        if nid in data:
            raise PlanError(
                f"from_networkx(): node attribute {nid!r} clashes with the node id column; "
                "bind another with .bind(node=...)"
            )
        node_rows.append({nid: n, **data})
    edge_rows = []
    for u, v, data in G.edges(data=True):
        clash = [c for c in (src, dst) if c in data]
        if clash:
            raise PlanError(
                f"from_networkx(): edge attribute {clash[0]!r} clashes with an edge id column; "
                "bind others with .bind(source=..., destination=...)"
            )
        edge_rows.append({src: u, dst: v, **data})
    return GraphTables(
        edges=pd.DataFrame(edge_rows),
        nodes=pd.DataFrame(node_rows),
        source=src,
        destination=dst,
        node=nid,
    )


def from_igraph(
    ig: Any,
    source: str | None = None,
    destination: str | None = None,
    node: str | None = None,
) -> GraphTables:
    """Tables of an igraph graph, as pygraphistry 0.61.2's ``from_igraph`` makes them for a
    plottable with no tables yet.

    Nodes: igraph's vertex table with ``name`` (or the vertex index) as the node id column;
    edges: igraph's edge table with ``source``/``target`` mapped to node ids.

    Args:
        ig: an ``igraph.Graph``.
        source: the source column (default ``"source"``, igraph's name).
        destination: the destination column (default ``"target"``).
        node: the node id column (default ``"_n_implicit"``, pygraphistry's).

    Raises:
        PlanError: igraph is missing (install the ``igraph`` extra) or ``ig`` is not a graph.
    """
    igraph = _igraph()
    if not isinstance(ig, igraph.Graph):
        raise PlanError(f"from_igraph() needs an igraph.Graph, got {type(ig).__name__}")
    src = "source" if source is None else source
    dst = "target" if destination is None else destination
    nid = "_n_implicit" if node is None else node
    vertices = ig.get_vertex_dataframe()
    if nid not in vertices:
        if "name" in vertices:
            vertices = vertices.rename(columns={"name": nid})
        else:
            vertices = vertices.reset_index().rename(columns={vertices.index.name: nid})
    nodes = vertices.reset_index(drop=True)
    edges = ig.get_edge_dataframe()  # indexed by igraph's "edge ID", as pygraphistry keeps it
    if ig.vcount() == 0:  # pygraphistry's tables of an empty graph: object id columns
        nodes = nodes.astype({nid: object})
        edges = edges.astype({"source": object, "target": object})
    elif len(edges) > 0:
        ids = nodes[nid]
        edges = edges.assign(
            source=ids.take(edges["source"].to_numpy()).to_numpy(),
            target=ids.take(edges["target"].to_numpy()).to_numpy(),
        )
    edges = edges.rename(columns={"source": src, "target": dst})
    return GraphTables(edges=edges, nodes=nodes, source=src, destination=dst, node=nid)
