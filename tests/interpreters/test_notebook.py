"""One notebook test for everything the library shows (SSO link, inline viewer)."""

from __future__ import annotations

import sys
import types

import pytest

from graphistry_fp.interpreters.notebook import PlotURL, in_notebook, show_auth_url


def _ipython(monkeypatch: pytest.MonkeyPatch, shell: object) -> None:
    module = types.ModuleType("IPython")
    module.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", module)


def test_in_notebook_needs_a_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal IPython (no kernel, or kernel None) is not a notebook; a kernel is."""
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert not in_notebook()
    _ipython(monkeypatch, None)
    assert not in_notebook()
    _ipython(monkeypatch, types.SimpleNamespace(kernel=None))
    assert not in_notebook()
    _ipython(monkeypatch, types.SimpleNamespace(kernel=object()))
    assert in_notebook()


def test_in_notebook_ignores_an_ipython_without_get_ipython(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A module named IPython lacking get_ipython (a stub) means no notebook, not a crash."""
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    assert not in_notebook()


def test_outside_a_notebook_the_auth_url_goes_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """show_auth_url prints the URL on stderr, nothing on stdout."""
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    show_auth_url("http://hub.example/sso/authorize/st")
    out, err = capsys.readouterr()
    assert ("", True) == (out, "http://hub.example/sso/authorize/st" in err)


def test_plot_url_renders_an_escaped_iframe() -> None:
    """PlotURL is the URL string, and its HTML is an iframe with the URL escaped."""
    url = PlotURL('http://h/graph.html?dataset=a&x="y"')
    assert 'http://h/graph.html?dataset=a&x="y"' == str(url)
    assert 'src="http://h/graph.html?dataset=a&amp;x=&quot;y&quot;"' in url._repr_html_()
