"""``PlotPlan`` and ``PlotResult`` (DESIGN.md 3): frozen, comparable, printable, secret-free;
and the effect records they hold.
"""

from __future__ import annotations

import pickle

import attrs
import pandas as pd
import pyarrow as pa
import pytest

import graphistry_fp as graphistry
from graphistry_fp.effects import (
    DATASET,
    CreateDataset,
    PlotPlan,
    PlotResult,
    Ref,
    Share,
    UploadTable,
    canonical_json,
)

EDGES = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "w": [1.0, 2.0, 3.0]})
NODES = pd.DataFrame({"n": ["a", "b", "c"], "name": ["A", "B", "C"]})


def full() -> graphistry.Plottable:
    return (
        graphistry.edges(EDGES, "s", "d")
        .nodes(NODES, "n")
        .name("Fraud ring")
        .privacy(mode="public", invited_users=[{"email": "a@b.org", "action": "10"}])
    )


def test_str_is_a_short_summary() -> None:
    """``str(plan)`` lists the steps with table sizes and the name, one line each."""
    expected = "\n".join(
        [
            "PlotPlan 'Fraud ring': 4 steps",
            "  1. create dataset 'Fraud ring'",
            "  2. upload edges: 3 rows x 3 columns",
            "  3. upload nodes: 3 rows x 2 columns",
            "  4. share: mode=public",
        ]
    )
    assert expected == str(full().plan())


def test_stages_order_and_refs() -> None:
    """A plan is create, then the uploads (one stage: they may run concurrently), then the
    share; later steps name the dataset with ``Ref("dataset")``."""
    plan = full().plan()
    assert [[CreateDataset], [UploadTable, UploadTable], [Share]] == [
        [type(e) for e in stage] for stage in plan.stages
    ]
    assert ["edges", "nodes"] == [u.kind for u in plan.uploads()]
    assert [DATASET, DATASET, DATASET] == [e.dataset for e in plan.steps[1:]]  # type: ignore[union-attr]
    assert Ref("dataset") == DATASET
    edges_only = graphistry.edges(EDGES, "s", "d").plan()
    assert [[CreateDataset], [UploadTable]] == [[type(e) for e in s] for s in edges_only.stages]


def test_uploaded_tables_are_the_bound_tables() -> None:
    """The upload effects carry the bound Arrow tables (no copy made by planning)."""
    g = full()
    plan = g.plan()
    edges, nodes = plan.uploads()
    assert g.edges_table is edges.table
    assert g.nodes_table is nodes.table


def test_equality_and_hash() -> None:
    """Plans compare by content: equal plottables give equal, equally-hashed plans; any
    difference (a name, a table value, a URL setting, privacy) makes them unequal."""
    a, b = full().plan(), full().plan()
    assert a == b
    assert hash(a) == hash(b)
    assert a != full().name("other").plan()
    assert a != full().settings(url_params={"play": 0}).plan()
    assert a != full().privacy(mode="private").plan()
    changed = EDGES.copy()
    changed.loc[0, "w"] = 9.0
    assert a != graphistry.edges(changed, "s", "d").nodes(NODES, "n").name("Fraud ring").plan()
    assert hash(full()) == hash(full())
    assert {a, b} == {a}


def test_plan_holds_no_secrets_and_no_client() -> None:
    """A plan built under a client holds nothing of it: no token, server or org, in its
    fields, repr or str; running it on two clients gives each client's own server/org."""
    c1 = graphistry.DryRunClient(server="tenant-one.example", org_name="acme")
    plan = graphistry.client(c1).edges(EDGES, "s", "d").name("x").plan()
    text = repr(plan) + str(plan) + canonical_json(plan.create.body)
    for secret in ("tenant-one", "acme", "dry-run", "token", "password"):
        assert secret not in text
    assert ["stages", "url_params"] == [f.name for f in attrs.fields(PlotPlan)]
    r1 = c1.run(plan)
    r2 = graphistry.DryRunClient(server="other.example").run(plan)
    assert ("tenant-one.example", "acme") == (r1.server, r1.org_name)
    assert ("other.example", None) == (r2.server, r2.org_name)
    assert r1.dataset_id == r2.dataset_id


def test_plan_is_frozen_and_picklable() -> None:
    """Plans and effects are frozen; a plan survives pickling (e.g. to a worker process)."""
    plan = full().plan()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        plan.url_params = ()  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        plan.create.body = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.create.body["name"] = "x"  # type: ignore[index]
    assert plan == pickle.loads(pickle.dumps(plan))


def test_create_dataset_json_is_a_fresh_copy() -> None:
    """``CreateDataset.json()`` returns a mutable copy; changing it leaves the plan alone."""
    plan = full().plan()
    body = plan.create.json()
    body["name"] = "changed"
    body["node_encodings"]["bindings"]["node"] = "zzz"
    assert "Fraud ring" == plan.create.json()["name"]
    assert "n" == plan.create.json()["node_encodings"]["bindings"]["node"]


def test_upload_table_equality_and_repr() -> None:
    """UploadTable compares tables by content (any chunking) and its repr shows sizes only."""
    t = pa.table({"a": [1, 2, 3]})
    split = pa.concat_tables([t.slice(0, 1), t.slice(1)])
    assert UploadTable("ds", "edges", t) == UploadTable("ds", "edges", split)
    assert UploadTable("ds", "edges", t) != UploadTable("ds", "nodes", t)
    assert "UploadTable(dataset='ds', kind='edges', rows=3, columns=1)" == repr(UploadTable("ds", "edges", t))


def test_create_dataset_rejects_a_non_object_body() -> None:
    """A create-dataset body must be a JSON object."""
    with pytest.raises(TypeError):
        CreateDataset(["not", "an", "object"])  # type: ignore[arg-type]


def test_plot_result_fields() -> None:
    """PlotResult is a frozen record of dataset_id, url, server and org_name."""
    r = PlotResult(dataset_id="ds1", url="https://h/graph/graph.html?dataset=ds1", server="h")
    assert ["dataset_id", "url", "server", "org_name"] == [f.name for f in attrs.fields(PlotResult)]
    assert r.org_name is None
    assert r == PlotResult("ds1", "https://h/graph/graph.html?dataset=ds1", "h", None)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.url = "x"  # type: ignore[misc]
    result = graphistry.DryRunClient(org_name="acme").run(full().plan())
    assert f"dataset={result.dataset_id}" in result.url
    assert "acme" == result.org_name
    assert "dry-run.invalid" == result.server


def test_plan_without_a_create_step_has_no_name() -> None:
    """A hand-built plan without a create step has no name (LookupError)."""
    with pytest.raises(LookupError):
        PlotPlan(stages=()).name  # noqa: B018
