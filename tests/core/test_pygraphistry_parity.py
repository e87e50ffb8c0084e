"""Cross-check: for every golden chain, the real pygraphistry 0.61.2 builds the same
``node_encodings``/``edge_encodings`` (and style, name, description) as we do, with no
network at all.

pygraphistry's ``plot()`` first refreshes a token, so we stop one step earlier: its
``_plot_dispatch`` runs the automatic title (``infer_labels``), converts the tables and
returns the ``ArrowUploader`` holding exactly the encodings and metadata ``post()`` would
send (``serialize_node_encodings``/``serialize_edge_encodings`` of graphistry/io/metadata.py).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphistry_fp
from tests.core.golden_cases import CASES, UNTITLED, Case
from tests.strategies import apply, chains, edge_frames

pygraphistry = pytest.importorskip("graphistry")


def normalized(value: Any) -> str:
    """JSON text with sorted keys; non-string keys become strings first, as on the wire."""
    return json.dumps(json.loads(json.dumps(value)), sort_keys=True)


def pygraphistry_upload(g: Any) -> Any:
    """The uploader pygraphistry would post for ``g``: encodings, metadata, name."""
    return g._plot_dispatch(g._edges, g._nodes, g._name or UNTITLED, g._description or "", g._style)


_AGENT_KEYS = {"agent", "apiversion", "agentversion", "usertag"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_encodings_as_pygraphistry(case: Case) -> None:
    """Our create-dataset encodings, style, name and description equal pygraphistry's for
    the same chain (agent fields differ by design: they name the library)."""
    theirs = pygraphistry_upload(case.build(pygraphistry))
    body = case.build(graphistry_fp).plan().create.json()
    assert normalized(theirs.node_encodings) == normalized(body["node_encodings"])
    assert normalized(theirs.edge_encodings) == normalized(body["edge_encodings"])
    their_style = {k: v for k, v in theirs.metadata.items() if k not in _AGENT_KEYS}
    our_style = {k: v for k, v in body["metadata"].items() if k not in _AGENT_KEYS}
    assert normalized(their_style) == normalized(our_style)
    if case.name != UNTITLED:
        assert theirs.name == body["name"]
    assert theirs.description == body["description"]


@given(edge_frames(), chains)
def test_generated_chains_match_pygraphistry(df: Any, chain: list[Any]) -> None:
    """For generated chains (bindings, every edge encode_* family, names, settings, style,
    privacy), pygraphistry's encodings, style, name and description equal ours."""
    theirs = pygraphistry_upload(apply(pygraphistry.edges(df, "s", "d"), chain)[-1])
    body = apply(graphistry_fp.edges(df, "s", "d"), chain)[-1].plan().create.json()
    assert normalized(theirs.node_encodings) == normalized(body["node_encodings"])
    assert normalized(theirs.edge_encodings) == normalized(body["edge_encodings"])
    their_style = {k: v for k, v in theirs.metadata.items() if k not in _AGENT_KEYS}
    our_style = {k: v for k, v in body["metadata"].items() if k not in _AGENT_KEYS}
    assert normalized(their_style) == normalized(our_style)
    if theirs.name != UNTITLED:
        assert theirs.name == body["name"]
    else:
        assert body["name"].startswith("Untitled ")
    assert theirs.description == body["description"]


_LABELISH = st.sampled_from(
    ["name", "Name", "NAME", "title", "Title", "label", "LABEL", "nodetitle", "NodeLabel",
     "my_name", "subtitle", "labels", "x", "value", "nodeid"]
)  # fmt: skip


@given(st.lists(_LABELISH, max_size=5, unique=True), st.sampled_from(["point_title", "point_label", None]))
def test_automatic_title_matches_pygraphistry(extra: list[str], bound: str | None) -> None:
    """For nodes with any mix of label-like columns (exact names in any case, substrings,
    none), with or without point_title/point_label bound, the node bindings (the automatic
    node_title of PROTOCOL.md 4.3) equal pygraphistry's."""
    from tests.core.golden_cases import EDGES

    nodes = pd.DataFrame({"n": ["a", "b", "c"], **{c: ["p", "q", "r"] for c in extra}})
    bind = {bound: "n"} if bound else {}
    theirs = pygraphistry_upload(pygraphistry.edges(EDGES, "s", "d").nodes(nodes, "n").bind(**bind))
    ours = graphistry_fp.edges(EDGES, "s", "d").nodes(nodes, "n").bind(**bind).plan().create.json()
    assert normalized(theirs.node_encodings) == normalized(ours["node_encodings"])
