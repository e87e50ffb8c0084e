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
from pyrsistent import PMap, pmap, thaw

from ..effects.stream import DatasetTable
from ..errors import PlanError
from .bindings import FrozenMap, check_bindings
from .encoders import ComplexKey, Encoders, frozen_map
from .frames import Frame, to_frame
from .graph_methods import GraphMethods
from .introspection import Introspection
from .legacy_methods import LegacyMethods
from .legacy_state import DEFAULT_LEGACY, LEGACY, LegacyState
from .roots import Interpreter, RootCell, resolve
from .settings import DEFAULT_URL_PARAMS, make_privacy, merge_style
from .viewer_settings import ViewerSettings

if TYPE_CHECKING:
    from ..effects import PlotPlan, Share


def _str_or_none(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise PlanError(f"{what} takes a str, not {type(value).__name__}")


_new_object = object.__new__
_MEMO = "_memo"


def _bound(frame: Frame | None) -> Any:
    if frame is None:
        return None
    table = frame.table
    return table.dataset if isinstance(table, DatasetTable) else table


@attrs.frozen(kw_only=True, repr=False, slots=False)
class Plottable(Encoders, ViewerSettings, LegacyMethods, GraphMethods, Introspection):
    """An immutable graph to plot: tables, bindings, encodings, settings.

    The ``encode_*`` methods come from the :class:`~.encoders.Encoders` mixin; ``settings``,
    ``layout_settings``... from :class:`~.viewer_settings.ViewerSettings`; ``plot``, ``upload``
    from :class:`~.legacy_methods.LegacyMethods`;
    ``hypergraph``, ``from_networkx`` and friends from :class:`~.graph_methods.GraphMethods`;
    pygraphistry's read-only attributes (``_edges``, ``_source``...) from
    :class:`~.introspection.Introspection`.

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
    privacy_settings: Share | None = None  # the share effect, targeting DATASET
    root: RootCell = attrs.field(factory=RootCell, eq=False, hash=False)

    @property
    def legacy(self) -> LegacyState:
        """Notebook height/render, the upload result, the auto-title switch (``legacy_state``)."""
        state: LegacyState = self.__dict__.get(LEGACY, DEFAULT_LEGACY)
        return state

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
        if _MEMO in state:  # introspection's cache belongs to ``self`` only
            del state[_MEMO]
        state["root"] = RootCell(None, self.root)
        return new

    # -- tables and bindings ------------------------------------------------------------

    @property
    def edges_table(self) -> Any:
        """The bound edges as a ``pyarrow.Table`` (the ``pyarrow.dataset.Dataset`` itself
        when one was bound lazily), or ``None``."""
        return _bound(self.edge_frame)

    @property
    def nodes_table(self) -> Any:
        """The bound nodes as a ``pyarrow.Table`` (the ``pyarrow.dataset.Dataset`` itself
        when one was bound lazily), or ``None``."""
        return _bound(self.node_frame)

    def edges(
        self,
        df: object,
        source: str | None = None,
        destination: str | None = None,
        edge: str | None = None,
    ) -> Plottable:
        """Bind the edges table and, optionally, its source/destination/edge-id columns.

        Args:
            df: a pandas DataFrame, a ``pyarrow.Table``, any object exporting the Arrow
                C stream interface (polars, DuckDB), or a ``pyarrow.dataset.Dataset`` (a
                folder or list of Parquet/Arrow/CSV files), bound lazily: ``plan()`` checks
                its schema, and a run streams it batch by batch (README "Big graphs").
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
        # pygraphistry infers a node title only for pandas nodes (PROTOCOL.md 4.3); a lazily
        # bound dataset (which pygraphistry cannot take) gets it from its schema (issue 15)
        auto_title = frame.lazy or type(df).__module__.startswith("pandas")
        changes: dict[str, Any] = {}
        if auto_title != self.legacy.auto_title:
            changes[LEGACY] = attrs.evolve(self.legacy, auto_title=auto_title)
        return self._next(node_frame=frame, bindings=self.bindings.merged(bound), **changes)

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

    def style(
        self,
        fg: Mapping[str, Any] | None = None,
        bg: Mapping[str, Any] | None = None,
        page: Mapping[str, Any] | None = None,
        logo: Mapping[str, Any] | None = None,
    ) -> Plottable:
        """Replace the given branding parts (sent at the top of the dataset metadata)."""
        return self._styled({"fg": fg, "bg": bg, "page": page, "logo": logo}, deep=False)

    def addStyle(  # pygraphistry's name
        self,
        fg: Mapping[str, Any] | None = None,
        bg: Mapping[str, Any] | None = None,
        page: Mapping[str, Any] | None = None,
        logo: Mapping[str, Any] | None = None,
    ) -> Plottable:
        """Merge into the given branding parts, keeping keys not mentioned."""
        return self._styled({"fg": fg, "bg": bg, "page": page, "logo": logo}, deep=True)

    def _styled(self, parts: dict[str, Mapping[str, Any] | None], *, deep: bool) -> Plottable:
        merged = merge_style(thaw(self.style_settings), parts, deep=deep)
        return self._next(style_settings=frozen_map(merged))

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

    # -- roots (DESIGN.md 4) ------------------------------------------------------------

    def client(self, client: Interpreter) -> Plottable:
        """A new plottable whose own root holds ``client`` (rule 3); ``self`` is unchanged."""
        if not isinstance(client, Interpreter):
            raise TypeError(f"client() takes a client, not {type(client).__name__}")
        new = self._next()
        new.__dict__["root"] = RootCell(client, self.root)
        return new

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

    def __repr__(self) -> str:
        parts = []
        for label, frame in (("edges", self.edge_frame), ("nodes", self.node_frame)):
            if frame is not None:
                rows = frame.table.num_rows
                parts.append(f"{label}={'?' if rows is None else rows}x{frame.table.num_columns}")
        if self.bindings:
            parts.append(f"bindings={dict(self.bindings)}")
        if self.dataset_name is not None:
            parts.append(f"name={self.dataset_name!r}")
        return f"Plottable({', '.join(parts)})"
