"""Run pygraphistry 0.61.2's hypergraph (pandas engine, in-process: it sends nothing) and ours
on the same input, for the hypergraph tests."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from graphistry_fp.core.hypergraph import HypergraphResult, hypergraph

TABLES = ("entities", "events", "edges", "nodes")


def theirs(events: Any, **kwargs: Any) -> dict[str, Any]:
    """pygraphistry's result dict (its warnings silenced)."""
    import graphistry

    logging.getLogger("graphistry").setLevel(logging.ERROR)
    result: dict[str, Any] = graphistry.hypergraph(
        events, engine="pandas", verbose=False, **kwargs
    )
    return result


def ours(events: Any, **kwargs: Any) -> HypergraphResult:
    """graphistry_fp's result."""
    return hypergraph(events, verbose=False, **kwargs)


def assert_same(events: Any, **kwargs: Any) -> HypergraphResult:
    """Every table equal to pygraphistry's: column names and order, dtypes, index, values
    (nulls included); and the graph's bindings equal."""
    expected = theirs(events, **kwargs)
    actual = ours(events, **kwargs)
    for name in TABLES:
        pd.testing.assert_frame_equal(
            expected[name], actual.tables()[name], check_exact=True, obj=name
        )
    g = expected["graph"]
    assert {
        "source": g._source,
        "destination": g._destination,
        "node": g._node,
        "point_title": g._point_title,
    } == actual.bindings
    return actual
