"""``plot(render=...)``: the pure half. The render modes, their check, and the hand-off.

What ``plot()`` returns (a URL string, an inline notebook viewer, a browser tab) is I/O and
lives in ``graphistry_fp.interpreters.render``, which installs itself into core when it is
imported (:func:`graphistry_fp.core.roots.install_renderer`). Without it, ``plot()``
returns the URL string.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import PlanError
from .roots import installed_renderer

if TYPE_CHECKING:
    from ..effects import PlotResult

RENDER_MODES = (None, "auto", "url", "ipython", "browser", False, True)


def check_render(render: object) -> None:
    """Raise :class:`PlanError` for an unknown render mode, before anything is uploaded."""
    if render not in RENDER_MODES:
        raise PlanError(
            f"plot(render=...) takes None, 'auto', 'url', 'ipython' or 'browser', not {render!r}"
        )


def render(result: PlotResult, mode: object) -> str:
    """What ``plot(render=mode)`` returns for ``result`` (``mode`` already checked)."""
    renderer = installed_renderer()
    return result.url if renderer is None else renderer(result, mode)
