"""What ``g.plot()`` returns: the URL string, an inline viewer in a notebook, or a browser tab.

Importing this module installs :func:`render_result` into core
(:func:`graphistry_fp.core.roots.install_renderer`); core checks the mode
(``core/render.py``) and hands the result over. Showing things is ``notebook.py``'s.
"""

from __future__ import annotations

from ..core.roots import install_renderer
from ..effects import PlotResult
from .notebook import PlotURL, in_notebook, open_in_browser


def render_result(result: PlotResult, render: object, iframe: str | None = None) -> str:
    """Turn a result into what ``plot(render)`` returns (``render`` already checked).

    ``iframe`` is the markup a notebook shows (core builds it from ``settings(height=...)``
    and ``plot(extra_html=..., override_html_style=...)``); by default, a plain iframe.
    """
    if render in ("url", False):
        return result.url
    if render == "browser":
        open_in_browser(result.url)
        return result.url
    if render in ("ipython", True) or (render in (None, "auto") and in_notebook()):
        return PlotURL(result.url, iframe)
    return result.url


install_renderer(render_result)
