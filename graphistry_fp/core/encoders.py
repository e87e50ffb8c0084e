"""The sixteen ``encode_*`` methods, as a mixin :class:`~.plottable.Plottable` inherits.

Each family (color; size, weight and opacity; icon; badge; title and label) has one
implementation taking the side (``"point"`` or ``"edge"``) first; the public point/edge
twins only declare pygraphistry's signature and docstring and pass their arguments on.
An encoding with no palette, mapping or bins is a plain column binding (``bind``);
anything else is a complex encoding object (``encodings.build``) stored under
``(side, slot, key)`` for the ``default`` and/or ``current`` slot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pyrsistent import PMap, freeze

from ..errors import PlanError
from . import encodings as enc
from .host import Host

if TYPE_CHECKING:
    from .plottable import Plottable

# (side "node"/"edge", slot "default"/"current", encoding key) -> frozen encoding object
ComplexKey = tuple[str, str, str]


def frozen_map(value: Mapping[Any, Any]) -> PMap[Any, Any]:
    """``value`` as a deeply frozen ``pyrsistent`` map."""
    frozen = freeze(dict(value))
    assert isinstance(frozen, PMap)
    return frozen


class Encoders(Host):
    """The ``encode_*`` methods; they use ``bind``, ``_next`` and ``complex_encodings``."""

    def _encode(self, spec: enc.EncodingSpec, for_default: bool, for_current: bool) -> Plottable:
        if enc.is_simple(spec):
            return self.bind(**{enc.binding_name(spec.graph, spec.feature): spec.column})
        obj = frozen_map(enc.build(spec))
        side = "node" if spec.graph == "point" else "edge"
        key = enc.encoding_key(spec.graph, spec.feature)
        updated = self.complex_encodings
        for slot, wanted in (("current", for_current), ("default", for_default)):
            if wanted:
                updated = updated.set((side, slot, key), obj)
        return self._next(complex_encodings=updated)

    # -- one implementation per family --------------------------------------------------

    def _color(self, graph: enc.Graph, column: str, palette: Sequence[str] | None,
               as_categorical: bool | None, as_continuous: bool | None,
               categorical_mapping: Mapping[Any, Any] | None, default_mapping: Any,
               for_default: bool, for_current: bool) -> Plottable:  # fmt: skip
        spec = enc.EncodingSpec(
            graph=graph, feature="color", column=column, palette=palette,
            as_categorical=as_categorical, as_continuous=as_continuous,
            categorical_mapping=categorical_mapping, default_mapping=default_mapping,
        )  # fmt: skip
        return self._encode(spec, for_default, for_current)

    def _mapped(self, graph: enc.Graph, feature: str, column: str,
                categorical_mapping: Mapping[Any, Any] | None, default_mapping: Any,
                for_default: bool, for_current: bool) -> Plottable:  # fmt: skip
        spec = enc.EncodingSpec(
            graph=graph, feature=feature, column=column,
            categorical_mapping=categorical_mapping, default_mapping=default_mapping,
        )  # fmt: skip
        return self._encode(spec, for_default, for_current)

    def _icon(self, graph: enc.Graph, feature: str, column: str,
              categorical_mapping: Mapping[Any, Any] | None,
              continuous_binning: Sequence[Any] | None, default_mapping: Any,
              comparator: str | None, for_default: bool, for_current: bool,
              decorations: dict[str, Any]) -> Plottable:  # fmt: skip
        spec = enc.EncodingSpec(
            graph=graph, feature=feature, column=column,
            as_categorical=None if feature == "icon" else categorical_mapping is not None,
            as_continuous=None if feature == "icon" else continuous_binning is not None,
            categorical_mapping=categorical_mapping, continuous_binning=continuous_binning,
            default_mapping=default_mapping, comparator=comparator, decorations=decorations,
        )  # fmt: skip
        return self._encode(spec, for_default, for_current)

    def _icons(self, graph: enc.Graph, column: str, categorical_mapping: Mapping[Any, Any] | None,
               continuous_binning: Sequence[Any] | None, default_mapping: Any,
               comparator: str | None, for_default: bool, for_current: bool, as_text: bool,
               blend_mode: str | None, style: Mapping[str, Any] | None,
               border: Mapping[str, Any] | None, shape: str | None) -> Plottable:  # fmt: skip
        decorations = {"asText": as_text, "blendMode": blend_mode, "style": style,
                       "border": border, "shape": shape}  # fmt: skip
        return self._icon(graph, "icon", column, categorical_mapping, continuous_binning,
                          default_mapping, comparator, for_default, for_current,
                          decorations)  # fmt: skip

    def _badge(self, graph: enc.Graph, column: str, position: str,
               categorical_mapping: Mapping[Any, Any] | None,
               continuous_binning: Sequence[Any] | None, default_mapping: Any,
               comparator: str | None, color: str | None, bg: str | None, fg: str | None,
               for_current: bool, for_default: bool, as_text: bool | None, blend_mode: str | None,
               style: Mapping[str, Any] | None, border: Mapping[str, Any] | None,
               shape: str | None) -> Plottable:  # fmt: skip
        decorations = {"bg": bg, "color": color, "fg": fg, "asText": as_text,
                       "blendMode": blend_mode, "style": style, "border": border,
                       "shape": shape}  # fmt: skip
        return self._icon(graph, enc.badge_feature(position), column, categorical_mapping,
                          continuous_binning, default_mapping, comparator, for_default, for_current,
                          decorations)  # fmt: skip

    def _text(self, binding: str, column: str, categorical_mapping: object,
              default_mapping: object) -> Plottable:  # fmt: skip
        if categorical_mapping is not None or default_mapping is not None:
            raise PlanError(
                f"titles and labels are plain column bindings: bind({binding}={column!r}) "
                "takes no mapping; compute a text column first instead"
            )
        return self.bind(**{binding: column})

    # -- the public twins: pygraphistry's signatures ------------------------------------

    def encode_point_color(self, column: str, palette: Sequence[str] | None = None,
                           as_categorical: bool | None = None, as_continuous: bool | None = None,
                           categorical_mapping: Mapping[Any, Any] | None = None,
                           default_mapping: Any = None, for_default: bool = True,
                           for_current: bool = False) -> Plottable:  # fmt: skip
        """Color nodes by ``column``: a palette (with ``as_categorical`` or ``as_continuous``),
        a ``categorical_mapping`` (with an optional ``default_mapping``), or, with neither,
        the column's own color values (``bind(point_color=column)``).

        Raises:
            PlanError: a palette without as_categorical/as_continuous, a mapping that is
                not a dict.
        """
        return self._color("point", column, palette, as_categorical, as_continuous,
                           categorical_mapping, default_mapping, for_default,
                           for_current)  # fmt: skip

    def encode_edge_color(self, column: str, palette: Sequence[str] | None = None,
                          as_categorical: bool | None = None, as_continuous: bool | None = None,
                          categorical_mapping: Mapping[Any, Any] | None = None,
                          default_mapping: Any = None, for_default: bool = True,
                          for_current: bool = False) -> Plottable:  # fmt: skip
        """Color edges by ``column``; arguments as :meth:`encode_point_color`."""
        return self._color("edge", column, palette, as_categorical, as_continuous,
                           categorical_mapping, default_mapping, for_default,
                           for_current)  # fmt: skip

    def encode_point_size(self, column: str, categorical_mapping: Mapping[Any, Any] | None = None,
                          default_mapping: Any = None, for_default: bool = True,
                          for_current: bool = False) -> Plottable:  # fmt: skip
        """Size nodes by ``column``, or by a ``categorical_mapping`` of value -> size."""
        return self._mapped("point", "size", column, categorical_mapping, default_mapping,
                            for_default, for_current)  # fmt: skip

    def encode_edge_size(self, column: str, categorical_mapping: Mapping[Any, Any] | None = None,
                         default_mapping: Any = None, for_default: bool = True,
                         for_current: bool = False) -> Plottable:  # fmt: skip
        """Size edges by ``column``, or by a ``categorical_mapping`` of value -> size."""
        return self._mapped("edge", "size", column, categorical_mapping, default_mapping,
                            for_default, for_current)  # fmt: skip

    def encode_edge_weight(self, column: str, categorical_mapping: Mapping[Any, Any] | None = None,
                           default_mapping: Any = None, for_default: bool = True,
                           for_current: bool = False) -> Plottable:  # fmt: skip
        """Weight edges (layout pull) by ``column``, or by a ``categorical_mapping``."""
        return self._mapped("edge", "weight", column, categorical_mapping, default_mapping,
                            for_default, for_current)  # fmt: skip

    def encode_point_opacity(self, column: str,
                             categorical_mapping: Mapping[Any, Any] | None = None,
                             default_mapping: Any = None, for_default: bool = True,
                             for_current: bool = False) -> Plottable:  # fmt: skip
        """Node opacity from ``column``, or from a ``categorical_mapping`` of value -> 0..1."""
        return self._mapped("point", "opacity", column, categorical_mapping, default_mapping,
                            for_default, for_current)  # fmt: skip

    def encode_edge_opacity(self, column: str, categorical_mapping: Mapping[Any, Any] | None = None,
                            default_mapping: Any = None, for_default: bool = True,
                            for_current: bool = False) -> Plottable:  # fmt: skip
        """Edge opacity from ``column``, or from a ``categorical_mapping`` of value -> 0..1."""
        return self._mapped("edge", "opacity", column, categorical_mapping, default_mapping,
                            for_default, for_current)  # fmt: skip

    def encode_point_icon(self, column: str, categorical_mapping: Mapping[Any, Any] | None = None,
                          continuous_binning: Sequence[Any] | None = None,
                          default_mapping: Any = None, comparator: str | None = None,
                          for_default: bool = True, for_current: bool = False,
                          as_text: bool = False, blend_mode: str | None = None,
                          style: Mapping[str, Any] | None = None,
                          border: Mapping[str, Any] | None = None,
                          shape: str | None = None) -> Plottable:  # fmt: skip
        """Node icons from ``column``: a ``categorical_mapping`` of value -> icon name,
        ``continuous_binning`` (``[[threshold or None, icon], ...]`` with ``comparator``
        ``"<"`` or ``"<="``), or the column's own icon names. ``as_text`` shows raw text.
        """
        return self._icons("point", column, categorical_mapping, continuous_binning,
                           default_mapping, comparator, for_default, for_current, as_text,
                           blend_mode, style, border, shape)  # fmt: skip

    def encode_edge_icon(self, column: str, categorical_mapping: Mapping[Any, Any] | None = None,
                         continuous_binning: Sequence[Any] | None = None,
                         default_mapping: Any = None, comparator: str | None = None,
                         for_default: bool = True, for_current: bool = False, as_text: bool = False,
                         blend_mode: str | None = None, style: Mapping[str, Any] | None = None,
                         border: Mapping[str, Any] | None = None,
                         shape: str | None = None) -> Plottable:  # fmt: skip
        """Edge icons; arguments as :meth:`encode_point_icon`."""
        return self._icons("edge", column, categorical_mapping, continuous_binning, default_mapping,
                           comparator, for_default, for_current, as_text, blend_mode, style, border,
                           shape)  # fmt: skip

    def encode_point_badge(self, column: str, position: str = "TopRight",
                           categorical_mapping: Mapping[Any, Any] | None = None,
                           continuous_binning: Sequence[Any] | None = None,
                           default_mapping: Any = None, comparator: str | None = None,
                           color: str | None = None, bg: str | None = None, fg: str | None = None,
                           for_current: bool = False, for_default: bool = True,
                           as_text: bool | None = None, blend_mode: str | None = None,
                           style: Mapping[str, Any] | None = None,
                           border: Mapping[str, Any] | None = None,
                           shape: str | None = None) -> Plottable:  # fmt: skip
        """A node badge at ``position`` (Top, TopLeft, Left, BottomLeft, Bottom, BottomRight,
        Right, TopRight, Cover) from ``column`` and a mapping or bins.

        Raises:
            PlanError: an unknown position.
        """
        return self._badge("point", column, position, categorical_mapping, continuous_binning,
                           default_mapping, comparator, color, bg, fg, for_current, for_default,
                           as_text, blend_mode, style, border, shape)  # fmt: skip

    def encode_edge_badge(self, column: str, position: str = "TopRight",
                          categorical_mapping: Mapping[Any, Any] | None = None,
                          continuous_binning: Sequence[Any] | None = None,
                          default_mapping: Any = None, comparator: str | None = None,
                          color: str | None = None, bg: str | None = None, fg: str | None = None,
                          for_current: bool = False, for_default: bool = True,
                          as_text: bool | None = None, blend_mode: str | None = None,
                          style: Mapping[str, Any] | None = None,
                          border: Mapping[str, Any] | None = None,
                          shape: str | None = None) -> Plottable:  # fmt: skip
        """An edge badge; arguments as :meth:`encode_point_badge`."""
        return self._badge("edge", column, position, categorical_mapping, continuous_binning,
                           default_mapping, comparator, color, bg, fg, for_current, for_default,
                           as_text, blend_mode, style, border, shape)  # fmt: skip

    def encode_point_title(self, column: str, categorical_mapping: object = None,
                           default_mapping: object = None) -> Plottable:  # fmt: skip
        """Node titles from ``column`` (``bind(point_title=column)``)."""
        return self._text("point_title", column, categorical_mapping, default_mapping)

    def encode_point_label(self, column: str, categorical_mapping: object = None,
                           default_mapping: object = None) -> Plottable:  # fmt: skip
        """Node labels from ``column`` (``bind(point_label=column)``)."""
        return self._text("point_label", column, categorical_mapping, default_mapping)

    def encode_edge_title(self, column: str, categorical_mapping: object = None,
                          default_mapping: object = None) -> Plottable:  # fmt: skip
        """Edge titles from ``column`` (``bind(edge_title=column)``)."""
        return self._text("edge_title", column, categorical_mapping, default_mapping)

    def encode_edge_label(self, column: str, categorical_mapping: object = None,
                          default_mapping: object = None) -> Plottable:  # fmt: skip
        """Edge labels from ``column`` (``bind(edge_label=column)``)."""
        return self._text("edge_label", column, categorical_mapping, default_mapping)
