"""Simple bindings: which column plays which role (PROTOCOL.md 6.1).

``bind(point_title="name")`` records ``{"point_title": "name"}``; the create-dataset JSON
sends it as ``node_encodings.bindings.node_title``. The edge-id binding ``edge`` is kept
for the user but never sent, as pygraphistry does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Literal

from ..errors import PlanError

Side = Literal["edge", "node"]

class FrozenMap(Mapping[str, str]):
    """An immutable, hashable ``{binding: column}`` map.

    Chaining merges a few bindings per step; a plain dict underneath makes that merge one
    C-level copy (~0.5 us) where a persistent map's ``update`` costs ~5 us.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        self._items: dict[str, str] = dict(items or {})

    def merged(self, changes: Mapping[str, str]) -> FrozenMap:
        """A new map with ``changes`` applied; ``self`` when they change nothing."""
        if all(self._items.get(k) == v for k, v in changes.items()):
            return self
        return FrozenMap({**self._items, **changes})

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._items == other._items
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


#: binding name -> JSON key, for bindings sent in ``edge_encodings.bindings``.
EDGE_BINDINGS: Mapping[str, str] = {
    "source": "source",
    "destination": "destination",
    "edge_color": "edge_color",
    "edge_source_color": "edge_source_color",
    "edge_destination_color": "edge_destination_color",
    "edge_label": "edge_label",
    "edge_opacity": "edge_opacity",
    "edge_size": "edge_size",
    "edge_title": "edge_title",
    "edge_weight": "edge_weight",
    "edge_icon": "edge_icon",
}

#: binding name -> JSON key, for bindings sent in ``node_encodings.bindings``.
NODE_BINDINGS: Mapping[str, str] = {
    "node": "node",
    "point_color": "node_color",
    "point_label": "node_label",
    "point_opacity": "node_opacity",
    "point_size": "node_size",
    "point_title": "node_title",
    "point_weight": "node_weight",
    "point_icon": "node_icon",
    "point_x": "node_x",
    "point_y": "node_y",
    "point_longitude": "node_longitude",
    "point_latitude": "node_latitude",
}

#: bindings kept but never sent.
UNSENT_BINDINGS = frozenset({"edge"})

KNOWN_BINDINGS = frozenset(EDGE_BINDINGS) | frozenset(NODE_BINDINGS) | UNSENT_BINDINGS


def side_of(binding: str) -> Side:
    """Which table a binding's column lives in."""
    return "node" if binding in NODE_BINDINGS else "edge"


def check_bindings(bindings: Mapping[str, object]) -> dict[str, str]:
    """Validate ``bind(**bindings)`` arguments; return the ones to set.

    As in pygraphistry, ``None`` and ``""`` are ignored, so a binding cannot be cleared by
    binding it to ``None``. Other values that are not strings (``0``, ``False``) raise:
    column names are strings, so they can only be a mistake.

    Raises:
        PlanError: an unknown binding name, or a column name that is not a string.
    """
    unknown = sorted(set(bindings) - KNOWN_BINDINGS)
    if unknown:
        raise PlanError(
            f"unknown binding(s) {unknown}; known bindings are {sorted(KNOWN_BINDINGS)}"
        )
    out: dict[str, str] = {}
    for name, column in bindings.items():
        if column is None or column == "":
            continue
        if not isinstance(column, str):
            raise PlanError(
                f"bind({name}=...) takes a column name (a str), not {type(column).__name__} "
                f"{column!r}"
            )
        out[name] = column
    return out


def serialize(bindings: Mapping[str, str], side: Side) -> dict[str, str]:
    """The ``bindings`` JSON object of one side, in the protocol's key order."""
    table = EDGE_BINDINGS if side == "edge" else NODE_BINDINGS
    return {key: bindings[name] for name, key in table.items() if name in bindings}
