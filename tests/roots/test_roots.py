"""The root rules case by case, contexts across threads and tasks, and the plot() shim.

These use DryRunClients (no network); the same rules against the local server, with real
tenants, are in test_seed_examples.py.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import webbrowser

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp.core.roots import RootCell
from graphistry_fp.interpreters.notebook import PlotURL

EDGES = pd.DataFrame({"s": [1, 2], "d": [2, 3]})


def test_module_chain_follows_the_global_root_at_call_time() -> None:
    """Rule 1 and 5: a module-started chain resolves to whatever the global root is now."""
    a, b = graphistry.DryRunClient(server="a.invalid"), graphistry.DryRunClient(server="b.invalid")
    g = graphistry.edges(EDGES, "s", "d")
    graphistry.register(client=a)
    assert a is g.get_client()
    graphistry.client_root(b)
    assert b is g.get_client()


def test_client_method_roots_the_new_value_only() -> None:
    """Rule 3: p.client(c) roots the result at c and leaves p on the global root."""
    a, c = graphistry.DryRunClient(server="a.invalid"), graphistry.DryRunClient(server="c.invalid")
    graphistry.register(client=a)
    p = graphistry.edges(EDGES, "s", "d")
    q = p.client(c)
    assert (a, c) == (p.get_client(), q.get_client())


def test_set_client_reaches_descendants_but_not_ancestors_or_siblings() -> None:
    """Rule 4: set_client changes p and what derives from p, never p's parent or siblings."""
    a, c = graphistry.DryRunClient(server="a.invalid"), graphistry.DryRunClient(server="c.invalid")
    graphistry.register(client=a)
    parent = graphistry.edges(EDGES, "s", "d")
    p = parent.name("p")
    sibling = parent.name("sibling")
    child = p.bind(edge_title="s")
    p.set_client(c)
    assert [a, c, a, c] == [
        parent.get_client(),
        p.get_client(),
        sibling.get_client(),
        child.get_client(),
    ]


def test_a_closer_root_shadows_set_client_above_it() -> None:
    """Rule 4: a filled cell between p and a descendant keeps the descendant's own client."""
    c2, c3 = graphistry.DryRunClient(server="c2.invalid"), graphistry.DryRunClient(server="c3.invalid")
    g2 = graphistry.edges(EDGES, "s", "d")
    g3 = g2.client(c3)
    g2.set_client(c2)
    assert (c2, c3) == (g2.get_client(), g3.get_client())


def test_using_applies_only_inside_the_block_and_not_to_client_root() -> None:
    """Rule 5: using(c) is seen inside the block only; client_root() is always the global."""
    a, u = graphistry.DryRunClient(server="a.invalid"), graphistry.DryRunClient(server="u.invalid")
    graphistry.register(client=a)
    with graphistry.using(u):
        made_inside = graphistry.edges(EDGES, "s", "d")
        assert u is made_inside.get_client()
        assert a is graphistry.client_root()
    assert a is made_inside.get_client()


def test_explicit_root_beats_using() -> None:
    """Rule 5: an explicit root is found before the using(c) context."""
    c, u = graphistry.DryRunClient(server="c.invalid"), graphistry.DryRunClient(server="u.invalid")
    g = graphistry.client(c).edges(EDGES, "s", "d")
    with graphistry.using(u):
        assert c is g.get_client()


def test_using_is_per_thread() -> None:
    """using(c) is a ContextVar: threads in different blocks each see their own client."""
    clients = [graphistry.DryRunClient(server=f"t{i}.invalid") for i in range(8)]
    g = graphistry.edges(EDGES, "s", "d")
    barrier = threading.Barrier(len(clients))
    seen: dict[int, object] = {}

    def work(i: int) -> None:
        with graphistry.using(clients[i]):
            barrier.wait()  # every thread is inside its block at once
            seen[i] = g.get_client()
            result = g.plot(render="url")
            assert f"//t{i}.invalid/" in result

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {i: clients[i] for i in range(8)} == seen


def test_using_is_per_asyncio_task() -> None:
    """using(c) is a ContextVar: concurrent asyncio tasks each see their own client."""
    clients = [graphistry.DryRunClient(server=f"task{i}.invalid") for i in range(6)]
    g = graphistry.edges(EDGES, "s", "d")

    async def work(i: int) -> object:
        with graphistry.using(clients[i]):
            await asyncio.sleep(0.01 * (6 - i))  # interleave the tasks
            return g.get_client()

    async def main() -> list[object]:
        return list(await asyncio.gather(*(work(i) for i in range(6))))

    assert clients == asyncio.run(main())


def test_plot_without_register_says_how_to_configure() -> None:
    """An unconfigured global root raises NotConfiguredError naming register() and clients."""
    with pytest.raises(graphistry.NotConfiguredError) as info:
        graphistry.edges(EDGES, "s", "d").plot()
    assert "register(" in str(info.value)
    assert "client" in str(info.value)


def test_plot_validates_render_before_uploading() -> None:
    """An unknown render mode is a PlanError, raised before the client runs anything."""
    c = graphistry.DryRunClient()
    with pytest.raises(graphistry.PlanError):
        graphistry.client(c).edges(EDGES, "s", "d").plot(render="hologram")
    assert [] == c.performed


def test_plot_returns_the_url_and_opens_a_browser_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """plot() returns the viewer URL string; only render='browser' calls webbrowser.open."""
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    c = graphistry.DryRunClient()
    g = graphistry.client(c).edges(EDGES, "s", "d")
    url = g.plot()
    assert isinstance(url, str) and "dataset=" in url
    assert [] == opened
    assert url == g.plot(render="url")
    assert url == g.plot(render="browser")
    assert [url] == opened


def test_plot_in_a_notebook_returns_an_inline_viewer(monkeypatch: pytest.MonkeyPatch) -> None:
    """In an IPython kernel plot() returns a str that also renders as an iframe."""

    class FakeShell:
        kernel = object()

    class FakeIPython:
        @staticmethod
        def get_ipython() -> FakeShell:
            return FakeShell()

    monkeypatch.setitem(sys.modules, "IPython", FakeIPython)
    c = graphistry.DryRunClient()
    shown = graphistry.client(c).edges(EDGES, "s", "d").plot()
    assert isinstance(shown, PlotURL)
    assert f'src="{shown}"' in shown._repr_html_().replace("&amp;", "&")
    assert type(graphistry.client(c).edges(EDGES, "s", "d").plot(render="url")) is str


def test_root_cell_is_small() -> None:
    """A root cell costs under 100 bytes (two slots, no __dict__)."""
    cell = RootCell()
    assert not hasattr(cell, "__dict__")
    assert sys.getsizeof(cell) < 100


def test_register_client_rejects_mixed_arguments() -> None:
    """register(client=c, username=...) is contradictory: ConfigError, root unchanged."""
    before = graphistry.client_root()
    with pytest.raises(graphistry.ConfigError):
        graphistry.register(client=graphistry.DryRunClient(), username="u")
    assert before is graphistry.client_root()
