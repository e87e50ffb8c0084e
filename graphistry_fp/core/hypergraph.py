"""hypergraph(): an event table in, the entity/event/edge/node tables of its hypergraph out.

Theory of operation. Every row of the event table is an *event*; every distinct value of an
entity column is an *entity*. The default (``direct=False``) graph links each entity to each
event it occurs in (one edge per event and entity column); ``direct=True`` links the entities
of one event to each other instead, one edge per pair of entity columns. The output must
equal pygraphistry 0.61.2's pandas engine column for column (names, order, dtypes, values,
nulls), because those tables are what the server receives.

The cost is in the big tables: one edge row per (event, entity column), one node row per
event. Edge ids of Arrow string columns are the column's bytes with the prefix inserted
(``binary_replace_slice``: no hashing, no ``str`` per row); other columns whose equal values
print equal (integers, booleans, floats without ``-0.0``, strings in objects) are coded once
(by offset for integers of a small range, else factorized), their ids formatted per distinct
value and handed out by code; every other column is formatted row by row, as pygraphistry
does (core/_hyperids.py). Event ids and repeated labels are written straight into Arrow
buffers (core/_hypertext.py); unfiltered edge blocks and the node table's string columns
share the event table's Arrow chunks. Entity rows (one per distinct value) are built with the
pandas steps pygraphistry uses, so their dtypes follow pandas' own rules (core/_hyperentities.py).

Pure: no I/O. ``verbose`` output is returned as :attr:`HypergraphResult.summary` for the
caller to print.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pandas as pd
import pyarrow as pa

from ..errors import PlanError
from ._hyperdefs import HyperDefs, parse_opts
from ._hyperedges import direct_edges, hyperedges
from ._hyperentities import empty_nodes, entity_rows, stacked
from ._hyperids import IdFormatter
from ._hypertext import numbered, repeated

__all__ = ["HypergraphResult", "hypergraph"]

_ENGINES = ("auto", "pandas")
# Under copy-on-write (always on in pandas 3) shallow copies are safe: a write to either
# frame copies first. Without it, a shallow copy would let the caller's later writes in.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


@attrs.frozen(eq=False)
class HypergraphResult:
    """The tables of a hypergraph and the bindings its graph gets.

    ``entities``, ``events``, ``edges`` and ``nodes`` are what pygraphistry's
    ``hypergraph(...)`` returns under those keys (pandas engine). The graph binds
    ``edges`` with ``source``/``destination`` and ``nodes`` with ``node``, and sets
    ``point_title``. ``summary`` holds the lines pygraphistry prints when ``verbose``.
    """

    entities: pd.DataFrame
    events: pd.DataFrame
    edges: pd.DataFrame
    nodes: pd.DataFrame
    source: str
    destination: str
    node: str
    point_title: str
    summary: tuple[str, ...] = ()

    @property
    def bindings(self) -> dict[str, str]:
        """The bindings of the graph: ``source``, ``destination``, ``node``, ``point_title``."""
        return {
            "source": self.source,
            "destination": self.destination,
            "node": self.node,
            "point_title": self.point_title,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"entities", "events", "edges", "nodes"}`` as pygraphistry's result dict has them."""
        return {
            "entities": self.entities,
            "events": self.events,
            "edges": self.edges,
            "nodes": self.nodes,
        }


