"""pygraphistry's graph-building methods, as a mixin of :class:`~.plottable.Plottable`:
``infer_labels``, ``pipe``, ``materialize_nodes``, ``from_networkx``, ``from_igraph`` and
``hypergraph``.

Each returns a new plottable (the receiver unchanged). The table transformations are pure
functions of other core modules (``materialize.py``, ``graphs.py``, ``hypergraph.py``),
imported when first used, so a plain bind/encode chain never loads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import PlanError
from .host import Host

if TYPE_CHECKING:
    from .plottable import Plottable

_RETURN_AS = ("graph", "all", "entities", "events", "edges", "nodes")


class GraphMethods(Host):
    """Graph construction from other shapes: labels, node tables, graphs, hypergraphs."""

    def infer_labels(self) -> Plottable:
        """Bind ``point_title`` to a label-like node column (``nodetitle``, ``nodelabel``,
        ``label``, ``title``, ``name``; then any column containing title/label/name), else to
        the node id column. Unchanged when ``point_title`` or ``point_label`` is bound.

        Raises:
            PlanError: no nodes table, or nothing label-like and no node binding.
        """
        if "point_title" in self.bindings or "point_label" in self.bindings:
            return self._next()
        if self.node_frame is None:
            raise PlanError("infer_labels() needs a nodes table: call .nodes(df, 'id') first")
        from .compile import label_column

        title = label_column(self.node_frame.table.column_names) or self.bindings.get("node")
        if title is None:
            raise PlanError(
                "infer_labels() found no label-like node column and no node id binding: "
                "bind one with .bind(point_title='col') or .nodes(df, node='id')"
            )
        return self.bind(point_title=title)

    def pipe(self, graph_transform: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``graph_transform(self, *args, **kwargs)``: keeps a chain reading left to right."""
        return graph_transform(self, *args, **kwargs)

    def materialize_nodes(self, reuse: bool = True, engine: str = "auto") -> Plottable:
        """Derive the nodes table from the edges (sources then destinations, first-seen order),
        in a column named after the node binding (``"id"`` when unbound).

        Args:
            reuse: keep an existing nodes table when a node binding is set.
            engine: ``"auto"`` or ``"pandas"``.

        Raises:
            PlanError: no edges, unbound source/destination, or an unsupported engine.
        """
        if engine not in ("auto", "pandas"):
            raise PlanError(f"materialize_nodes(engine={engine!r}): use 'auto' or 'pandas'")
        node = self.bindings.get("node")
        if reuse and self.node_frame is not None and node is not None:
            return self._next()
        from .materialize import materialize_nodes

        nodes, node_id = materialize_nodes(
            None if self.edge_frame is None else self.edge_frame.in_memory("materialize_nodes()"),
            None if self.node_frame is None else self.node_frame.in_memory("materialize_nodes()"),
            self.bindings.get("source"), self.bindings.get("destination"), node, reuse,
        )  # fmt: skip
        return self.nodes(nodes, node_id)

    def from_networkx(self, G: Any) -> Plottable:
        """Edges and nodes of a NetworkX graph (``networkx`` extra), bound with this
        plottable's source/destination/node bindings, else ``src``/``dst``/``n``.

        Raises:
            PlanError: networkx is not installed, ``G`` is not a NetworkX graph, or an
                attribute name clashes with an id column.
        """
        from .graphs import from_networkx

        tables = from_networkx(
            G, self.bindings.get("source"), self.bindings.get("destination"),
            self.bindings.get("node"),
        )  # fmt: skip
        return self.edges(tables.edges, tables.source, tables.destination).nodes(
            tables.nodes, tables.node
        )

    def from_igraph(
        self,
        ig: Any,
        node_attributes: Sequence[str] | None = None,
        edge_attributes: Sequence[str] | None = None,
        load_nodes: bool = True,
        load_edges: bool = True,
        merge_if_existing: bool = True,
    ) -> Plottable:
        """Edges and nodes of an igraph graph (``igraph`` extra), for a plottable with no
        tables yet, as pygraphistry builds them.

        Raises:
            PlanError: igraph is not installed, ``ig`` is not a graph, or options this
                library does not implement (attribute subsets, partial loads, merging into
                existing tables; the message names them).
        """
        unsupported = [
            name for name, value, default in (
                ("node_attributes", node_attributes, None), ("edge_attributes", edge_attributes, None),
                ("load_nodes", load_nodes, True), ("load_edges", load_edges, True),
            ) if value != default
        ]  # fmt: skip
        has_tables = self.edge_frame is not None or self.node_frame is not None
        if has_tables and merge_if_existing:
            unsupported.append("merging into existing tables")
        if unsupported:
            raise PlanError(
                f"from_igraph(): {', '.join(unsupported)} not supported here; convert on a "
                "fresh plottable (graphistry.bind(...).from_igraph(ig)) and select columns after"
            )
        from .graphs import from_igraph

        tables = from_igraph(
            ig, self.bindings.get("source"), self.bindings.get("destination"),
            self.bindings.get("node"),
        )  # fmt: skip
        return self.edges(tables.edges, tables.source, tables.destination).nodes(
            tables.nodes, tables.node
        )

    def hypergraph(
        self,
        raw_events: Any = None,
        *,
        entity_types: Sequence[str] | None = None,
        opts: Mapping[str, Any] | None = None,
        drop_na: bool = True,
        drop_edge_attrs: bool = False,
        verbose: bool = True,
        direct: bool = False,
        engine: str = "auto",
        npartitions: int | None = None,
        chunksize: int | None = None,
        from_edges: bool = False,
        return_as: str = "graph",
    ) -> Any:
        """The hypergraph of an event table, bound onto this plottable (pygraphistry's pandas
        engine, table for table). ``raw_events=None`` reads this plottable's nodes (or edges,
        ``from_edges=True``); a list there is taken as ``entity_types``.

        Returns:
            by ``return_as``: ``"graph"`` (default) the new plottable; ``"all"`` the dict with
            ``entities``, ``events``, ``edges``, ``nodes`` and ``graph``; or one table.

        Raises:
            PlanError: an unknown option, engine, column or ``return_as``; no table to read.
        """
        if return_as not in _RETURN_AS:
            raise PlanError(
                f"hypergraph(return_as={return_as!r}): use 'graph', 'all', 'entities', "
                "'events', 'edges' or 'nodes'"
            )
        if isinstance(raw_events, list):
            entity_types, raw_events = raw_events, None
        if raw_events is None:
            frame = self.edge_frame if from_edges else self.node_frame
            what = "edges" if from_edges else "nodes"
            table = None if frame is None else frame.in_memory("hypergraph() of a bound table")
            if table is None or table.num_rows == 0:
                raise PlanError(f"hypergraph() without raw_events reads the {what}; bind them first")
            raw_events = table.to_pandas()
        tables, _ = self._hypergraph(
            raw_events, entity_types, opts, drop_na, drop_edge_attrs, verbose, direct, engine,
            npartitions, chunksize,
        )  # fmt: skip
        return tables if return_as == "all" else tables[return_as]

    def _hypergraph(self, raw_events: Any, *args: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
        """pygraphistry's result dict, and the lines it prints when verbose (core prints
        nothing: the module ``graphistry.hypergraph`` does)."""
        from .hypergraph import hypergraph

        out = hypergraph(raw_events, *args)
        graph = (
            self.edges(out.edges, out.source, out.destination)
            .nodes(_bindable_nodes(out.nodes, (out.entities, out.events)), out.node)
            .bind(point_title=out.point_title)
        )
        return {**out.tables(), "graph": graph}, out.summary


def _bindable_nodes(nodes: pd.DataFrame, parts: tuple[pd.DataFrame, ...]) -> pd.DataFrame:
    """``nodes`` (the concatenation of ``parts``) with each object column of strings rebuilt
    from the parts' Arrow-backed columns, so binding it converts nothing.

    pygraphistry's node table has object columns where the parts' string columns are padded
    with NaN (the event id column: 1M Python strings for 1M events); converting those to
    Arrow costs ~0.1 s and ~19 MiB per million rows. The same values as an Arrow ``string``
    column (what that conversion yields) come from the parts for the price of new offsets.
    Columns this cannot rebuild exactly are left as they are.
    """
    import pyarrow as pa

    if len(nodes) != sum(len(part) for part in parts):
        return nodes
    replaced: dict[str, pd.Series] = {}
    for column in nodes.columns:
        if nodes[column].dtype != object:
            continue
        chunks = []
        valued = False  # an all-null object column converts to Arrow's null type: keep it
        for part in parts:
            values = part[column] if column in part.columns else None
            if values is None or (values.dtype == object and bool(values.isna().all())):
                chunks.append(pa.nulls(len(part), pa.string()))  # padding: nulls in the concat
                continue
            if getattr(values.dtype, "storage", None) != "pyarrow" or values.dtype.kind != "O":
                break
            array = pa.array(values)
            if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
                break
            chunks.append(array.cast(pa.string()))
            valued = True
        else:
            if not valued:
                continue
            combined = pa.chunked_array(chunks, pa.string())
            replaced[column] = pd.Series(pd.arrays.ArrowExtensionArray(combined), index=nodes.index)
    return nodes.assign(**replaced) if replaced else nodes


__all__ = ["GraphMethods"]
