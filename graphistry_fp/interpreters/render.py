"""What ``g.plot()`` returns: the URL string, an inline viewer in a notebook, or a browser tab.

Importing this module installs :func:`render_result` into core
(:func:`graphistry_fp.core.roots.install_renderer`); core checks the mode
(``core/render.py``) and hands the result over.
"""

from __future__ import annotations

import html
import sys

from ..core.roots import install_renderer
from ..effects import PlotResult


class PlotURL(str):
    """The viewer URL; in a notebook it also displays the viewer in an iframe."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        src = html.escape(str(self), quote=True)
        return (
            f'<iframe src="{src}" style="width:100%; height:500px; border:0" '
            'allowfullscreen></iframe>'
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
        import webbrowser  # loaded only when asked: it pulls in subprocess

        webbrowser.open(result.url)
        return result.url
    if render in ("ipython", True) or (render in (None, "auto") and _in_notebook()):
        return PlotURL(result.url)
    return result.url


install_renderer(render_result)