def hypergraph(
    raw_events: Any,
    entity_types: Sequence[str] | None = None,
    opts: Mapping[str, Any] | None = None,
    drop_na: bool = True,
    drop_edge_attrs: bool = False,
    verbose: bool = True,
    direct: bool = False,
    engine: str = "auto",
    npartitions: int | None = None,
    chunksize: int | None = None,
) -> HypergraphResult:
    """Build the hypergraph of an event table, as pygraphistry 0.61.2's pandas engine does.

    Args:
        raw_events: the events, a pandas DataFrame or a pyarrow Table (one row per event).
        entity_types: the columns whose values become entities; default every column
            (minus ``opts["SKIP"]`` and the event id column).
        opts: pygraphistry's options: ``TITLE``, ``DELIM``, ``NODEID``, ``ATTRIBID``,
            ``EVENTID``, ``EVENTTYPE``, ``SOURCE``, ``DESTINATION``, ``CATEGORY``,
            ``NODETYPE``, ``EDGETYPE``, ``NULLVAL``, ``SKIP``, ``CATEGORIES``, ``EDGES``.
        drop_na: skip null values (no entity, no edge) instead of making a ``null`` entity.
        drop_edge_attrs: edges carry only their own columns, not the event's attributes.
        verbose: fill :attr:`HypergraphResult.summary` (the caller prints it).
        direct: link entities to each other instead of through event nodes.
        engine: ``"auto"`` or ``"pandas"`` (the only engine here).
        npartitions: accepted for pygraphistry compatibility; unused by the pandas engine.
        chunksize: accepted for pygraphistry compatibility; unused by the pandas engine.

    Returns:
        A :class:`HypergraphResult`.

    Raises:
        PlanError: unknown option, engine, or entity column, or a table that is not one.
    """
    del npartitions, chunksize  # pandas engine: pygraphistry ignores them too
    if engine not in _ENGINES:
        raise PlanError(
            f"hypergraph(engine={engine!r}) is not supported here; use engine='pandas' or 'auto'"
        )
    defs = parse_opts(opts)
    events_in = _as_frame(raw_events)
    columns = list(events_in.columns)
    if len(set(columns)) != len(columns):
        raise PlanError("hypergraph() needs unique column names; rename the repeated ones")
    odd = [c for c in columns if not isinstance(c, str)]
    if odd:  # pygraphistry fails on them too (a raw TypeError)
        raise PlanError(
            f"hypergraph() needs string column names, got {odd!r}; "
            "rename them, e.g. df.columns = df.columns.astype(str)"
        )
    entity_cols = _entity_columns(columns, entity_types, defs)

    events = _clean_events(events_in, defs)
    ids = IdFormatter(events, defs, drop_na)
    entities = entity_rows(events, entity_cols, defs, direct, ids)
    if direct:
        event_nodes = empty_nodes(events, entity_cols, defs, direct=True)
        edges = direct_edges(events, entity_cols, defs, drop_na, drop_edge_attrs, ids)
        source, destination = defs.source, defs.destination
    else:
        event_nodes = _event_nodes(events, defs)
        edges = hyperedges(events, entity_cols, defs, drop_na, drop_edge_attrs, ids)
        source, destination = defs.attrib_id, defs.event_id
    nodes = stacked(entities, event_nodes)
    summary = (
        (f"# links {len(edges)}", f"# events {len(events)}", f"# attrib entities {len(entities)}")
        if verbose
        else ()
    )
    return HypergraphResult(
        entities=entities,
        events=event_nodes,
        edges=edges,
        nodes=nodes,
        source=source,
        destination=destination,
        node=defs.node_id,
        point_title=defs.title,
        summary=summary,
    )


def _as_frame(raw: Any) -> pd.DataFrame:
    if isinstance(raw, pd.DataFrame):
        return raw
    if isinstance(raw, pa.Table):
        frame: pd.DataFrame = raw.to_pandas()
        return frame
    if type(raw).__module__.split(".")[0] == "polars":
        if hasattr(raw, "collect"):  # a LazyFrame
            raw = raw.collect()
        if hasattr(raw, "to_pandas") and hasattr(raw, "schema"):
            return _from_polars(raw)
    raise PlanError(
        "hypergraph() needs a pandas DataFrame, a pyarrow Table or a polars DataFrame of "
        f"events, got {type(raw).__name__}"
    )


def _from_polars(df: Any) -> pd.DataFrame:
    """polars -> pandas as pygraphistry converts: 64-bit integer columns with nulls whose
    values do not fit a float64 exactly keep exact values (object / UInt64), not floats."""
    out: pd.DataFrame = df.to_pandas()
    exact = {}
    for name, dtype in df.schema.items():
        kind = str(dtype)
        if kind not in ("Int64", "UInt64"):
            continue
        column = df.get_column(name)
        if column.null_count() == 0:
            continue
        low, high = column.min(), column.max()
        if (low is not None and low < -(2**53)) or (high is not None and high > 2**53):
            target = object if kind == "Int64" else "UInt64"
            exact[name] = pd.Series(column.to_list(), index=out.index, dtype=target)
    return out.assign(**exact) if exact else out


def _entity_columns(
    columns: list[Any], entity_types: Sequence[str] | None, defs: HyperDefs
) -> list[str]:
    if entity_types is not None and (
        isinstance(entity_types, str) or not isinstance(entity_types, Iterable)
    ):
        raise PlanError(
            f"hypergraph(entity_types=...) takes a list of column names, got {entity_types!r}"
        )
    base = list(entity_types) if entity_types is not None else columns
    chosen = [c for c in base if c not in defs.skip and c != defs.event_id]
    missing = [c for c in chosen if c not in columns]
    if missing:
        raise PlanError(f"hypergraph() entity columns not in the events table: {missing!r}")
    if not chosen:
        raise PlanError("hypergraph() has no entity columns left; pass entity_types=[...]")
    return chosen


def _clean_events(raw: pd.DataFrame, defs: HyperDefs) -> pd.DataFrame:
    """The events with a fresh 0..n-1 index and the event id column as ``EventID::<id>``."""
    events = raw.copy(deep=not _COPY_ON_WRITE).reset_index(drop=True)
    prefix = defs.event_id + defs.delim
    if defs.event_id in raw.columns:
        events[defs.event_id] = prefix + events[defs.event_id].astype(str).fillna(defs.null_val)
    else:
        events[defs.event_id] = numbered(prefix, len(events))
    return events


def _event_nodes(events: pd.DataFrame, defs: HyperDefs) -> pd.DataFrame:
    nodes = events.copy(deep=not _COPY_ON_WRITE)
    for column, label in ((defs.node_type, defs.event_id), (defs.category, defs.event_type)):
        nodes[column] = repeated([label], [len(nodes)], pd.Series([label]))
    nodes[defs.node_id] = nodes[defs.event_id]
    nodes[defs.title] = nodes[defs.event_id]
    return nodes
