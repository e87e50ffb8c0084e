"""Golden tests: the create-dataset JSON, share body and viewer URL of fixed chains
(PROTOCOL.md 4.3, 5, 6), compared as ``json.dumps(..., sort_keys=True)``.

The table of chains lives in ``golden_cases.py``; ``test_pygraphistry_parity.py`` checks the
same table against the real pygraphistry 0.61.2.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import graphistry_fp as graphistry
from graphistry_fp._meta import AGENT_NAME, USERTAG, __version__
from graphistry_fp.effects import CreateDataset, Share
from tests.core.golden_cases import CASES, UNTITLED, Case

METADATA = {"agent": AGENT_NAME, "apiversion": "3", "agentversion": __version__, "usertag": USERTAG}


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def body_of(g: Any) -> dict[str, Any]:
    """The create-dataset body of ``g``'s plan, with a default name replaced by a marker."""
    body = g.plan().create.json()
    if re.fullmatch(r"Untitled [A-Z0-9]{10}", body["name"]):
        body["name"] = UNTITLED
    return body


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_create_dataset_json(case: Case) -> None:
    """The chain's create-dataset JSON equals the literal of its case, field by field."""
    expected = {
        "node_encodings": case.node_encodings,
        "edge_encodings": case.edge_encodings,
        "metadata": {**METADATA, **case.style},
        "name": case.name,
        "description": case.description,
    }
    assert dumps(expected) == dumps(body_of(case.build(graphistry)))


def test_metadata_literal() -> None:
    """The agent fields are the library's own, with apiversion the string "3" (PROTOCOL 4.3)."""
    assert {"agent": "graphistry_fp", "apiversion": "3", "agentversion": "0.1.0",
            "usertag": "graphistry_fp-0.1.0"} == METADATA  # fmt: skip


def test_default_name_is_untitled_and_derived_from_the_plan() -> None:
    """With no name (or an empty one, as pygraphistry), the plan names the dataset
    ``Untitled`` + 10 of [A-Z0-9], the same for equal chains and different for a different
    chain."""
    from tests.core.golden_cases import EDGES

    a = graphistry.edges(EDGES, "s", "d").plan().name
    b = graphistry.edges(EDGES.copy(), "s", "d").plan().name
    c = graphistry.edges(EDGES, "d", "s").plan().name
    assert re.fullmatch(r"Untitled [A-Z0-9]{10}", a)
    assert a == b
    assert a != c
    assert a == graphistry.edges(EDGES, "s", "d").name("").plan().name


def test_simple_binding_forms_equal_bind() -> None:
    """``encode_*(col)`` with no palette/mapping/bins is the same plottable as ``bind``."""
    from tests.core.golden_cases import EDGES, NODES

    g = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n")
    pairs = [
        (g.encode_point_color("c"), g.bind(point_color="c")),
        (g.encode_edge_color("rgba"), g.bind(edge_color="rgba")),
        (g.encode_point_size("c"), g.bind(point_size="c")),
        (g.encode_edge_size("w"), g.bind(edge_size="w")),
        (g.encode_edge_weight("w"), g.bind(edge_weight="w")),
        (g.encode_point_opacity("x"), g.bind(point_opacity="x")),
        (g.encode_edge_opacity("w"), g.bind(edge_opacity="w")),
        (g.encode_point_icon("i"), g.bind(point_icon="i")),
        (g.encode_edge_icon("i"), g.bind(edge_icon="i")),
        (g.encode_point_title("t"), g.bind(point_title="t")),
        (g.encode_point_label("t"), g.bind(point_label="t")),
        (g.encode_edge_title("t"), g.bind(edge_title="t")),
        (g.encode_edge_label("t"), g.bind(edge_label="t")),
    ]
    for encoded, bound in pairs:
        assert bound == encoded
        assert bound.plan() == encoded.plan()


PRIVACY_CASES = [
    ("defaults", {}, {"mode": "private", "notify": False, "invited_users": [], "mode_action": "20", "message": ""}),
    ("public_is_view", {"mode": "public"},
     {"mode": "public", "notify": False, "invited_users": [], "mode_action": "10", "message": ""}),
    ("organization_with_edit", {"mode": "organization", "mode_action": "20"},
     {"mode": "organization", "notify": False, "invited_users": [], "mode_action": "20", "message": ""}),
    ("invited_with_message",
     {"mode": "private", "notify": True, "invited_users": [{"email": "a@b.org", "action": "10"}, "c@d.org"],
      "message": "look"},
     {"mode": "private", "notify": True, "invited_users": [{"email": "a@b.org", "action": "10"}, "c@d.org"],
      "mode_action": "20", "message": "look"}),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "fields"), [c[1:] for c in PRIVACY_CASES], ids=[c[0] for c in PRIVACY_CASES])
def test_privacy_becomes_a_share_effect(kwargs: dict[str, Any], fields: dict[str, Any]) -> None:
    """``privacy(...)`` adds a last stage holding one Share whose body is PROTOCOL.md 2.12's,
    with the dataset id the run produced; without privacy there is no Share."""
    from tests.core.golden_cases import EDGES

    plain = graphistry.edges(EDGES, "s", "d")
    plan = plain.privacy(**kwargs).plan()
    assert [CreateDataset, Share] == [type(s[0]) for s in (plan.stages[0], plan.stages[-1])]
    (share,) = plan.stages[-1]
    expected = {"obj_pk": "ds1", "obj_type": "dataset", **fields}
    assert dumps(expected) == dumps(share.json("ds1"))
    assert [] == [e for e in plain.plan().steps if isinstance(e, Share)]
    client = graphistry.DryRunClient()
    result = client.run(plan)
    performed = client.performed[-1]
    assert isinstance(performed, Share)
    assert result.dataset_id == performed.dataset


def test_url_params_in_the_viewer_url() -> None:
    """URL settings reach the dry-run viewer URL after the fixed parameters, in insertion
    order, ``info=true`` first by default; later settings override earlier ones in place."""
    from tests.core.golden_cases import EDGES

    g = (
        graphistry.edges(EDGES, "s", "d")
        .settings(url_params={"play": 0, "showArrows": False})
        .settings(url_params={"play": 2000, "pointSize": 1.5, "bg": "#FFF"})
    )
    result = graphistry.DryRunClient().run(g.plan())
    match = re.fullmatch(
        r"https://dry-run\.invalid/graph/graph\.html\?dataset=(?P<id>[^&]+)&type=arrow"
        r"&viztoken=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        r"&usertag=(?P<tag>[^&]+)&(?P<params>.*)",
        result.url,
    )
    assert match is not None, result.url
    assert result.dataset_id == match["id"]
    assert USERTAG == match["tag"]
    assert "info=true&play=2000&showArrows=False&pointSize=1.5&bg=%23FFF" == match["params"]
    plain = graphistry.DryRunClient().run(graphistry.edges(EDGES, "s", "d").plan())
    assert plain.url.endswith("&info=true")
