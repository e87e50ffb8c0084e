"""Showing things to the user: a notebook's inline display, a browser tab, or stderr.

Theory of operation. Whether code runs inside an IPython kernel (Jupyter, Databricks, ...)
is asked in one place, :func:`in_notebook`, without importing IPython (a notebook has
already imported it). Everything the library shows goes through the helpers here: the
viewer URL that renders as an iframe (:class:`PlotURL`), an HTML snippet
(:func:`display_html`), a browser tab (:func:`open_in_browser`), a line on stderr
(:func:`tell`), and the single sign-on link (:func:`show_auth_url`).
"""

from __future__ import annotations

import html
import sys


def in_notebook() -> bool:
    """True inside an IPython kernel (Jupyter, Databricks, ...), where HTML can be shown."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None) if ipython is not None else None
    shell = get() if callable(get) else None
    return shell is not None and getattr(shell, "kernel", None) is not None


class PlotURL(str):
    """The viewer URL; in a notebook it also displays the viewer in an iframe.

    ``PlotURL(url, iframe)`` shows the given iframe markup instead of the default one.
    """

    _iframe: str | None

    def __new__(cls, url: str, iframe: str | None = None) -> PlotURL:
        new = super().__new__(cls, url)
        new._iframe = iframe
        return new

    def _repr_html_(self) -> str:
        if self._iframe is not None:
            return self._iframe
        src = html.escape(str(self), quote=True)
        return (
            f'<iframe src="{src}" style="width:100%; height:500px; border:0" '
            'allowfullscreen></iframe>'
        )


def display_html(markup: str) -> None:
    """Display ``markup`` in the notebook (call only when :func:`in_notebook`)."""
    from IPython.display import HTML, display

    display(HTML(markup))


def open_in_browser(url: str) -> None:
    """Open ``url`` in a new tab of the default web browser."""
    import webbrowser  # loaded only when asked: it pulls in subprocess

    webbrowser.open(url, new=2)


def tell(text: str) -> None:
    """Print ``text`` to stderr, prefixed with the library's name, and flush."""
    print(f"graphistry_fp: {text}", file=sys.stderr, flush=True)


def show_auth_url(url: str) -> None:
    """The default ``on_auth_url``: a link in a notebook, else the URL on stderr."""
    if in_notebook():
        link = html.escape(url, quote=True)
        display_html(
            f'<p>Log in to Graphistry: <a href="{link}" target="_blank" '
            f'rel="noopener">open the single sign-on page</a></p>'
        )
        return
    tell(f"to log in, open this URL in a browser:\n  {url}")
