"""What the mixins of :class:`~.plottable.Plottable` read from it, declared once.

``Encoders``, ``ViewerSettings``, ``LegacyMethods``, ``GraphMethods`` and ``Introspection``
derive from :class:`Host`, which declares (for the type checker only) the record's fields
and the chaining methods they call; ``Plottable`` defines them. At run time ``Host`` is an
empty class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyrsistent import PMap

    from ..effects import PlotPlan, Share
    from .bindings import FrozenMap
    from .frames import Frame
    from .legacy_state import LegacyState
    from .plottable import Plottable
    from .roots import RootCell


class Host:
    """The fields and chaining methods of ``Plottable`` its mixins use (declarations)."""

    if TYPE_CHECKING:
        edge_frame: Frame | None
        node_frame: Frame | None
        bindings: FrozenMap
        complex_encodings: PMap[tuple[str, str, str], PMap[str, Any]]
        dataset_name: str | None
        dataset_description: str | None
        url_params: tuple[tuple[str, str], ...]
        style_settings: PMap[str, Any]
        privacy_settings: Share | None
        root: RootCell

        @property
        def legacy(self) -> LegacyState: ...

        def _next(self, **changes: Any) -> Plottable: ...

        def edges(self, df: object, source: str | None = None, destination: str | None = None,
                  edge: str | None = None) -> Plottable: ...  # fmt: skip

        def nodes(self, df: object, node: str | None = None) -> Plottable: ...

        def bind(self, **bindings: str | None) -> Plottable: ...

        def name(self, name: str) -> Plottable: ...

        def description(self, description: str) -> Plottable: ...

        def plan(self) -> PlotPlan: ...


__all__ = ["Host"]
