"""pygraphistry's viewer settings, as a mixin of :class:`~.plottable.Plottable`:
``settings(height=..., url_params=..., render=...)``, ``layout_settings``, ``scene_settings``,
``collections`` and ``encode_axis``.

Names, signatures and defaults are pygraphistry 0.61.2's; each is one ``_next`` step. URL
settings go into the viewer URL (never the create-dataset JSON), ``height``/``render`` shape
what ``plot()`` shows, ``encode_axis`` is a node encoding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import PlanError
from .collections import collection_settings
from .host import Host
from .jsonvalue import to_json_value
from .legacy_state import LEGACY
from .render import check_render
from .settings import merge_url_params

if TYPE_CHECKING:
    from .plottable import Plottable

_VALIDATE = ("autofix", "strict", "strict-fast", True, False)


def check_validate(validate: object, warn: object) -> None:
    """Refuse a ``validate=``/``warn=`` value pygraphistry does not know."""
    if validate not in _VALIDATE:
        raise PlanError(
            f"validate= takes 'autofix', 'strict', 'strict-fast', True or False, not {validate!r}"
        )
    if not isinstance(warn, bool):
        raise PlanError(f"warn= takes True or False, not {warn!r}")


def _check_height(height: object) -> None:
    if isinstance(height, bool) or not isinstance(height, int | float | str):
        raise PlanError(f"settings(height=...) takes pixels (an int) or a CSS size, not {height!r}")


def _url_settings(pairs: Sequence[tuple[str, object]]) -> dict[str, object]:
    return {key: value for key, value in pairs if value is not None}


class ViewerSettings(Host):
    """Viewer URL settings, notebook iframe settings and axes."""

    def settings(
        self,
        height: int | float | str | None = None,
        url_params: Mapping[str, Any] | None = None,
        render: object = None,
        validate: object = "autofix",
        warn: bool = True,
    ) -> Plottable:
        """Set the notebook iframe ``height`` (pixels), merge viewer ``url_params`` over the
        current ones (``{"play": 0, "showArrows": False}``), and set the default ``render``
        mode of :meth:`plot`.

        Raises:
            PlanError: ``url_params`` is not a dict or names an unknown setting (pygraphistry
                drops those with a warning; the message lists the known ones), or a bad
                height, render mode or ``validate``.
        """
        check_validate(validate, warn)
        changes: dict[str, Any] = {}
        if height or render is not None:
            if height:
                _check_height(height)
            if render is not None:
                check_render(render)
            changes[LEGACY] = attrs.evolve(
                self.legacy,
                height=height or self.legacy.height,
                render=self.legacy.render if render is None else render,
            )
        if url_params is not None:
            changes["url_params"] = merge_url_params(self.url_params, url_params)
        return self._next(**changes)

    def layout_settings(
        self,
        play: int | None = None,
        locked_x: bool | None = None,
        locked_y: bool | None = None,
        locked_r: bool | None = None,
        left: float | None = None,
        top: float | None = None,
        right: float | None = None,
        bottom: float | None = None,
        lin_log: bool | None = None,
        strong_gravity: bool | None = None,
        dissuade_hubs: bool | None = None,
        edge_influence: float | None = None,
        precision_vs_speed: float | None = None,
        gravity: float | None = None,
        scaling_ratio: float | None = None,
    ) -> Plottable:
        """Layout options as viewer URL settings, additive over earlier ones
        (``layout_settings(play=0, locked_r=True)`` sends ``play=0&lockedR=...``)."""
        settings = _url_settings([
            ("play", play), ("lockedX", locked_x), ("lockedY", locked_y), ("lockedR", locked_r),
            ("left", left), ("top", top), ("right", right), ("bottom", bottom),
            ("linLog", lin_log), ("strongGravity", strong_gravity),
            ("dissuadeHubs", dissuade_hubs), ("edgeInfluence", edge_influence),
            ("precisionVsSpeed", precision_vs_speed), ("gravity", gravity),
            ("scalingRatio", scaling_ratio),
        ])  # fmt: skip
        return self.settings(url_params=settings) if settings else self._next()

    def scene_settings(
        self,
        menu: bool | None = None,
        info: bool | None = None,
        show_arrows: bool | None = None,
        point_size: float | None = None,
        edge_curvature: float | None = None,
        edge_opacity: float | None = None,
        point_opacity: float | None = None,
    ) -> Plottable:
        """Scene options as viewer URL settings, additive over earlier ones
        (``scene_settings(show_arrows=False, edge_curvature=0.0)``)."""
        settings = _url_settings([
            ("menu", menu), ("info", info), ("showArrows", show_arrows),
            ("pointSize", point_size), ("edgeCurvature", edge_curvature),
            ("edgeOpacity", edge_opacity), ("pointOpacity", point_opacity),
        ])  # fmt: skip
        return self.settings(url_params=settings) if settings else self._next()

    def collections(
        self,
        collections: object = None,
        show_collections: bool | None = None,
        collections_global_node_color: str | None = None,
        collections_global_edge_color: str | None = None,
        validate: object = "autofix",
        warn: bool = True,
    ) -> Plottable:
        """Collections as viewer URL settings (the ``collections`` list is sent as URL-encoded
        compact JSON, as pygraphistry sends it). Additive over earlier settings.

        Raises:
            PlanError: a collection pygraphistry would drop or refuse (the message says why).
        """
        check_validate(validate, warn)
        settings = collection_settings(
            collections, show_collections, collections_global_node_color,
            collections_global_edge_color,
        )  # fmt: skip
        if not settings:
            return self._next()
        return self._next(url_params=merge_url_params(self.url_params, settings, raw={"collections"}))

    def encode_axis(self, rows: Sequence[Mapping[str, Any]] = ()) -> Plottable:
        """Radial or linear axes with optional labels (``[{"r": 14, "label": "outer"}, ...]``).

        Raises:
            PlanError: ``rows`` is not a list of dicts of JSON values.
        """
        if isinstance(rows, str | bytes | Mapping) or not all(isinstance(r, Mapping) for r in rows):
            raise PlanError("encode_axis(rows) takes a list of dicts such as [{'r': 10, 'label': 'a'}]")
        from .encoders import frozen_map

        obj = frozen_map({
            "graphType": "point", "encodingType": "axis", "variation": "categorical",
            "attribute": "degree", "rows": to_json_value(list(rows), "encode_axis rows"),
        })  # fmt: skip
        updated = self.complex_encodings.set(("node", "default", "pointAxisEncoding"), obj)
        return self._next(complex_encodings=updated)


__all__ = ["ViewerSettings", "check_validate"]
