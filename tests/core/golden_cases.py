"""The golden chains: each builds a plottable from a module (``graphistry_fp`` or the real
``graphistry``) and names the create-dataset JSON it must produce.

Shared by ``test_golden.py`` (our JSON equals the literal) and ``test_pygraphistry_parity.py``
(pygraphistry 0.61.2 builds the same ``node_encodings``/``edge_encodings`` for the same
chain), so the literals here are what pygraphistry sends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pandas as pd
import pyarrow as pa

EDGES = pd.DataFrame(
    {
        "s": ["a", "b", "c"],
        "d": ["b", "c", "a"],
        "w": [1.0, 2.0, 3.0],
        "t": ["x", "y", "x"],
        "c": [5, 15, 25],
        "eid": [1, 2, 3],
        "i": ["laptop", "car", "flag"],
        "rgba": [0xFF0000FF, 0x00FF00FF, 0x0000FFFF],
    }
)

#: nodes with a ``name`` column: the automatic title picks it.
NODES = pd.DataFrame(
    {
        "n": ["a", "b", "c"],
        "t": ["x", "y", "x"],
        "name": ["A", "B", "C"],
        "c": [1, 20, 3],
        "i": ["laptop", "car", "flag"],
        "x": [0.0, 1.0, 2.0],
        "y": [2.0, 1.0, 0.0],
    }
)

#: nodes with nothing label-like: the automatic title falls back to the node id.
NODES_PLAIN = NODES.drop(columns=["name"])

UNTITLED = "<untitled>"


def _networkx() -> Any:
    import networkx as nx

    G = nx.DiGraph()
    G.add_nodes_from([(1, {"label": "one"}), (2, {"label": "two"}), (3, {})])
    G.add_edges_from([(1, 2, {"w": 1.0}), (2, 1, {})])
    return G


def _e(m: Any) -> Any:
    return m.edges(EDGES, "s", "d")


def _en(m: Any, nodes: pd.DataFrame = NODES) -> Any:
    return m.edges(EDGES, "s", "d").nodes(nodes, "n")


@attrs.frozen
class Case:
    """One golden chain: ``build(module)`` and the ``node_encodings``/``edge_encodings``,
    style part of ``metadata``, ``name`` and ``description`` it must send."""

    id: str
    build: Callable[[Any], Any]
    node_encodings: dict[str, Any]
    edge_encodings: dict[str, Any]
    style: dict[str, Any] = attrs.field(factory=dict)
    name: str = UNTITLED
    description: str = ""
    #: False when the tables depend on the process's hash seed: pygraphistry 0.61.2 orders
    #: hypergraph edge columns through a set, and we match it (within one process).
    same_in_any_process: bool = True


EB = {"source": "s", "destination": "d"}
NB = {"node": "n", "node_title": "name"}

CASES = [
    Case(
        "protocol_6_3_full_example",
        lambda m: _en(m)
        .bind(edge_title="w")
        .encode_point_color("t", categorical_mapping={"x": "red", "y": "blue"}, default_mapping="gray")
        .encode_edge_color("w", palette=["blue", "red"], as_continuous=True)
        .encode_point_icon("t", categorical_mapping={"x": "laptop"}, default_mapping="question")
        .encode_point_badge("t", "TopRight", categorical_mapping={"x": "flag"})
        .encode_point_size("t", categorical_mapping={"x": 10}, default_mapping=5),
        {"bindings": {"node": "n", "node_title": "name"},
         "complex": {"default": {
             "pointColorEncoding": {"graphType": "point", "encodingType": "color", "attribute": "t", "variation": "categorical",
                                    "mapping": {"categorical": {"fixed": {"x": "red", "y": "blue"}, "other": "gray"}}},
             "pointIconEncoding": {"graphType": "point", "encodingType": "icon", "attribute": "t", "variation": "categorical",
                                   "mapping": {"categorical": {"fixed": {"x": "laptop"}, "other": "question"}}, "asText": False},
             "pointBadgeTopRightEncoding": {"graphType": "point", "encodingType": "badgeTopRight", "attribute": "t", "variation": "categorical",
                                            "mapping": {"categorical": {"fixed": {"x": "flag"}}}},
             "pointSizeEncoding": {"graphType": "point", "encodingType": "size", "attribute": "t", "variation": "categorical",
                                   "mapping": {"categorical": {"fixed": {"x": 10}, "other": 5}}}}}},
        {"bindings": {"source": "s", "destination": "d", "edge_title": "w"},
         "complex": {"default": {"edgeColorEncoding": {"graphType": "edge", "encodingType": "color", "attribute": "w",
                                                       "variation": "continuous", "colors": ["blue", "red"]}}}},
    ),
    Case("edges_only", _e, {"bindings": {}}, {"bindings": EB}),
    Case(
        "edge_id_binding_is_not_sent",
        lambda m: m.edges(EDGES, "s", "d", "eid"),
        {"bindings": {}},
        {"bindings": EB},
    ),
    Case(
        "node_binding_without_nodes_table_is_sent",
        lambda m: _e(m).bind(node="s"),
        {"bindings": {"node": "s"}},
        {"bindings": EB},
    ),
    Case(
        "palette_categorical_on_nodes",
        lambda m: _en(m).encode_point_color("t", palette=["#000", "red"], as_categorical=True),
        {"bindings": NB, "complex": {"default": {"pointColorEncoding": {
            "graphType": "point", "encodingType": "color", "attribute": "t", "variation": "categorical", "colors": ["#000", "red"]}}}},
        {"bindings": EB},
    ),
    Case(
        "palette_continuous_on_edges_as_categorical_false",
        lambda m: _e(m).encode_edge_color("w", palette=["blue", "yellow", "red"], as_categorical=False),
        {"bindings": {}},
        {"bindings": EB, "complex": {"default": {"edgeColorEncoding": {
            "graphType": "edge", "encodingType": "color", "attribute": "w", "variation": "continuous",
            "colors": ["blue", "yellow", "red"]}}}},
    ),
    Case(
        "categorical_mapping_with_default_and_int_keys",
        lambda m: _en(m)
        .encode_edge_color("t", categorical_mapping={"x": "red", "y": "blue"}, default_mapping="gray")
        .encode_point_size("c", categorical_mapping={1: 2.0, 20: 4.5}),
        {"bindings": NB, "complex": {"default": {"pointSizeEncoding": {
            "graphType": "point", "encodingType": "size", "attribute": "c", "variation": "categorical",
            "mapping": {"categorical": {"fixed": {"1": 2.0, "20": 4.5}}}}}}},
        {"bindings": EB, "complex": {"default": {"edgeColorEncoding": {
            "graphType": "edge", "encodingType": "color", "attribute": "t", "variation": "categorical",
            "mapping": {"categorical": {"fixed": {"x": "red", "y": "blue"}, "other": "gray"}}}}}},
    ),
    Case(
        "sizes_weights_opacities",
        lambda m: _en(m)
        .encode_edge_size("t", categorical_mapping={"x": 3}, default_mapping=1)
        .encode_edge_weight("t", categorical_mapping={"y": 2})
        .encode_edge_opacity("t", categorical_mapping={"x": 0.5}, default_mapping=1.0)
        .encode_point_opacity("t", categorical_mapping={"x": 0.25}),
        {"bindings": NB, "complex": {"default": {"pointOpacityEncoding": {
            "graphType": "point", "encodingType": "opacity", "attribute": "t", "variation": "categorical",
            "mapping": {"categorical": {"fixed": {"x": 0.25}}}}}}},
        {"bindings": EB, "complex": {"default": {
            "edgeSizeEncoding": {"graphType": "edge", "encodingType": "size", "attribute": "t", "variation": "categorical",
                                 "mapping": {"categorical": {"fixed": {"x": 3}, "other": 1}}},
            "edgeWeightEncoding": {"graphType": "edge", "encodingType": "weight", "attribute": "t", "variation": "categorical",
                                   "mapping": {"categorical": {"fixed": {"y": 2}}}},
            "edgeOpacityEncoding": {"graphType": "edge", "encodingType": "opacity", "attribute": "t", "variation": "categorical",
                                    "mapping": {"categorical": {"fixed": {"x": 0.5}, "other": 1.0}}}}}},
    ),
    Case(
        "continuous_icon_bins_with_decorations",
        lambda m: _en(m).encode_point_icon(
            "c", continuous_binning=[[10, "a"], [None, "b"]], comparator="<=", as_text=True,
            blend_mode="multiply", style={"opacity": 0.5},
            border={"width": 2, "color": "red", "stroke": "solid"}, shape="circle",
        ),
        {"bindings": NB, "complex": {"default": {"pointIconEncoding": {
            "graphType": "point", "encodingType": "icon", "attribute": "c", "variation": "continuous",
            "mapping": {"continuous": {"bins": [[10, "a"], [None, "b"]], "comparator": "<="}}, "asText": True,
            "blendMode": "multiply", "style": {"opacity": 0.5},
            "border": {"width": 2, "color": "red", "stroke": "solid"}, "shape": "circle"}}}},
        {"bindings": EB},
    ),
    Case(
        "edge_icon_bins_with_default_and_categorical_icon",
        lambda m: _e(m).encode_edge_icon(
            "c", continuous_binning=[[10, "a"], [20, "b"]], default_mapping="z", comparator="<"
        ),
        {"bindings": {}},
        {"bindings": EB, "complex": {"default": {"edgeIconEncoding": {
            "graphType": "edge", "encodingType": "icon", "attribute": "c", "variation": "continuous",
            "mapping": {"continuous": {"bins": [[10, "a"], [20, "b"]], "comparator": "<", "other": "z"}},
            "asText": False}}}},
    ),
    Case(
        "badges_at_several_positions",
        lambda m: _en(m)
        .encode_point_badge("t", "TopLeft", categorical_mapping={"x": "flag"}, color="red", bg="white", fg="black")
        .encode_point_badge("i", "Cover")
        .encode_edge_badge("c", "Bottom", continuous_binning=[[10, "lo"], [None, "hi"]], as_text=True)
        .encode_edge_badge("t", position="Right", categorical_mapping={"y": "car"}, default_mapping="q", shape="none"),
        {"bindings": NB, "complex": {"default": {
            "pointBadgeTopLeftEncoding": {"graphType": "point", "encodingType": "badgeTopLeft", "attribute": "t",
                                          "variation": "categorical", "mapping": {"categorical": {"fixed": {"x": "flag"}}},
                                          "bg": "white", "color": "red", "fg": "black"},
            "pointBadgeCoverEncoding": {"graphType": "point", "encodingType": "badgeCover", "attribute": "i",
                                        "variation": "categorical"}}}},
        {"bindings": EB, "complex": {"default": {
            "edgeBadgeBottomEncoding": {"graphType": "edge", "encodingType": "badgeBottom", "attribute": "c",
                                        "variation": "continuous",
                                        "mapping": {"continuous": {"bins": [[10, "lo"], [None, "hi"]]}}, "asText": True},
            "edgeBadgeRightEncoding": {"graphType": "edge", "encodingType": "badgeRight", "attribute": "t",
                                       "variation": "categorical",
                                       "mapping": {"categorical": {"fixed": {"y": "car"}, "other": "q"}}, "shape": "none"}}}},
    ),
    Case(
        "for_current_and_for_default",
        lambda m: _en(m)
        .encode_point_color("t", palette=["red"], as_categorical=True, for_current=True)
        .encode_edge_color("w", palette=["blue"], as_continuous=True, for_default=False, for_current=True),
        {"bindings": NB, "complex": {
            "default": {"pointColorEncoding": {"graphType": "point", "encodingType": "color", "attribute": "t",
                                               "variation": "categorical", "colors": ["red"]}},
            "current": {"pointColorEncoding": {"graphType": "point", "encodingType": "color", "attribute": "t",
                                               "variation": "categorical", "colors": ["red"]}}}},
        {"bindings": EB, "complex": {"current": {"edgeColorEncoding": {
            "graphType": "edge", "encodingType": "color", "attribute": "w", "variation": "continuous", "colors": ["blue"]}}}},
    ),
    Case(
        "encode_without_mapping_is_a_simple_binding",
        lambda m: _en(m)
        .encode_point_color("c")
        .encode_point_size("c")
        .encode_point_icon("i", as_text=True)
        .encode_point_opacity("x")
        .encode_point_title("t")
        .encode_point_label("name")
        .encode_edge_color("rgba")
        .encode_edge_size("w")
        .encode_edge_weight("w")
        .encode_edge_opacity("w")
        .encode_edge_icon("i")
        .encode_edge_title("t")
        .encode_edge_label("i"),
        {"bindings": {"node": "n", "node_color": "c", "node_label": "name", "node_opacity": "x", "node_size": "c",
                      "node_title": "t", "node_icon": "i"}},
        {"bindings": {**EB, "edge_color": "rgba", "edge_label": "i", "edge_opacity": "w", "edge_size": "w",
                      "edge_title": "t", "edge_weight": "w", "edge_icon": "i"}},
    ),
    Case(
        "point_bindings_are_sent_as_node_bindings",
        lambda m: _en(m).bind(
            point_color="c", point_label="t", point_opacity="x", point_size="c", point_title="name",
            point_weight="c", point_icon="i", point_x="x", point_y="y", point_longitude="x", point_latitude="y",
        ),
        {"bindings": {"node": "n", "node_color": "c", "node_label": "t", "node_opacity": "x", "node_size": "c",
                      "node_title": "name", "node_weight": "c", "node_icon": "i", "node_x": "x", "node_y": "y",
                      "node_longitude": "x", "node_latitude": "y"}},
        {"bindings": EB},
    ),
    Case(
        "every_edge_binding",
        lambda m: _e(m).bind(
            edge_color="rgba", edge_source_color="rgba", edge_destination_color="rgba", edge_label="t",
            edge_opacity="w", edge_size="w", edge_title="t", edge_weight="w", edge_icon="i", edge="eid",
        ),
        {"bindings": {}},
        {"bindings": {**EB, "edge_color": "rgba", "edge_source_color": "rgba", "edge_destination_color": "rgba",
                      "edge_label": "t", "edge_opacity": "w", "edge_size": "w", "edge_title": "t",
                      "edge_weight": "w", "edge_icon": "i"}},
    ),
    Case(
        "auto_title_exact_name_in_priority_order",
        lambda m: _en(m, NODES.rename(columns={"t": "Label"})),
        {"bindings": {"node": "n", "node_title": "Label"}},
        {"bindings": EB},
    ),
    Case(
        "auto_title_substring",
        lambda m: _en(m, NODES_PLAIN.rename(columns={"t": "my_title_col"})),
        {"bindings": {"node": "n", "node_title": "my_title_col"}},
        {"bindings": EB},
    ),
    Case(
        "auto_title_falls_back_to_node_id",
        lambda m: _en(m, NODES_PLAIN),
        {"bindings": {"node": "n", "node_title": "n"}},
        {"bindings": EB},
    ),
    Case(
        "no_auto_title_when_point_title_bound",
        lambda m: _en(m).bind(point_title="t"),
        {"bindings": {"node": "n", "node_title": "t"}},
        {"bindings": EB},
    ),
    Case(
        "no_auto_title_when_point_label_bound",
        lambda m: _en(m).bind(point_label="t"),
        {"bindings": {"node": "n", "node_label": "t"}},
        {"bindings": EB},
    ),
    Case(
        "style_and_addStyle_into_metadata",
        lambda m: _e(m)
        .style(bg={"color": "red"}, logo={"url": "http://l.png"})
        .style(bg={"color": "black"})
        .addStyle(bg={"image": {"url": "http://w.png"}}, fg={"blendMode": "screen"})
        .addStyle(page={"title": "T"}),
        {"bindings": {}},
        {"bindings": EB},
        style={"bg": {"color": "black", "image": {"url": "http://w.png"}}, "fg": {"blendMode": "screen"},
               "logo": {"url": "http://l.png"}, "page": {"title": "T"}},
    ),
    Case(
        "name_and_description",
        lambda m: _e(m).name("My viz").description("desc here").name("Fraud ring"),
        {"bindings": {}},
        {"bindings": EB},
        name="Fraud ring",
        description="desc here",
    ),
    Case(
        "privacy_and_url_settings_are_not_in_the_body",
        lambda m: _e(m).privacy(mode="public").settings(url_params={"play": 0}).name("P"),
        {"bindings": {}},
        {"bindings": EB},
        name="P",
    ),
    # -- the rest of pygraphistry's upload-and-view surface (issue 13) ---------------------
    Case(
        "encode_axis_rows",
        lambda m: _en(m).encode_axis([{"r": 14, "external": True, "label": "outer"}, {"r": 2, "space": True}]),
        {"bindings": NB, "complex": {"default": {"pointAxisEncoding": {
            "graphType": "point", "encodingType": "axis", "variation": "categorical", "attribute": "degree",
            "rows": [{"r": 14, "external": True, "label": "outer"}, {"r": 2, "space": True}]}}}},
        {"bindings": EB},
    ),
    Case(
        "infer_labels_falls_back_to_node_id",
        lambda m: _en(m, NODES_PLAIN).infer_labels(),
        {"bindings": {"node": "n", "node_title": "n"}},
        {"bindings": EB},
    ),
    Case(
        "arrow_nodes_get_no_automatic_title",
        lambda m: m.edges(pa.Table.from_pandas(EDGES), "s", "d").nodes(pa.Table.from_pandas(NODES), "n"),
        {"bindings": {"node": "n"}},
        {"bindings": EB},
    ),
    Case(
        "viewer_settings_are_not_in_the_body",
        lambda m: _e(m)
        .layout_settings(play=0, locked_r=True)
        .scene_settings(show_arrows=False, edge_curvature=0.0)
        .collections({"type": "set", "id": "c", "expr": [{"type": "Node", "filter_dict": {"t": "x"}}]})
        .settings(height=600, url_params={"pointSize": 2})
        .pipe(lambda g, n: g.name(n), "piped"),
        {"bindings": {}},
        {"bindings": EB},
        name="piped",
    ),
    Case(
        "materialize_nodes_titles_by_id",
        lambda m: _e(m).materialize_nodes(),
        {"bindings": {"node": "id", "node_title": "id"}},
        {"bindings": EB},
    ),
    Case(
        "from_networkx_with_bindings",
        lambda m: m.bind(source="a", destination="b").from_networkx(_networkx()),
        {"bindings": {"node": "n", "node_title": "label"}},
        {"bindings": {"source": "a", "destination": "b"}},
    ),
    Case(
        "hypergraph_graph",
        lambda m: m.hypergraph(EDGES[["s", "t"]], ["s", "t"], verbose=False)["graph"],
        {"bindings": {"node": "nodeID", "node_title": "nodeTitle"}},
        {"bindings": {"source": "attribID", "destination": "EventID"}},
        same_in_any_process=False,
    ),
    Case(
        "hypergraph_direct_method",
        lambda m: m.bind().hypergraph(EDGES[["s", "t"]], entity_types=["s", "t"], direct=True, verbose=False),
        {"bindings": {"node": "nodeID", "node_title": "nodeTitle"}},
        {"bindings": {"source": "src", "destination": "dst"}},
        same_in_any_process=False,
    ),
]
