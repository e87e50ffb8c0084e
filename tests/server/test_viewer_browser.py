"""The viewer in a real headless Chromium (Debian's chromium, /usr/bin/chromium).

Each test serves a dataset from the local server, loads its viewer URL with
``chromium --headless --dump-dom`` and reads what the page reports it drew from the
``<body>`` attributes (``data-drawn-nodes``, ``data-drawn-edges``, ``data-status``).
Chromium missing is a failure, not a skip: CI installs it (.ci/run).
"""

from __future__ import annotations

import random
import time

import pyarrow as pa

from graphistry_fp.demo import plot_tenants
from graphistry_fp.server import LocalServer
from tests.support.browser import body_attributes, dump_dom, plot, require_chromium


def test_chromium_is_installed() -> None:
    """The browser the viewer tests need is there (a clear failure otherwise)."""
    require_chromium()


def test_demo_graph_draws_every_node_and_edge(graphistry_server: LocalServer) -> None:
    """Both demo datasets draw as many nodes and edges as the server stored."""
    for _, result in plot_tenants(graphistry_server):
        record = graphistry_server.dataset(result.dataset_id)
        body = body_attributes(dump_dom(result.url))
        assert body["data-status"] in ("ready", "settled"), body
        assert str(record.nodes_rows) == body["data-drawn-nodes"]
        assert str(record.edges_rows) == body["data-drawn-edges"]
        assert result.dataset_id == body["data-dataset"]


def test_nodes_are_derived_from_edges_when_not_uploaded(graphistry_server: LocalServer) -> None:
    """Without a nodes table, every distinct endpoint is drawn once."""
    rnd = random.Random(3)
    src = [f"v{rnd.randrange(40)}" for _ in range(120)]
    dst = [f"v{rnd.randrange(40)}" for _ in range(120)]
    result = plot(graphistry_server, pa.table({"s": src, "d": dst}))
    body = body_attributes(dump_dom(result.url))
    assert str(len(set(src) | set(dst))) == body["data-drawn-nodes"]
    assert "120" == body["data-drawn-edges"]


def test_edge_endpoints_missing_from_nodes_are_drawn_too(graphistry_server: LocalServer) -> None:
    """An endpoint absent from the nodes table still becomes a node, as in Graphistry."""
    edges = pa.table({"s": [1, 2, 3], "d": [2, 3, 99]})
    nodes = pa.table({"n": [1, 2, 3], "kind": ["a", "b", "a"]})
    body = body_attributes(dump_dom(plot(graphistry_server, edges, nodes).url))
    assert ("4", "3") == (body["data-drawn-nodes"], body["data-drawn-edges"])


def test_ten_thousand_edges_lay_out_quickly(graphistry_server: LocalServer) -> None:
    """10k edges: all drawn, and the whole force layout runs to the end in seconds."""
    rnd = random.Random(5)
    n = 3000
    src = [rnd.randrange(n) for _ in range(10_000)]
    dst = [(s + rnd.choice((1, 2, 7, rnd.randrange(n)))) % n for s in src]
    nodes = pa.table({"n": list(range(n)), "group": [f"g{i % 9}" for i in range(n)]})
    result = plot(
        graphistry_server,
        pa.table({"s": src, "d": dst}),
        nodes,
        encode_point_color={"column": "group", "palette": ["red", "blue", "green"],
                            "as_categorical": True},
    )  # fmt: skip
    started = time.monotonic()
    body = body_attributes(dump_dom(result.url, budget_ms=15000))
    elapsed = time.monotonic() - started
    assert (str(n), "10000") == (body["data-drawn-nodes"], body["data-drawn-edges"])
    # Virtual time freezes the page's clock, so the wall clock here times the whole layout
    # (about 320 ticks, Chromium's start included): a few seconds on this 2-core machine.
    assert ("settled", True) == (body["data-status"], int(body["data-ticks"]) >= 300), body
    assert elapsed < 45, f"3000 nodes / 10k edges took {elapsed:.1f} s to lay out"


def test_unknown_dataset_page_says_so(graphistry_server: LocalServer) -> None:
    """The viewer URL of a dataset that does not exist answers with a readable error."""
    ok = plot(graphistry_server, pa.table({"s": [1], "d": [2]}))
    dom = dump_dom(ok.url.replace(ok.dataset_id, ok.dataset_id + "x"), budget_ms=2000)
    assert "No dataset" in dom
