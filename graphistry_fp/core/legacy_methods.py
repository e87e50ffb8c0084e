"""pygraphistry's upload-and-view methods, as a mixin of :class:`~.plottable.Plottable`:
``plot``, ``upload`` and their async twins ``aplot``/``aupload`` (the viewer settings are in
``viewer_settings.py``, the graph-building methods in ``graph_methods.py``).

Names, signatures and defaults are pygraphistry 0.61.2's. ``plot``/``upload`` resolve their
client at call time by the root rules (DESIGN.md 4); the only thing they add to
:meth:`plan` is the legacy session's default sharing (``graphistry.privacy(...)``), and only
for plottables that resolve to the global root and set no privacy of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ..errors import PlanError
from .host import Host
from .legacy_state import LEGACY
from .render import check_render, iframe_html
from .render import render as render_result
from .roots import global_default_privacy, installed_turn_gate, resolve, resolves_to_global_root
from .viewer_settings import check_validate

if TYPE_CHECKING:
    from ..effects import PlotPlan, PlotResult
    from .plottable import Plottable

#: pygraphistry's default node id column when ``plot(networkx_graph)`` binds none.
_IMPLICIT_NODE = "_n_implicit"


def _is_networkx(graph: object) -> bool:
    module = type(graph).__module__ or ""
    return module.startswith("networkx.")


def _is_igraph(graph: object) -> bool:
    module = type(graph).__module__ or ""
    return module.startswith("igraph")


class LegacyMethods(Host):
    """The rest of pygraphistry's upload-and-view surface (DESIGN.md section 3)."""

    # -- upload and view ----------------------------------------------------------------

    def _with_plot_args(
        self, graph: object, nodes: object, name: object, description: object
    ) -> Plottable:
        g: Plottable = self._next()
        if graph is not None:
            if _is_networkx(graph):
                g = g._from_plotted_networkx(graph)
            elif _is_igraph(graph):
                g = g.from_igraph(graph, merge_if_existing=False)
            else:
                g = g.edges(graph)
        if nodes is not None:
            g = g.nodes(nodes)
            if self.node_frame is None:  # pygraphistry infers titles from the bound nodes only
                g = g._next(**{LEGACY: attrs.evolve(g.legacy, auto_title=False)})
        if name:
            g = g.name(name)  # type: ignore[arg-type]
        if description:
            g = g.description(description)  # type: ignore[arg-type]
        return g

    def _from_plotted_networkx(self, G: Any) -> Plottable:
        """``plot(G)``: pygraphistry needs source/destination bound, ids the node column
        ``_n_implicit`` unless bound, and infers no title (the nodes were not bound)."""
        if "source" not in self.bindings or "destination" not in self.bindings:
            raise PlanError(
                "plot(networkx_graph) needs source and destination bound first: "
                "graphistry.bind(source='src', destination='dst').plot(G), or use "
                "graphistry.from_networkx(G) (no bindings needed)"
            )
        from .graphs import from_networkx

        tables = from_networkx(
            G, self.bindings["source"], self.bindings["destination"],
            self.bindings.get("node", _IMPLICIT_NODE),
        )  # fmt: skip
        g = self.edges(tables.edges).nodes(tables.nodes, tables.node)
        return g._next(**{LEGACY: attrs.evolve(g.legacy, auto_title=False)})

    def _legacy_run(self) -> tuple[Any, PlotPlan]:
        """The client the root rules pick now, and the plan to run: with the legacy session's
        default sharing if this resolves to the global root and sets no privacy of its own.
        (``plot``/``upload`` run it; an async variant awaits ``client.arun(plan)``.)"""
        client = resolve(self.root)
        g: Any = self
        if self.privacy_settings is None and resolves_to_global_root(self.root):
            default = global_default_privacy()
            if default is not None:
                g = self._next(privacy_settings=default)
        plan: PlotPlan = g.plan()
        return client, plan

    def _uploaded(self, plan: PlotPlan, result: PlotResult) -> Plottable:
        return self._next(
            dataset_name=self.dataset_name or plan.name,
            dataset_description=self.dataset_description or "",
            **{LEGACY: attrs.evolve(self.legacy, dataset_id=result.dataset_id, url=result.url)},
        )

    def plot(
        self,
        graph: Any = None,
        nodes: Any = None,
        name: str | None = None,
        description: str | None = None,
        render: object = None,
        skip_upload: bool = False,
        as_files: bool = False,
        memoize: bool = True,
        erase_files_on_fail: bool = True,
        extra_html: str = "",
        override_html_style: str | None = None,
        validate: object = "autofix",
        warn: bool = True,
        schema_validate: object = False,
    ) -> Any:
        """Upload and view: ``self.get_client().run(self.plan())``, returning the viewer URL.

        ``graph`` (an edges table or a NetworkX/igraph graph), ``nodes``, ``name`` and
        ``description`` override this plottable's own for this call. In a notebook the
        result also shows the viewer inline (its ``str()`` is the URL), in an iframe shaped
        by ``settings(height=...)``, ``extra_html`` (attributes added to the iframe tag) and
        ``override_html_style`` (replaces its style). ``render``: ``None`` (this plottable's
        ``settings(render=...)``, else auto), ``"url"``/``False`` (the string),
        ``"ipython"``/``True``, ``"browser"`` (also opens a browser), ``"databricks"`` (the
        iframe HTML), ``"g"`` (a plottable holding the result, as :meth:`upload`).
        ``skip_upload=True`` sends nothing and returns the :class:`PlotPlan` instead.
        ``as_files``, ``memoize``, ``erase_files_on_fail``, ``warn`` and ``schema_validate``
        are accepted for compatibility and change nothing sent.

        Raises:
            PlanError: bad input (DESIGN.md 6), before anything is sent.
        """
        del as_files, memoize, erase_files_on_fail, schema_validate
        check_render(render)
        check_validate(validate, warn)
        g = self._with_plot_args(graph, nodes, name, description)
        if skip_upload:
            return g.plan()
        client, plan = g._legacy_run()
        result: PlotResult = client.run(plan)
        return g._present(plan, result, render, extra_html, override_html_style)

    def _present(self, plan: PlotPlan, result: PlotResult, render: object, extra_html: str,
                 override_html_style: str | None) -> Any:  # fmt: skip
        """What ``plot(render)`` returns for ``result``: a URL, notebook object, HTML or a
        plottable holding the result (``render="g"``)."""
        mode = self.legacy.render if render is None else render
        if mode == "g":
            return self._uploaded(plan, result)
        if mode == "databricks":
            return iframe_html(result.url, self.legacy.height, extra_html, override_html_style)
        return render_result(
            result, mode, height=self.legacy.height, extra_html=extra_html,
            override_html_style=override_html_style,
        )  # fmt: skip

    def upload(
        self,
        memoize: bool = True,
        erase_files_on_fail: bool = True,
        validate: object = "autofix",
        warn: bool = True,
        schema_validate: object = False,
    ) -> Plottable:
        """:meth:`plot` without viewing: upload now, and return a new plottable holding the
        result (``_dataset_id``/``dataset_id``, ``_url``/``url``, and the dataset's name).

        Resolves its client like :meth:`plot` (DESIGN.md 4). The receiver is unchanged.
        """
        return self.plot(  # type: ignore[no-any-return]
            render="g", memoize=memoize, erase_files_on_fail=erase_files_on_fail,
            validate=validate, warn=warn, schema_validate=schema_validate,
        )  # fmt: skip

    async def aplot(self, render: object = None) -> Any:
        """:meth:`plot` for services on asyncio: ``await self.get_client().arun(self.plan())``.

        The client is resolved when this is called, by the same rules (a ``using(c)`` block
        holds per task); returns what ``plot(render=render)`` returns.
        """
        check_render(render)
        gate = installed_turn_gate()
        if gate is not None:  # a wave of aplot() calls spreads its plan building over turns
            await gate()
        client, plan = self._legacy_run()
        result: PlotResult = await client.arun(plan)
        return self._present(plan, result, render, "", None)

    async def aupload(self) -> Plottable:
        """:meth:`upload` for services on asyncio: a new plottable holding the result."""
        return await self.aplot(render="g")  # type: ignore[no-any-return]


__all__ = ["LegacyMethods"]
