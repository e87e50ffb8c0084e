"""``Plottable``: an immutable value built by chaining, compiled by ``plan()``.

Every chaining method returns a new plottable through :meth:`_next` and leaves the receiver
unchanged; the new value gets a fresh, empty root cell whose parent is the receiver's
(DESIGN.md 4, rule 2). ``_next`` is the hot path of chaining: rather than ``attrs.evolve``
(which re-runs ``__init__``, ~7 us), it copies the instance dict in one call (~1 us); the
record is frozen all the same (its ``__setattr__`` refuses), just not slotted. Tables are converted to Arrow when bound
(see ``frames.py``); everything else is stored as small frozen values (``pyrsistent``
maps, tuples), so a chain of 10,000 steps shares almost all of its memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from pyrsistent import PMap, freeze, pmap, thaw

from ..errors import PlanError
from . import encodings as enc
from .bindings import FrozenMap, check_bindings
from .frames import Frame, to_frame
from .render import check_render
from .render import render as render_result
from .roots import Interpreter, RootCell, resolve
from .settings import DEFAULT_URL_PARAMS, Privacy, make_privacy, merge_style, merge_url_params

if TYPE_CHECKING:
    from ..effects import PlotPlan

# (side "node"/"edge", slot "default"/"current", encoding key) -> frozen encoding object
ComplexKey = tuple[str, str, str]


def _frozen_map(value: Mapping[Any, Any]) -> PMap[Any, Any]:
    frozen = freeze(dict(value))
    assert isinstance(frozen, PMap)
    return frozen


def _str_or_none(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise PlanError(f"{what} takes a str, not {type(value).__name__}")


_new_object = object.__new__


@attrs.frozen(kw_only=True, repr=False, slots=False)
class Plottable:
    """An immutable graph to plot: tables, bindings, encodings, settings.

    Build one by chaining from the module (``graphistry.edges(df, "s", "d")``) or from a
    client (``c.g()``); compile it with :meth:`plan`; upload with ``client.run(g.plan())``
    or, notebook style, :meth:`plot`.

    Example:
        >>> g = graphistry.edges(df, "src", "dst").bind(edge_title="w").name("Fraud ring")
        >>> print(g.plan())                                  # doctest: +SKIP
    """

    edge_frame: Frame | None = attrs.field(default=None, hash=False)
    node_frame: Frame | None = attrs.field(default=None, hash=False)
    bindings: FrozenMap = attrs.field(factory=FrozenMap)
    complex_encodings: PMap[ComplexKey, PMap[str, Any]] = attrs.field(factory=pmap)
    dataset_name: str | None = None
    dataset_description: str | None = None
    url_params: tuple[tuple[str, str], ...] = DEFAULT_URL_PARAMS
    style_settings: PMap[str, Any] = attrs.field(factory=pmap)
    privacy_settings: Privacy | None = None
    root: RootCell = attrs.field(factory=RootCell, eq=False, hash=False)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def rooted_at(cls, client: Interpreter) -> Plottable:
        """An empty plottable whose root cell holds ``client`` (``c.g()``, rule 3)."""
        return cls(root=RootCell(client, None))

    def _next(self, **changes: Any) -> Plottable:
        new: Plottable = _new_object(Plottable)
        state = new.__dict__
        state.update(self.__dict__)
        state.update(changes)
        state["root"] = RootCell(None, self.root)
        return new

    # -- tables and bindings ------------------------------------------------------------

    @property
    def edges_table(self) -> Any:
        """The bound edges as a ``pyarrow.Table``, or ``None``."""
        return None if self.edge_frame is None else self.edge_frame.table

    @property
    def nodes_table(self) -> Any:
        """The bound nodes as a ``pyarrow.Table``, or ``None``."""
        return None if self.node_frame is None else self.node_frame.table

    def edges(
        self,
        df: object,
        source: str | None = None,
        destination: str | None = None,
        edge: str | None = None,
    ) -> Plottable:
        """Bind the edges table and, optionally, its source/destination/edge-id columns.

        Args:
            df: a pandas DataFrame, a ``pyarrow.Table``, or any object exporting the Arrow
                C stream interface (polars, DuckDB).
            source, destination: the columns holding each edge's endpoints.
            edge: an edge-id column (kept, never sent, as in pygraphistry).

        Raises:
            PlanError: ``df`` is not a table, or Arrow cannot encode one of its columns.
        """
        frame = to_frame(df, "edges")
        bound = check_bindings({"source": source, "destination": destination, "edge": edge})
        return self._next(edge_frame=frame, bindings=self.bindings.merged(bound))

    def nodes(self, df: object, node: str | None = None) -> Plottable:
        """Bind the nodes table and, optionally, its node-id column.

        Raises:
            PlanError: ``df`` is not a table, or Arrow cannot encode one of its columns.
        """
        frame = to_frame(df, "nodes")
        bound = check_bindings({"node": node})
        return self._next(node_frame=frame, bindings=self.bindings.merged(bound))

    def bind(self, **bindings: str | None) -> Plottable:
        """Bind columns to roles: ``source``, ``destination``, ``node``, ``edge_title``,
        ``point_color``, ``point_title``... (PROTOCOL.md 6.1). ``None`` arguments are ignored.

        Raises:
            PlanError: an unknown binding name or a column name that is not a str.
        """
        return self._next(bindings=self.bindings.merged(check_bindings(bindings)))

    # -- naming, settings, style, privacy -----------------------------------------------

    def name(self, name: str) -> Plottable:
        """Set the dataset name shown by the viewer."""
        return self._next(dataset_name=_str_or_none(name, "name()"))

    def description(self, description: str) -> Plottable:
        """Set the dataset description."""
        return self._next(dataset_description=_str_or_none(description, "description()"))

    def settings(self, url_params: object = None) -> Plottable:
        """Merge viewer URL settings (``{"play": 0, "showArrows": False}``) over the current ones.

        Raises:
            PlanError: ``url_params`` is not a dict or names an unknown setting.
        """
        if url_params is None:
            return self._next()
        return self._next(url_params=merge_url_params(self.url_params, url_params))

    def style(
        self,
        fg: Mapping[str, Any] | None = None,
        bg: Mapping[str, Any] | None = None,
        page: Mapping[str, Any] | None = None,
        logo: Mapping[str, Any] | None = None,
    ) -> Plottable:
        """Replace the given branding parts (sent at the top of the dataset metadata)."""
        parts = {"fg": fg, "bg": bg, "page": page, "logo": logo}
        return self._next(
            style_settings=_frozen_map(merge_style(thaw(self.style_settings), parts, deep=False))
        )

    def addStyle(  # pygraphistry's name
        self,
        fg: Mapping[str, Any] | None = None,
        bg: Mapping[str, Any] | None = None,
        page: Mapping[str, Any] | None = None,
        logo: Mapping[str, Any] | None = None,
    ) -> Plottable:
        """Merge into the given branding parts, keeping keys not mentioned."""
        parts = {"fg": fg, "bg": bg, "page": page, "logo": logo}
        return self._next(
            style_settings=_frozen_map(merge_style(thaw(self.style_settings), parts, deep=True))
        )

    def privacy(
        self,
        mode: str | None = None,
        notify: bool | None = None,
        invited_users: Sequence[Any] | None = None,
        message: str | None = None,
        mode_action: str | None = None,
    ) -> Plottable:
        """Share the dataset after upload: ``mode`` is private, organization or public.

        Raises:
            PlanError: an unknown mode or mode_action.
        """
        return self._next(
            privacy_settings=make_privacy(mode, notify, invited_users, message, mode_action)
        )

    # -- encodings ----------------------------------------------------------------------

    def _encode(self, spec: enc.EncodingSpec, for_default: bool, for_current: bool) -> Plottable:
        if enc.is_simple(spec):
            return self.bind(**{enc.binding_name(spec.graph, spec.feature): spec.column})
        obj = _frozen_map(enc.build(spec))
        side = "node" if spec.graph == "point" else "edge"
        key = enc.encoding_key(spec.graph, spec.feature)
        updated = self.complex_encodings
        for slot, wanted in (("current", for_current), ("default", for_default)):
            if wanted:
                updated = updated.set((side, slot, key), obj)
        return self._next(complex_encodings=updated)

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

    def encode_point_color(
        self,
        column: str,
        palette: Sequence[str] | None = None,
        as_categorical: bool | None = None,
        as_continuous: bool | None = None,
        categorical_mapping: Mapping[Any, Any] | None = None,
        default_mapping: Any = None,
        for_default: bool = True,
        for_current: bool = False,
    ) -> Plottable:
        """Color nodes by ``column``: a palette (with ``as_categorical`` or ``as_continuous``),
        a ``categorical_mapping`` (with an optional ``default_mapping``), or, with neither,
        the column's own color values (``bind(point_color=column)``).

        Raises:
            PlanError: a palette without as_categorical/as_continuous, a mapping that is
                not a dict.
        """
        return self._color("point", column, palette, as_categorical, as_continuous,
                           categorical_mapping, default_mapping, for_default, for_current)  # fmt: skip

    def encode_edge_color(
        self,
        column: str,
        palette: Sequence[str] | None = None,
        as_categorical: bool | None = None,
        as_continuous: bool | None = None,
        categorical_mapping: Mapping[Any, Any] | None = None,
        default_mapping: Any = None,
        for_default: bool = True,
        for_current: bool = False,
    ) -> Plottable:
        """Color edges by ``column``; arguments as :meth:`encode_point_color`."""
        return self._color("edge", column, palette, as_categorical, as_continuous,
                           categorical_mapping, default_mapping, for_default, for_current)  # fmt: skip

    def _mapped(self, graph: enc.Graph, feature: str, column: str,
                categorical_mapping: Mapping[Any, Any] | None, default_mapping: Any,
                for_default: bool, for_current: bool) -> Plottable:  # fmt: skip
        spec = enc.EncodingSpec(
            graph=graph, feature=feature, column=column,
            categorical_mapping=categorical_mapping, default_mapping=default_mapping,
        )  # fmt: skip
        return self._encode(spec, for_default, for_current)

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

    def encode_edge_opacity(self, column: str,
                            categorical_mapping: Mapping[Any, Any] | None = None,
                            default_mapping: Any = None, for_default: bool = True,
                            for_current: bool = False) -> Plottable:  # fmt: skip
        """Edge opacity from ``column``, or from a ``categorical_mapping`` of value -> 0..1."""
        return self._mapped("edge", "opacity", column, categorical_mapping, default_mapping,
                            for_default, for_current)  # fmt: skip

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

    def encode_point_icon(
        self,
        column: str,
        categorical_mapping: Mapping[Any, Any] | None = None,
        continuous_binning: Sequence[Any] | None = None,
        default_mapping: Any = None,
        comparator: str | None = None,
        for_default: bool = True,
        for_current: bool = False,
        as_text: bool = False,
        blend_mode: str | None = None,
        style: Mapping[str, Any] | None = None,
        border: Mapping[str, Any] | None = None,
        shape: str | None = None,
    ) -> Plottable:
        """Node icons from ``column``: a ``categorical_mapping`` of value -> icon name,
        ``continuous_binning`` (``[[threshold or None, icon], ...]`` with ``comparator``
        ``"<"`` or ``"<="``), or the column's own icon names. ``as_text`` shows raw text.
        """
        decorations = {"asText": as_text, "blendMode": blend_mode, "style": style,
                       "border": border, "shape": shape}  # fmt: skip
        return self._icon("point", "icon", column, categorical_mapping, continuous_binning,
                          default_mapping, comparator, for_default, for_current, decorations)  # fmt: skip

    def encode_edge_icon(
        self,
        column: str,
        categorical_mapping: Mapping[Any, Any] | None = None,
        continuous_binning: Sequence[Any] | None = None,
        default_mapping: Any = None,
        comparator: str | None = None,
        for_default: bool = True,
        for_current: bool = False,
        as_text: bool = False,
        blend_mode: str | None = None,
        style: Mapping[str, Any] | None = None,
        border: Mapping[str, Any] | None = None,
        shape: str | None = None,
    ) -> Plottable:
        """Edge icons; arguments as :meth:`encode_point_icon`."""
        decorations = {"asText": as_text, "blendMode": blend_mode, "style": style,
                       "border": border, "shape": shape}  # fmt: skip
        return self._icon("edge", "icon", column, categorical_mapping, continuous_binning,
                          default_mapping, comparator, for_default, for_current, decorations)  # fmt: skip

    def _badge(self, graph: enc.Graph, column: str, position: str,
               categorical_mapping: Mapping[Any, Any] | None,
               continuous_binning: Sequence[Any] | None, default_mapping: Any,
               comparator: str | None, for_default: bool, for_current: bool,
               decorations: dict[str, Any]) -> Plottable:  # fmt: skip
        return self._icon(graph, enc.badge_feature(position), column, categorical_mapping,
                          continuous_binning, default_mapping, comparator, for_default,
                          for_current, decorations)  # fmt: skip

    def encode_point_badge(
        self,
        column: str,
        position: str = "TopRight",
        categorical_mapping: Mapping[Any, Any] | None = None,
        continuous_binning: Sequence[Any] | None = None,
        default_mapping: Any = None,
        comparator: str | None = None,
        color: str | None = None,
        bg: str | None = None,
        fg: str | None = None,
        for_current: bool = False,
        for_default: bool = True,
        as_text: bool | None = None,
        blend_mode: str | None = None,
        style: Mapping[str, Any] | None = None,
        border: Mapping[str, Any] | None = None,
        shape: str | None = None,
    ) -> Plottable:
        """A node badge at ``position`` (Top, TopLeft, Left, BottomLeft, Bottom, BottomRight,
        Right, TopRight, Cover) from ``column`` and a mapping or bins.

        Raises:
            PlanError: an unknown position.
        """
        decorations = {"bg": bg, "color": color, "fg": fg, "asText": as_text,
                       "blendMode": blend_mode, "style": style, "border": border,
                       "shape": shape}  # fmt: skip
        return self._badge("point", column, position, categorical_mapping, continuous_binning,
                           default_mapping, comparator, for_default, for_current, decorations)  # fmt: skip

    def encode_edge_badge(
        self,
        column: str,
        position: str = "TopRight",
        categorical_mapping: Mapping[Any, Any] | None = None,
        continuous_binning: Sequence[Any] | None = None,
        default_mapping: Any = None,
        comparator: str | None = None,
        color: str | None = None,
        bg: str | None = None,
        fg: str | None = None,
        for_current: bool = False,
        for_default: bool = True,
        as_text: bool | None = None,
        blend_mode: str | None = None,
        style: Mapping[str, Any] | None = None,
        border: Mapping[str, Any] | None = None,
        shape: str | None = None,
    ) -> Plottable:
        """An edge badge; arguments as :meth:`encode_point_badge`."""
        decorations = {"bg": bg, "color": color, "fg": fg, "asText": as_text,
                       "blendMode": blend_mode, "style": style, "border": border,
                       "shape": shape}  # fmt: skip
        return self._badge("edge", column, position, categorical_mapping, continuous_binning,
                           default_mapping, comparator, for_default, for_current, decorations)  # fmt: skip

    def _text(self, binding: str, column: str, categorical_mapping: object,
              default_mapping: object) -> Plottable:  # fmt: skip
        if categorical_mapping is not None or default_mapping is not None:
            raise PlanError(
                f"titles and labels are plain column bindings: bind({binding}={column!r}) "
                "takes no mapping; compute a text column first instead"
            )
        return self.bind(**{binding: column})

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

    # -- roots (DESIGN.md 4) ------------------------------------------------------------

    def client(self, client: Interpreter) -> Plottable:
        """A new plottable whose own root holds ``client`` (rule 3); ``self`` is unchanged."""
        if not isinstance(client, Interpreter):
            raise TypeError(f"client() takes a client, not {type(client).__name__}")
        return attrs.evolve(self, root=RootCell(client, self.root))

    def set_client(self, client: Interpreter) -> None:
        """Fill this plottable's own root with ``client`` (rule 4).

        Changes ``self`` and every plottable derived from it with no filled root in
        between; never its ancestors or siblings.
        """
        self.root.fill(client)

    def get_client(self) -> Any:
        """The client that would run this plottable now (rule 5)."""
        return resolve(self.root)

    # -- compile and run ----------------------------------------------------------------

    def plan(self) -> PlotPlan:
        """Compile to a pure :class:`~graphistry_fp.effects.PlotPlan`.

        Deterministic: equal plottables give equal plans, in any process. Does no I/O.

        Raises:
            PlanError: anything DESIGN.md section 6 lists as bad input.
        """
        from .compile import compile_plan

        return compile_plan(self)

    def plot(self, render: object = None) -> Any:
        """Legacy shim: ``self.get_client().run(self.plan())``, returning the viewer URL.

        In an IPython kernel it returns an object that shows the viewer inline (its
        ``str()`` is the URL); ``render="url"`` forces the string, ``render="browser"``
        also opens a browser. Nothing else ever opens a browser.
        """
        check_render(render)
        result = self.get_client().run(self.plan())
        return render_result(result, render)

    def __repr__(self) -> str:
        parts = []
        for label, frame in (("edges", self.edge_frame), ("nodes", self.node_frame)):
            if frame is not None:
                parts.append(f"{label}={frame.table.num_rows}x{frame.table.num_columns}")
        if self.bindings:
            parts.append(f"bindings={dict(self.bindings)}")
        if self.dataset_name is not None:
            parts.append(f"name={self.dataset_name!r}")
        return f"Plottable({', '.join(parts)})"
