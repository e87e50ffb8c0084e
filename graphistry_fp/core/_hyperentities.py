"""The entity rows of a hypergraph: one per distinct value of each entity column, padded
with nulls to every node column, as pygraphistry 0.61.2's pandas engine builds them.

These tables are small (one row per entity), so they are built with the pandas steps
pygraphistry uses and dtypes follow pandas' own rules. Two shortcuts give the same table:
an all-null column of Arrow strings is made as one null array, and the final
``drop_duplicates`` on node ids is skipped where no two entity rows can share an id.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import PlanError
from ._hyperdefs import HyperDefs
from ._hyperids import IdFormatter
from ._hypertext import default_text

__all__ = ["empty_nodes", "entity_rows", "stacked"]


def empty_nodes(
    events: pd.DataFrame, entity_cols: list[str], defs: HyperDefs, *, direct: bool
) -> pd.DataFrame:
    """Zero rows with every node column: the shape entity rows are padded to."""
    base = events[entity_cols] if direct else events
    empty = pd.Series([], dtype="object")
    return base.head(0).assign(
        **{
            defs.title: empty,
            defs.event_id: empty,
            defs.node_type: empty,
            defs.category: empty,
            defs.node_id: empty,
        }
    )


def _pad(column: pd.Series, dtype: Any) -> pd.Series:
    """A null-filled column coerced to ``dtype`` the way pygraphistry coerces it."""
    if column.dtype.name == dtype.name:
        return column
    if default_text(dtype):  # what astype(str) makes of NaN, without a value-by-value pass
        make: Any = pd.array  # pandas-stubs has no overload for an Arrow array
        nulls = make(pa.nulls(len(column), pa.large_string()), dtype=dtype)
        return pd.Series(nulls, index=column.index, name=column.name)
    if dtype.name in ("int64", "int32"):
        return column.fillna(0).astype(dtype.name)
    if dtype.name == "timedelta64[ns]":
        return column.fillna(np.datetime64("NaT")).astype(str)
    try:
        return column.astype(dtype)
    except (TypeError, ValueError) as e:
        raise PlanError(
            f"hypergraph() cannot pad column {column.name!r} of dtype {dtype} with nulls for "
            "entity rows (pygraphistry fails here too); cast it to int64, float64 or object first"
        ) from e


def _ids_are_unique(entity_cols: list[str], defs: HyperDefs, ids: IdFormatter) -> bool:
    """True where no two entity rows can share a node id, so ``drop_duplicates`` keeps all.

    Within a column, distinct values must print distinctly (:meth:`IdFormatter.prints_apart`).
    Across columns, ids are ``<category><delim><title>``: when no category is a prefix of
    another (equal ones included), two ids of different columns differ within the shorter
    category.
    """
    cats = [defs.category_of(c) for c in entity_cols]
    for i, a in enumerate(cats):
        for j, b in enumerate(cats):
            if i != j and b.startswith(a):
                return False
    return all(ids.prints_apart(c) for c in entity_cols)


def entity_rows(
    events: pd.DataFrame, entity_cols: list[str], defs: HyperDefs, direct: bool, ids: IdFormatter
) -> pd.DataFrame:
    """The entity rows, in pygraphistry's order, deduplicated on node id."""
    meta = empty_nodes(events, entity_cols, defs, direct=direct)
    frames = []
    for col in entity_cols:
        values = ids.distinct(col)
        titles = values.astype(str).fillna(defs.null_val).astype(str)
        category = defs.category_of(col)
        columns: dict[str, Any] = {
            col: values,  # a generated name below replaces it in place, as assign() does
            defs.title: titles,
            defs.node_type: col,
            defs.category: category,
            defs.node_id: (category + defs.delim) + titles,
        }
        for c in meta.columns:
            if c not in columns:
                columns[c] = _pad(pd.Series(np.nan, index=values.index, name=c), meta[c].dtype)
        frame = pd.DataFrame(columns, index=values.index)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True, sort=False)
    if _ids_are_unique(entity_cols, defs, ids):
        return table
    return table.drop_duplicates([defs.node_id])


def stacked(entities: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """``pd.concat([entities, events], ignore_index=True, sort=False)``, column by column
    where every column is one pandas concatenates without surprises: Arrow strings on both
    sides (their chunks are joined, not copied), the same numpy dtype, or entity nulls of
    dtype object over Arrow strings (made Python strings in one pass)."""
    if set(entities.columns) != set(events.columns):
        return pd.concat([entities, events], ignore_index=True, sort=False)
    columns: dict[str, Any] = {}
    for name in entities.columns:
        top, bottom = entities[name], events[name]
        if default_text(top.dtype) and top.dtype == bottom.dtype:
            chunks = [*_arrow(top).chunks, *_arrow(bottom).chunks]
            columns[name] = pd.array(pa.chunked_array(chunks, pa.large_string()), dtype=top.dtype)
        elif (
            isinstance(top.dtype, np.dtype)
            and top.dtype == bottom.dtype
            and top.dtype.kind in "iufb"
        ):
            columns[name] = np.concatenate([top.to_numpy(), bottom.to_numpy()])
        elif top.dtype == object and default_text(bottom.dtype) and not _arrow(bottom).null_count:
            # one pass from Arrow to Python strings, into the result (Arrow leaves the
            # entity rows' slots None; they get the entity rows' own values)
            slots = pa.nulls(len(top), pa.large_string())
            text = pa.chunked_array([slots, *_arrow(bottom).chunks], pa.large_string())
            joined = text.to_numpy()
            joined[: len(top)] = top.to_numpy()
            columns[name] = pd.Series(joined, dtype=object, copy=False)
        else:
            return pd.concat([entities, events], ignore_index=True, sort=False)
    return pd.DataFrame(columns, copy=False)


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    chunks: pa.ChunkedArray = values.array.__arrow_array__()
    return chunks
