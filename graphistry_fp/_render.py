"""What ``g.plot()`` returns: the URL string, an inline viewer in a notebook, or a browser tab."""

from __future__ import annotations

import html
import sys
import webbrowser

from .effects import PlotResult
from .errors import PlanError

RENDER_MODES = (None, "auto", "url", "ipython", "browser", False, True)


class PlotURL(str):
    """The viewer URL; in a notebook it also displays the viewer in an iframe."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        src = html.escape(str(self), quote=True)
        return (
            f'<iframe src="{src}" style="width:100%; height:500px; border:0" '
            'allowfullscreen></iframe>'
        )


def check_render(render: object) -> None:
    """Raise :class:`PlanError` for an unknown render mode, before anything is uploaded."""
    if render not in RENDER_MODES:
        raise PlanError(
            f"plot(render=...) takes None, 'auto', 'url', 'ipython' or 'browser', not {render!r}"
        )


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def render_result(result: PlotResult, render: object) -> str:
    """Turn a result into what ``plot(render)`` returns (``render`` already checked)."""
    if render in ("url", False):
        return result.url
    if render == "browser":
        webbrowser.open(result.url)
        return result.url
    if render in ("ipython", True) or (render in (None, "auto") and _in_notebook()):
        return PlotURL(result.url)
    return result.url
