"""pygraphistry's read-only attributes (``g._edges``, ``g._source``, ``g._complex_encodings``...)
as a mixin :class:`~.plottable.Plottable` inherits.

Theory of operation. pygraphistry stores ~40 attributes on every plotter and copies them all
on every chaining step. We store none of them: each is a property computed from the record's
own fields when read. What is costly to compute (the pandas view of a table, the encodings
dict) is memoized in a small dict kept in the instance's ``__dict__`` under ``_memo``, so it
is computed at most once per plottable and never on a chaining step (``Plottable._next``
drops the memo it would otherwise copy). What users can mutate (DataFrames, dicts) is handed
out as a fresh copy on every read, so a user's write never reaches the plottable or its plan.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyrsistent import thaw

from .bindings import KNOWN_BINDINGS
from .host import Host

if TYPE_CHECKING:
    import pandas as pd

    from .frames import Frame

_MEMO = "_memo"


def _memoized(g: Any, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, cached in ``g``'s own memo dict (frozen records allow ``__dict__`` writes)."""
    memo: dict[str, Any] | None = g.__dict__.get(_MEMO)
    if memo is None:
        memo = g.__dict__[_MEMO] = {}
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _pandas(frame: Frame | None) -> pd.DataFrame | None:
    return None if frame is None else frame.in_memory("reading _edges/_nodes").to_pandas()


def _binding(name: str) -> property:
    def read(self: Introspection) -> str | None:
        return self.bindings.get(name)

    read.__doc__ = f"The column bound as ``{name}``, or ``None`` (pygraphistry's ``_{name}``)."
    return property(read)


class Introspection(Host):
    """pygraphistry's attribute names, read-only and computed on demand."""

    # -- tables: pandas copies ----------------------------------------------------------

    @property
    def _edges(self) -> pd.DataFrame | None:
        """The edges as a pandas DataFrame (a fresh copy on each read), or ``None``."""
        frame = _memoized(self, "edges", lambda: _pandas(self.edge_frame))
        return None if frame is None else frame.copy(deep=True)

    @property
    def _nodes(self) -> pd.DataFrame | None:
        """The nodes as a pandas DataFrame (a fresh copy on each read), or ``None``."""
        frame = _memoized(self, "nodes", lambda: _pandas(self.node_frame))
        return None if frame is None else frame.copy(deep=True)

    # -- bindings: one property per binding name ----------------------------------------

    _source = _binding("source")
    _destination = _binding("destination")
    _node = _binding("node")
    _edge = _binding("edge")
    _edge_title = _binding("edge_title")
    _edge_label = _binding("edge_label")
    _edge_color = _binding("edge_color")
    _edge_source_color = _binding("edge_source_color")
    _edge_destination_color = _binding("edge_destination_color")
    _edge_size = _binding("edge_size")
    _edge_weight = _binding("edge_weight")
    _edge_icon = _binding("edge_icon")
    _edge_opacity = _binding("edge_opacity")
    _point_title = _binding("point_title")
    _point_label = _binding("point_label")
    _point_color = _binding("point_color")
    _point_size = _binding("point_size")
    _point_weight = _binding("point_weight")
    _point_icon = _binding("point_icon")
    _point_opacity = _binding("point_opacity")
    _point_x = _binding("point_x")
    _point_y = _binding("point_y")
    _point_longitude = _binding("point_longitude")
    _point_latitude = _binding("point_latitude")

    # -- metadata and settings ----------------------------------------------------------

    @property
    def _name(self) -> str | None:
        """The dataset name, or ``None``."""
        return self.dataset_name

    @property
    def _description(self) -> str | None:
        """The dataset description, or ``None``."""
        return self.dataset_description

    @property
    def _url_params(self) -> dict[str, str]:
        """The viewer URL settings, in order (a fresh dict; ``{"info": "true"}`` by default)."""
        return dict(self.url_params)

    @property
    def _style(self) -> dict[str, Any] | None:
        """The branding style dict, or ``None`` until styled (as in pygraphistry)."""
        return dict(thaw(self.style_settings)) if self.style_settings else None

    @property
    def _complex_encodings(self) -> dict[str, Any]:
        """``{"node_encodings": {"current": {...}, "default": {...}}, "edge_encodings": ...}``
        (a fresh copy on each read)."""
        return copy.deepcopy(_memoized(self, "complex", self._build_complex))

    def _build_complex(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "node_encodings": {"current": {}, "default": {}},
            "edge_encodings": {"current": {}, "default": {}},
        }
        for (side, slot, key), obj in sorted(self.complex_encodings.items()):
            out[f"{side}_encodings"][slot][key] = thaw(obj)
        return out

    @property
    def _privacy(self) -> dict[str, Any] | None:
        """This plottable's own sharing settings as pygraphistry's dict, or ``None``."""
        share = self.privacy_settings
        if share is None:
            return None
        return {
            "mode": share.mode,
            "notify": share.notify,
            "invited_users": thaw(list(share.invited_users)),
            "message": share.message,
            "mode_action": share.mode_action,
        }

    @property
    def _height(self) -> int | float | str:
        """The notebook iframe height (``settings(height=...)``, 500 by default)."""
        return self.legacy.height

    @property
    def _render(self) -> object:
        """The render mode set by ``settings(render=...)``, or ``None``."""
        return self.legacy.render

    @property
    def _dataset_id(self) -> str | None:
        """The dataset id of the upload this plottable came from (``upload()``), or ``None``."""
        return self.legacy.dataset_id

    @property
    def _url(self) -> str | None:
        """The viewer URL of the upload this plottable came from (``upload()``), or ``None``."""
        return self.legacy.url

    @property
    def dataset_id(self) -> str | None:
        """Same as ``_dataset_id``."""
        return self.legacy.dataset_id

    @property
    def url(self) -> str | None:
        """Same as ``_url``: the viewer URL set by ``upload()``, or ``None``."""
        return self.legacy.url


#: every binding name has its pygraphistry attribute (a test checks this stays true).
BINDING_ATTRIBUTES = tuple(sorted(f"_{name}" for name in KNOWN_BINDINGS))
