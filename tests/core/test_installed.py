"""What the interpreters layer installs into core (DESIGN.md section 2): the global root and
the renderer. Core never looks either up; without them it fails clearly or returns the URL.
"""

from __future__ import annotations

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp.core import roots
from graphistry_fp.core.render import render
from graphistry_fp.effects import PlotResult
from graphistry_fp.errors import NotConfiguredError
from graphistry_fp.interpreters.roots import client_root

E = pd.DataFrame({"s": [1], "d": [2]})


def test_importing_the_facade_installs_the_global_root() -> None:
    """After ``import graphistry_fp``, core's resolution ends at the interpreters' global root."""
    assert client_root() is graphistry.edges(E, "s", "d").get_client()


def test_resolution_with_no_installed_root_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing installed, resolving a module-rooted chain raises NotConfiguredError
    saying what to do, not an AttributeError or an import."""
    monkeypatch.setattr(roots._INSTALLED, "root", roots._NotInstalled())
    with pytest.raises(NotConfiguredError, match="no global client root is installed"):
        graphistry.edges(E, "s", "d").get_client()


def test_plot_with_no_installed_renderer_returns_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no renderer installed, ``plot()`` returns the result's URL as a plain str."""
    result = PlotResult(dataset_id="ds1", url="http://x/graph/graph.html?dataset=ds1", server="x", org_name=None)
    monkeypatch.setattr(roots._INSTALLED, "renderer", None)
    assert "http://x/graph/graph.html?dataset=ds1" == render(result, None)


def test_explicit_roots_flag_is_reset_with_the_global_root() -> None:
    """An explicit root sets the flag; the global root's one reset clears it."""
    from graphistry_fp.interpreters.roots import _reset

    graphistry.client(graphistry.DryRunClient())
    assert True is roots.explicit_roots_exist()
    _reset()
    assert False is roots.explicit_roots_exist()

