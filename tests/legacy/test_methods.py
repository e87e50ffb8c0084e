"""The legacy methods without a server: introspection attributes (copies, lazily computed,
cached per plottable and never carried by a chaining step), notebook iframe shaping,
``skip_upload``, settings methods and their refusals."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import graphistry_fp as graphistry
from graphistry_fp.core.bindings import KNOWN_BINDINGS
from graphistry_fp.effects import PlotPlan
from graphistry_fp.interpreters.render import render_result

EDGES = pd.DataFrame({"s": ["a", "b"], "d": ["b", "c"], "w": [1.0, 2.0]})
NODES = pd.DataFrame({"n": ["a", "b", "c"], "label": ["A", "B", "C"]})


def _g() -> Any:
    return graphistry.edges(EDGES, "s", "d").nodes(NODES, "n")


def test_tables_are_pandas_copies() -> None:
    """``_edges``/``_nodes`` are DataFrames equal to the bound tables; writing to one
    changes neither a second read nor the plan."""
    g = _g()
    plan = g.plan()
    edges = g._edges
    pd.testing.assert_frame_equal(EDGES, edges)
    edges.loc[0, "w"] = 99.0
    nodes = g._nodes
    nodes.loc[0, "label"] = "changed"
    assert [1.0, 2.0] == list(g._edges["w"])
    assert ["A", "B", "C"] == list(g._nodes["label"])
    assert plan == g.plan()
    assert graphistry.bind()._edges is None


def test_memo_is_per_plottable_and_not_copied_by_chaining() -> None:
    """The pandas view is computed once per plottable; a chaining step does not carry the
    parent's memo (so a child with new edges shows its own)."""
    g = _g()
    assert g._edges is not None
    assert "_memo" in g.__dict__
    other = pd.DataFrame({"s": ["x"], "d": ["y"]})
    child = g.bind(edge_title="w")
    assert "_memo" not in child.__dict__
    assert ["x"] == list(g.edges(other)._edges["s"])
    assert ["a", "b"] == list(child._edges["s"])


def test_every_binding_has_its_attribute() -> None:
    """``_source``, ``_point_title``... read each binding, ``None`` when unbound."""
    bound = {name: f"col_{name}" for name in KNOWN_BINDINGS}
    g = graphistry.bind(**bound)
    assert bound == {name: getattr(g, f"_{name}") for name in KNOWN_BINDINGS}
    assert {None} == {getattr(graphistry.bind(), f"_{name}") for name in KNOWN_BINDINGS}


def test_metadata_and_settings_attributes() -> None:
    """``_name``, ``_description``, ``_url_params``, ``_style`` (None until styled),
    ``_privacy``, ``_height`` and ``_complex_encodings`` in pygraphistry's shapes."""
    g = _g()
    assert (None, None, {"info": "true"}, None, None, 500) == (
        g._name, g._description, g._url_params, g._style, g._privacy, g._height
    )
    empty = {"current": {}, "default": {}}
    assert {"node_encodings": empty, "edge_encodings": empty} == g._complex_encodings
    h = (g.name("N").description("D").style(bg={"color": "red"}).settings(height=700)
         .privacy(mode="public").encode_point_color("label", categorical_mapping={"A": "red"}))  # fmt: skip
    assert ("N", "D", {"bg": {"color": "red"}}, 700) == (h._name, h._description, h._style, h._height)
    assert {"mode": "public", "notify": False, "invited_users": [], "message": "",
            "mode_action": "10"} == h._privacy  # fmt: skip
    color = h._complex_encodings["node_encodings"]["default"]["pointColorEncoding"]
    assert {"categorical": {"fixed": {"A": "red"}}} == color["mapping"]
    h._complex_encodings["node_encodings"]["default"].clear()
    assert "pointColorEncoding" in h._complex_encodings["node_encodings"]["default"]


