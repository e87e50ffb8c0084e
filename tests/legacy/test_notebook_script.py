"""A notebook written for pygraphistry 0.61.2 (the README's and docs' examples) runs with
only its import changed, and the server stores the same datasets as for pygraphistry."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from graphistry_fp.server import LocalServer

from .wire import assert_same, stored

pygraphistry = pytest.importorskip("graphistry")

#: pygraphistry README-style notebook code; SERVER, USER, PASSWORD, TAG are given.
NOTEBOOK = '''
import graphistry
import pandas as pd

graphistry.register(api=3, protocol="http", server=SERVER, username=USER, password=PASSWORD)
graphistry.privacy(mode="organization")

df = pd.DataFrame({
    "src": ["a", "b", "c", "a", TAG],
    "dst": ["b", "c", "a", "c", "a"],
    "ip": ["1.1.1.1", "2.2.2.2", "1.1.1.1", None, "3.3.3.3"],
    "bytes": [100, 200, 300, 400, 500],
})
urls = []

g = graphistry.bind(source="src", destination="dst")
urls.append(g.plot(df, render=False))

h = graphistry.hypergraph(df, ["src", "dst", "ip"], verbose=False)
urls.append(h["graph"].plot(render=False))

g2 = (
    graphistry.edges(df, "src", "dst")
    .materialize_nodes()
    .encode_point_color("id", categorical_mapping={"a": "red"}, default_mapping="gray")
    .encode_edge_color("bytes", ["blue", "red"], as_continuous=True)
    .layout_settings(play=0, locked_r=True)
    .scene_settings(show_arrows=False)
    .settings(height=800, url_params={"pointOpacity": 0.5})
    .name("README example")
    .description("from the docs")
)
urls.append(g2.plot(render=False))

g3 = g2.privacy(mode="public").upload()
urls.append(g3._url)
token = graphistry.api_token()
'''


def _run(source: str, srv: LocalServer, tag: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {
        "SERVER": srv.server, "USER": "bob", "PASSWORD": "bob-pw", "TAG": tag,
    }  # fmt: skip
    exec(compile(source, "<notebook>", "exec"), namespace)  # the notebook under test
    return namespace


def test_pygraphistry_notebook_runs_with_only_the_import_changed(
    graphistry_server: LocalServer,
) -> None:
    """The same cells, run by pygraphistry and by graphistry_fp (``import graphistry_fp as
    graphistry``), store equal datasets: JSON, tables, shares and URL settings."""
    tag = uuid.uuid4().hex[:8]
    pygraphistry.PyGraphistry.session.privacy = None
    theirs = _run(NOTEBOOK, graphistry_server, tag)
    ours = _run(NOTEBOOK.replace("import graphistry\n", "import graphistry_fp as graphistry\n"),
                graphistry_server, tag)  # fmt: skip
    assert "graphistry_fp" == ours["graphistry"].__name__
    assert 4 == len(ours["urls"]) == len(theirs["urls"])
    for mine, their in zip(ours["urls"], theirs["urls"], strict=True):
        assert_same(stored(graphistry_server, their), stored(graphistry_server, mine))
    assert ours["token"]
    pygraphistry.PyGraphistry.session.privacy = None
