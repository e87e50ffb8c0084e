"""``plot(render=...)``: the pure half. The render modes, their check, the notebook iframe's
markup, and the hand-off.

What ``plot()`` returns (a URL string, an inline notebook viewer, a browser tab) is I/O and
lives in ``graphistry_fp.interpreters.render``, which installs itself into core when it is
imported (:func:`graphistry_fp.core.roots.install_renderer`). Without it, ``plot()``
returns the URL string.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..errors import PlanError
from .roots import installed_renderer

if TYPE_CHECKING:
    from ..effects import PlotResult

RENDER_MODES = (None, "auto", "url", "ipython", "browser", "databricks", "g", False, True)


def check_render(render: object) -> None:
    """Raise :class:`PlanError` for an unknown render mode, before anything is uploaded."""
    if render not in RENDER_MODES:
        raise PlanError(
            "plot(render=...) takes None, 'auto', 'url', 'ipython', 'browser', 'databricks' "
            f"or 'g', not {render!r}"
        )


def iframe_html(
    url: str,
    height: int | float | str = 500,
    extra_html: str = "",
    override_html_style: str | None = None,
) -> str:
    """The notebook iframe showing ``url``, shaped as pygraphistry shapes it.

    ``height`` in pixels (a number) or any CSS size (a str); ``override_html_style`` replaces
    the whole ``style`` attribute; ``extra_html`` is inserted verbatim inside the ``<iframe>``
    tag, after the style (pygraphistry's place for it, e.g. extra attributes).
    """
    size = f"{height}px" if isinstance(height, int | float) else str(height)
    style = override_html_style
    if style is None:
        style = f"width:100%; height:{size}; border: 1px solid #DDD; overflow: hidden"
    return (
        f'<iframe src="{html.escape(url, quote=True)}" allowfullscreen="true" '
        f'webkitallowfullscreen="true" mozallowfullscreen="true" oallowfullscreen="true" '
        f'msallowfullscreen="true" style="{html.escape(style, quote=True)}" {extra_html}>'
        "</iframe>"
    )


def render(
    result: PlotResult,
    mode: object,
    *,
    height: int | float | str = 500,
    extra_html: str = "",
    override_html_style: str | None = None,
) -> str:
    """What ``plot(render=mode)`` returns for ``result`` (``mode`` already checked)."""
    renderer = installed_renderer()
    if renderer is None:
        return result.url
    return renderer(result, mode, iframe_html(result.url, height, extra_html, override_html_style))