def test_iframe_follows_height_extra_html_and_style() -> None:
    """In a notebook the viewer's iframe has settings(height=...)'s height, extra_html inside
    the tag, and override_html_style replacing the style, as pygraphistry shapes it."""
    client = graphistry.DryRunClient()
    g = _g().client(client).settings(height=800)
    shown = g.plot(render="ipython", extra_html='data-x="1"')._repr_html_()
    assert "height:800px" in shown
    assert 'data-x="1">' in shown
    styled = g.plot(render="ipython", override_html_style="width:50%")._repr_html_()
    assert 'style="width:50%"' in styled
    assert "height:800px" not in styled
    databricks = g.plot(render="databricks")
    assert databricks.startswith("<iframe") and "height:800px" in databricks


def test_render_setting_is_the_plot_default() -> None:
    """``settings(render="g")`` makes plot() return the uploaded plottable."""
    client = graphistry.DryRunClient()
    out = _g().client(client).settings(render="g").plot()
    assert out._dataset_id is not None
    assert isinstance(_g().client(client).plot(render="url"), str)


def test_skip_upload_returns_the_plan_and_sends_nothing() -> None:
    """``plot(skip_upload=True)`` performs nothing and returns the plan it would run."""
    client = graphistry.DryRunClient()
    plan = _g().client(client).plot(skip_upload=True)
    assert isinstance(plan, PlotPlan)
    assert plan == _g().plan()
    assert [] == client.performed


def test_plot_arguments_override_for_the_call_only() -> None:
    """plot(graph, nodes, name, description) plots those; the receiver keeps its own."""
    g = graphistry.bind(source="s", destination="d", node="n")
    plan = g.plot(EDGES, NODES, name="given", description="desc", skip_upload=True)
    assert ("given", "desc") == (plan.create.name, plan.create.json()["description"])
    assert [2, 3] == [u.num_rows for u in plan.uploads()]
    assert (None, None) == (g._edges, g._name)
    # nodes given to plot() only: pygraphistry infers no title from them
    assert {"node": "n"} == plan.create.json()["node_encodings"]["bindings"]


def test_arrow_nodes_get_no_automatic_title() -> None:
    """Nodes bound as a pyarrow Table (or any non-pandas table) get no automatic
    node_title, as in pygraphistry; pandas nodes do."""
    arrow = graphistry.edges(EDGES, "s", "d").nodes(pa.Table.from_pandas(NODES), "n")
    assert {"node": "n"} == arrow.plan().create.json()["node_encodings"]["bindings"]
    assert "label" == _g().plan().create.json()["node_encodings"]["bindings"]["node_title"]
    assert "label" == arrow.infer_labels()._point_title


def test_layout_and_scene_settings_are_url_settings() -> None:
    """layout_settings/scene_settings add pygraphistry's URL names, additively; no
    argument leaves the settings as they were."""
    g = graphistry.layout_settings(play=0, locked_r=True, edge_influence=2).scene_settings(
        show_arrows=False, point_size=1.5
    )
    assert {"info": "true", "play": "0", "lockedR": "True", "edgeInfluence": "2",
            "showArrows": "False", "pointSize": "1.5"} == g._url_params  # fmt: skip
    assert g == g.layout_settings().scene_settings()


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: graphistry.settings(height=[1]), ["height"]),
        (lambda: graphistry.settings(render="tv"), ["render"]),
        (lambda: graphistry.settings(validate="loose"), ["validate"]),
        (lambda: graphistry.collections([{"type": "set", "id": "a"}]), ["expr"]),
        (lambda: graphistry.collections([{"type": "union", "id": "a", "expr": []}]), ["type"]),
        (lambda: graphistry.collections(["a"]), ["dict"]),
        (lambda: graphistry.collections(show_collections="yes"), ["show_collections"]),
        (lambda: graphistry.encode_axis({"r": 1}), ["list of dicts"]),
        (lambda: graphistry.infer_labels(), ["nodes"]),
        (lambda: graphistry.edges(EDGES, "s", "d").materialize_nodes(engine="cudf"), ["engine"]),
        (lambda: graphistry.edges(EDGES, "s", "d").plot(render="tv"), ["render"]),
        (lambda: graphistry.edges(EDGES, "s", "d").hypergraph(return_as="x"), ["return_as"]),
    ],
)
def test_bad_input_is_a_plan_error(build: Any, words: list[str]) -> None:
    """Bad arguments to the legacy methods raise PlanError naming the problem, before I/O."""
    with pytest.raises(graphistry.PlanError) as info:
        build()
    for word in words:
        assert word in str(info.value)


