"""The edge tables of a hypergraph: entity-to-event (``hyperedges``) and entity-to-entity
(``direct_edges``), row blocks in pygraphistry 0.61.2's order.

Each block is one entity column (or one pair of columns, ``direct``): the event rows where
its values are non-null (all rows when ``drop_na=False``), the event's columns, and the
columns pygraphistry adds. Blocks are concatenated, not copied row by row: an unfiltered
block of an Arrow column shares the event table's buffers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import PlanError
from ._hyperdefs import HyperDefs, ordered_as_pygraphistry
from ._hyperids import IdFormatter
from ._hypertext import repeated

__all__ = ["direct_edges", "hyperedges"]


def _result_columns(
    events: pd.DataFrame, defs: HyperDefs, drop_edge_attrs: bool, own: list[str]
) -> list[Any]:
    attrs_cols = [] if drop_edge_attrs else [c for c in events.columns if c != defs.node_type]
    cats = [defs.category] if defs.categories else []
    return ordered_as_pygraphistry(attrs_cols + own + cats)


def _assemble(
    events: pd.DataFrame,
    parts: list[np.ndarray | None],
    drop_edge_attrs: bool,
    defs: HyperDefs,
    made: dict[str, pd.Series],
    columns: list[Any],
) -> pd.DataFrame:
    """The edge table: one block of event rows per mask in ``parts``, plus the ``made``
    columns, in ``columns`` order. Unfiltered Arrow blocks are shared, not copied."""
    out: dict[Any, pd.Series] = {}
    for c in columns:
        if c in made:
            out[c] = made[c]
        elif not drop_edge_attrs or c == defs.event_id:
            column = events[c]
            out[c] = _concat_series([column if m is None else column[m] for m in parts])
    return pd.DataFrame(out, columns=columns, copy=False)


def hyperedges(
    events: pd.DataFrame,
    entity_cols: list[str],
    defs: HyperDefs,
    drop_na: bool,
    drop_edge_attrs: bool,
    ids: IdFormatter,
) -> pd.DataFrame:
    own = [defs.edge_type, defs.attrib_id, defs.event_id]
    columns = _result_columns(events, defs, drop_edge_attrs, own)
    cols = sorted(entity_cols)
    parts = [ids.kept([c]) if drop_na else None for c in cols]
    lengths = [len(events) if r is None else int(np.count_nonzero(r)) for r in parts]
    edge_types = [defs.category_of(c) if defs.categories else c for c in cols]
    made: dict[str, pd.Series] = {
        defs.edge_type: repeated(edge_types, lengths, pd.Series(edge_types))
    }
    if defs.categories:
        made[defs.category] = repeated(cols, lengths, pd.Series(cols))
    made[defs.attrib_id] = _concat_series(
        [
            ids.ids(c, r, _held(defs, c, edge_type=t, category=c))
            for c, r, t in zip(cols, parts, edge_types)
        ]
    )
    return _assemble(events, parts, drop_edge_attrs, defs, made, columns)


def _held(defs: HyperDefs, column: str, *, edge_type: str, category: str) -> str | None:
    """What an entity column holds when pygraphistry reads it, if it overwrote it first."""
    if column == defs.edge_type:
        return edge_type
    if defs.categories and column == defs.category:
        return category
    return None


def direct_edges(
    events: pd.DataFrame,
    entity_cols: list[str],
    defs: HyperDefs,
    drop_na: bool,
    drop_edge_attrs: bool,
    ids: IdFormatter,
) -> pd.DataFrame:
    own = [defs.edge_type, defs.source, defs.destination, defs.event_id]
    columns = _result_columns(events, defs, drop_edge_attrs, own)
    shape = defs.edges
    if shape is None:
        shape = {c: entity_cols[i + 1 :] for i, c in enumerate(entity_cols)}
    pairs = [(a, b) for a in sorted(shape) for b in sorted(shape[a])]
    unknown = sorted({c for pair in pairs for c in pair if c not in events.columns})
    if unknown:
        raise PlanError(f"hypergraph() opts['EDGES'] names columns not in the events: {unknown!r}")
    if not pairs:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
    d = defs.delim
    parts = [ids.kept([a, b]) if drop_na else None for a, b in pairs]
    lengths = [len(events) if r is None else int(np.count_nonzero(r)) for r in parts]
    names = [a + d + b for a, b in pairs]
    if defs.categories:
        types = [defs.category_of(a) + d + defs.category_of(b) for a, b in pairs]
    else:
        types = names
    made: dict[str, pd.Series] = {defs.edge_type: repeated(types, lengths, pd.Series(types))}
    if defs.categories:
        made[defs.category] = repeated(names, lengths, pd.Series(names))
    for end, pick in ((defs.source, 0), (defs.destination, 1)):
        made[end] = _concat_series(
            [
                ids.ids(pair[pick], r, _held(defs, pair[pick], edge_type=t, category=n))
                for pair, r, t, n in zip(pairs, parts, types, names)
            ]
        )
    return _assemble(events, parts, drop_edge_attrs, defs, made, columns)


def _concat_series(parts: list[pd.Series]) -> pd.Series:
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)
