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

import pytest
from hypothesis import given

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
