"""The root rules (DESIGN.md 4) for the legacy surface: ``upload()``, ``plot(df)``,
``hypergraph(...)["graph"]`` and ``from_networkx(...)`` resolve their client at call time;
module chains go to ``using(c)`` or the global root, ``c.g()`` chains to ``c``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp.effects import CreateDataset

nx = pytest.importorskip("networkx")

EDGES = pd.DataFrame({"s": ["a", "b"], "d": ["b", "c"]})
EVENTS = pd.DataFrame({"user": ["u1", "u2"], "ip": ["i1", "i1"]})


def _graph() -> Any:
    G = nx.Graph()
    G.add_edge(1, 2)
    return G


#: each builds a plottable from a starting point (the module, or ``c.g()``)
STARTS: dict[str, Callable[[Any], Any]] = {
    "edges": lambda m: m.edges(EDGES, "s", "d"),
    "hypergraph": lambda m: m.hypergraph(EVENTS, entity_types=["user", "ip"], verbose=False),
    "from_networkx": lambda m: m.bind().from_networkx(_graph()),
}


def _module_start(name: str) -> Any:
    if name == "hypergraph":
        return graphistry.hypergraph(EVENTS, ["user", "ip"], verbose=False)["graph"]
    return STARTS[name](graphistry)


def _created(client: graphistry.DryRunClient) -> int:
    return sum(isinstance(e, CreateDataset) for e in client.performed)


@pytest.mark.parametrize("start", sorted(STARTS))
def test_module_results_follow_the_global_root_then_using(start: str) -> None:
    """Module-started legacy results resolve, at call time, to using(c) inside a block and
    to the global root outside it, for plot() and upload()."""
    glob, scoped = graphistry.DryRunClient(), graphistry.DryRunClient()
    g = _module_start(start)
    graphistry.register(client=glob)
    g.plot(render="url")
    with graphistry.using(scoped):
        uploaded = g.upload()
    assert (1, 1) == (_created(glob), _created(scoped))
    assert glob is g.get_client()
    assert uploaded.dataset_id is not None


@pytest.mark.parametrize("start", sorted(STARTS))
def test_client_rooted_results_stay_on_their_client(start: str) -> None:
    """``c.g().<legacy method>(...)`` results run on c, whatever the global root or using."""
    glob, mine, scoped = graphistry.DryRunClient(), graphistry.DryRunClient(), graphistry.DryRunClient()
    graphistry.register(client=glob)
    builder = STARTS[start]
    g = builder(mine.g()) if start != "hypergraph" else mine.g().hypergraph(EVENTS, entity_types=["user", "ip"])
    with graphistry.using(scoped):
        g.plot(render="url")
        g.upload()
    assert (0, 2, 0) == (_created(glob), _created(mine), _created(scoped))


def test_plot_with_an_edges_argument_resolves_like_the_receiver() -> None:
    """``graphistry.bind(...).plot(df)`` runs on the global root; ``c.g().bind(...).plot(df)``
    on c; a later set_client on the receiver is seen (resolution at call time)."""
    glob, mine, late = graphistry.DryRunClient(), graphistry.DryRunClient(), graphistry.DryRunClient()
    graphistry.register(client=glob)
    module_chain = graphistry.bind(source="s", destination="d")
    module_chain.plot(EDGES, render="url")
    mine.g().bind(source="s", destination="d").plot(EDGES, render="url")
    module_chain.set_client(late)
    module_chain.plot(EDGES, render="url")
    assert (1, 1, 1) == (_created(glob), _created(mine), _created(late))


def test_upload_leaves_the_receiver_unchanged_and_roots_the_result_below_it() -> None:
    """``upload()`` returns a new plottable with the result; the receiver has none, and the
    result's root hangs below the receiver's (a later set_client on the receiver reaches it)."""
    glob, late = graphistry.DryRunClient(), graphistry.DryRunClient()
    graphistry.register(client=glob)
    g = graphistry.edges(EDGES, "s", "d")
    g2 = g.upload()
    assert (None, None) == (g._dataset_id, g._url)
    assert g2._dataset_id is not None and g2._dataset_id in str(g2._url)
    assert (g2.dataset_id, g2.url) == (g2._dataset_id, g2._url)
    g.set_client(late)
    assert late is g2.get_client()


def test_async_upload_and_plot_follow_the_same_rules() -> None:
    """``await g.aupload()``/``aplot()`` resolve like upload()/plot() (using(c) per task, else
    the global root) and apply the session's default sharing only on the global root."""
    import asyncio

    from graphistry_fp.effects import Share

    glob, scoped = graphistry.DryRunClient(), graphistry.DryRunClient()
    graphistry.register(client=glob)
    graphistry.privacy(mode="organization")
    g = graphistry.edges(EDGES, "s", "d")

    async def main() -> Any:
        uploaded = await g.aupload()
        with graphistry.using(scoped):
            url = await g.aplot(render="url")
        return uploaded, url

    uploaded, url = asyncio.run(main())
    assert uploaded.dataset_id is not None and uploaded.dataset_id in str(uploaded.url)
    assert isinstance(url, str)
    assert (1, 1) == (_created(glob), _created(scoped))
    shares = [[e.mode for e in c.performed if isinstance(e, Share)] for c in (glob, scoped)]
    assert [["organization"], []] == shares
