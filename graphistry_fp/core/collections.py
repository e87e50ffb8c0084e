"""``collections(...)``: viewer collections as URL settings, as pygraphistry 0.61.2 sends them.

A collection is a dict: ``type`` (``"set"``, the default, or ``"intersection"``), ``id``,
``name``, ``description``, ``node_color``, ``edge_color`` and ``expr``; the list is sent as
URL-encoded compact JSON under ``collections``, fields in that order. A set's ``expr`` is a
GFQL chain in its wire form (a list of operation dicts, or ``{"type": "gfql_chain", "gfql":
[...]}``); an intersection's is ``{"type": "intersection", "sets": [ids]}``. Where
pygraphistry would drop an entry with a warning, we raise :class:`PlanError` saying why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from ..errors import PlanError
from .jsonvalue import to_json_value

_FIELDS = ("type", "id", "name", "description", "node_color", "edge_color", "expr")


def _parse(collections: object) -> list[Any]:
    if isinstance(collections, str):
        try:
            parsed = json.loads(collections)
        except json.JSONDecodeError:
            try:
                parsed = json.loads(unquote(collections))
            except json.JSONDecodeError:
                raise PlanError("collections= takes a list of dicts, or its JSON text") from None
        collections = parsed
    if isinstance(collections, Mapping):
        return [collections]
    if isinstance(collections, list):
        return collections
    raise PlanError(f"collections= takes a list of dicts, not {type(collections).__name__}")


def _set_expr(expr: object, index: int) -> dict[str, Any]:
    if isinstance(expr, Mapping) and expr.get("type") == "gfql_chain":
        expr = expr.get("gfql")
    if isinstance(expr, str):
        try:
            expr = json.loads(expr)
        except json.JSONDecodeError:
            raise PlanError(f"collection {index}: expr text must be JSON") from None
    if isinstance(expr, Mapping):
        expr = [expr]
    if not isinstance(expr, list) or not expr or not all(
        isinstance(op, Mapping) and isinstance(op.get("type"), str) for op in expr
    ):
        raise PlanError(
            f"collection {index}: expr must be a GFQL chain in wire form, a list of operation "
            "dicts such as [{'type': 'Node', 'filter_dict': {'kind': 'a'}}]"
        )
    return {"type": "gfql_chain", "gfql": to_json_value(list(expr), "collection expr")}


def _intersection_expr(expr: object, index: int) -> dict[str, Any]:
    if not isinstance(expr, Mapping) or expr.get("type", "intersection") != "intersection":
        raise PlanError(
            f"collection {index}: an intersection's expr is {{'type': 'intersection', "
            "'sets': ['set-id', ...]}"
        )
    sets = expr.get("sets", expr.get("intersection"))
    if not isinstance(sets, list) or not sets:
        raise PlanError(f"collection {index}: an intersection needs a non-empty 'sets' list")
    return {"type": "intersection", "sets": [str(s) for s in sets]}


def _entry(entry: object, index: int) -> dict[str, Any]:
    if not isinstance(entry, Mapping):
        raise PlanError(f"collection {index} must be a dict, not {type(entry).__name__}")
    unknown = sorted(str(k) for k in entry if k not in _FIELDS)
    if unknown:
        raise PlanError(f"collection {index}: unknown field(s) {unknown}; fields are {list(_FIELDS)}")
    kind = entry.get("type", "set")
    if not isinstance(kind, str) or kind.lower() not in ("set", "intersection"):
        raise PlanError(f"collection {index}: type must be 'set' or 'intersection', not {kind!r}")
    out: dict[str, Any] = {key: entry[key] for key in _FIELDS if key in entry}
    out["type"] = kind.lower()
    for key in ("id", "name", "description", "node_color", "edge_color"):
        if key in out and out[key] is not None and not isinstance(out[key], str):
            raise PlanError(f"collection {index}: {key} must be a str, not {out[key]!r}")
    if out.get("id") is None:
        out["id"] = f"{out['type']}-{index}"  # pygraphistry's generated id
    if out["type"] == "intersection":
        out["expr"] = _intersection_expr(out.get("expr"), index)
    else:
        out["expr"] = _set_expr(out.get("expr"), index)
    return {key: out[key] for key in _FIELDS if key in out}


def _color(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise PlanError(f"{what} takes a hex color string such as '#FF0000', not {value!r}")
    return value[1:] if value.startswith("#") else value


def collection_settings(
    collections: object,
    show_collections: bool | None,
    global_node_color: str | None,
    global_edge_color: str | None,
) -> dict[str, Any]:
    """The URL settings ``collections(...)`` adds (``collections`` already URL-encoded).

    Raises:
        PlanError: an entry pygraphistry would drop or refuse, or a color that is not a str.
    """
    settings: dict[str, Any] = {}
    if collections is not None:
        entries = [_entry(entry, i) for i, entry in enumerate(_parse(collections))]
        text = json.dumps(entries, separators=(",", ":"), ensure_ascii=True)
        settings["collections"] = quote(text, safe="")
    if show_collections is not None:
        if not isinstance(show_collections, bool):
            raise PlanError(f"show_collections takes True or False, not {show_collections!r}")
        settings["showCollections"] = show_collections
    if global_node_color is not None:
        settings["collectionsGlobalNodeColor"] = _color(global_node_color, "collections_global_node_color")
    if global_edge_color is not None:
        settings["collectionsGlobalEdgeColor"] = _color(global_edge_color, "collections_global_edge_color")
    return settings