def test_plot_networkx_needs_bindings() -> None:
    """``plot(G)`` without source/destination bound fails (pygraphistry fails too), and the
    message names both fixes."""
    nx = pytest.importorskip("networkx")
    with pytest.raises(graphistry.PlanError, match="from_networkx"):
        graphistry.bind().plot(nx.Graph([(1, 2)]))


def test_from_igraph_refuses_what_it_does_not_implement() -> None:
    """from_igraph on a plottable that already has tables, or with attribute subsets, raises
    PlanError naming the option, rather than merging differently from pygraphistry."""
    igraph = pytest.importorskip("igraph")
    ig = igraph.Graph([(0, 1)])
    with pytest.raises(graphistry.PlanError, match="merging into existing tables"):
        graphistry.edges(EDGES, "s", "d").from_igraph(ig)
    with pytest.raises(graphistry.PlanError, match="node_attributes"):
        graphistry.from_igraph(ig, node_attributes=["name"])
    g = graphistry.from_igraph(ig)
    assert (2, 1) == (len(g._nodes), len(g._edges))


def test_pipe_passes_arguments() -> None:
    """``pipe(f, *args, **kwargs)`` is ``f(g, *args, **kwargs)``."""
    g = graphistry.edges(EDGES, "s", "d")
    assert g.name("x") == g.pipe(lambda h, n, suffix="": h.name(n + suffix), "x")
    assert "xy" == g.pipe(lambda h, n, suffix="": h.name(n + suffix), "x", suffix="y")._name


def test_encode_axis_needs_no_degree_column() -> None:
    """encode_axis's ``degree`` attribute is computed by the viewer: plan() accepts it."""
    g = _g().encode_axis([{"r": 1, "label": "a"}])
    axis = g.plan().create.json()["node_encodings"]["complex"]["default"]["pointAxisEncoding"]
    assert [{"r": 1, "label": "a"}] == axis["rows"]


def test_render_result_without_iframe_keeps_the_default_markup() -> None:
    """The renderer called with no iframe shows the plain default iframe."""
    from graphistry_fp.effects import PlotResult

    shown = render_result(PlotResult("d", "http://h/x", "h"), "ipython")
    assert "<iframe" in shown._repr_html_()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"direct": True}, {"drop_na": False}, {"drop_edge_attrs": True},
     {"opts": {"CATEGORIES": {"x": ["user", "ip"]}}}],
)  # fmt: skip
def test_hypergraph_graph_binds_exactly_its_node_table(kwargs: dict[str, Any]) -> None:
    """The graph's bound node table (object columns rebuilt from Arrow-backed parts, not
    converted) has the same schema and values as converting the returned nodes DataFrame."""
    events = pd.DataFrame({"user": ["u1", None, "x", "u2"], "ip": ["x", "i2", None, "i2"],
                           "port": [1, 2, 3, 4]}).astype({"user": "str", "ip": "str"})  # fmt: skip
    h = graphistry.hypergraph(events, ["user", "ip", "port"], verbose=False, **kwargs)
    expected = pa.Table.from_pandas(h["nodes"], preserve_index=False).replace_schema_metadata(None)
    bound = h["graph"].nodes_table
    assert [str(t) for t in expected.schema.types] == [str(t) for t in bound.schema.types]
    assert expected.schema.names == bound.schema.names
    assert expected.to_pylist() == bound.to_pylist()
