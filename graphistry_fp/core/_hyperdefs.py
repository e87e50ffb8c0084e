"""hypergraph()'s options (pygraphistry's ``opts``), validated into one frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import PlanError

__all__ = ["HyperDefs", "ordered_as_pygraphistry", "parse_opts"]

_NAMES = {
    "TITLE": "title",
    "DELIM": "delim",
    "NODEID": "node_id",
    "ATTRIBID": "attrib_id",
    "EVENTID": "event_id",
    "EVENTTYPE": "event_type",
    "SOURCE": "source",
    "DESTINATION": "destination",
    "CATEGORY": "category",
    "NODETYPE": "node_type",
    "EDGETYPE": "edge_type",
    "NULLVAL": "null_val",
}
_OTHER = ("SKIP", "CATEGORIES", "EDGES")


@attrs.frozen(kw_only=True)
class HyperDefs:
    """Column names and separators a hypergraph is built with (pygraphistry's defaults)."""

    title: str = "nodeTitle"
    delim: str = "::"
    node_id: str = "nodeID"
    attrib_id: str = "attribID"
    event_id: str = "EventID"
    event_type: str = "event"
    source: str = "src"
    destination: str = "dst"
    category: str = "category"
    node_type: str = "type"
    edge_type: str = "edgeType"
    null_val: str = "null"
    skip: tuple[Any, ...] = ()
    categories: dict[str, str] = attrs.field(factory=dict, hash=False)
    edges: dict[str, list[str]] | None = attrs.field(default=None, hash=False)

    def category_of(self, column: str) -> str:
        """The category an entity column's values belong to (its own name unless CATEGORIES)."""
        return self.categories.get(column, column)


def parse_opts(opts: Mapping[str, Any] | None) -> HyperDefs:
    """Validate pygraphistry's ``opts`` dict into :class:`HyperDefs`.

    Raises:
        PlanError: an unknown key or a value of the wrong shape.
    """
    opts = dict(opts or {})
    unknown = sorted(k for k in opts if k not in _NAMES and k not in _OTHER)
    if unknown:
        known = ", ".join(sorted([*_NAMES, *_OTHER]))
        raise PlanError(f"hypergraph() opts has unknown keys {unknown!r}; known keys: {known}")
    names: dict[str, str] = {}
    for key, field in _NAMES.items():
        if key in opts:
            value = opts[key]
            if not isinstance(value, str):
                raise PlanError(f"hypergraph() opts[{key!r}] must be a string, got {value!r}")
            names[field] = value
    skip = opts.get("SKIP") or []
    if isinstance(skip, str) or not isinstance(skip, (list, tuple)):
        raise PlanError(f"hypergraph() opts['SKIP'] must be a list of column names, got {skip!r}")
    return HyperDefs(
        **names,
        skip=tuple(skip),
        categories=_reverse_categories(opts.get("CATEGORIES") or {}),
        edges=_edges_shape(opts.get("EDGES")),
    )


def _reverse_categories(categories: Any) -> dict[str, str]:
    if not isinstance(categories, Mapping):
        raise PlanError(
            "hypergraph() opts['CATEGORIES'] must map a category to a list of columns, "
            f"got {categories!r}"
        )
    lookup: dict[str, str] = {}
    for category, columns in categories.items():
        if isinstance(columns, str) or not isinstance(columns, (list, tuple)):
            raise PlanError(
                f"hypergraph() opts['CATEGORIES'][{category!r}] must be a list of columns, "
                f"got {columns!r}"
            )
        for column in columns:
            lookup[column] = str(category)
    return lookup


def _edges_shape(edges: Any) -> dict[str, list[str]] | None:
    if edges is None:
        return None
    ok = isinstance(edges, Mapping) and all(
        isinstance(v, (list, tuple)) and not isinstance(v, str) for v in edges.values()
    )
    if not ok:
        raise PlanError(
            "hypergraph() opts['EDGES'] must map a column to the list of columns it links to, "
            f"got {edges!r}"
        )
    return {k: list(v) for k, v in edges.items()}


def ordered_as_pygraphistry(names: list[Any]) -> list[Any]:
    """The edge table's column order as pygraphistry 0.61.2 produces it.

    pygraphistry lists these columns by iterating a Python ``set`` built from this exact
    sequence, so the order follows string hashing (``PYTHONHASHSEED``). Building the same set
    from the same sequence gives the same order in the same process, which is what makes the
    uploaded table match column for column; across processes the order may differ, for both.
    """
    return list(set(names))
