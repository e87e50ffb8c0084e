"""Bad input (DESIGN.md 6): every case raises ``PlanError`` (also a ``ValueError``) before
any I/O, with a message naming the column, binding or value at fault.

One table of cases: a name, a thunk that builds and plans the bad plottable, and the
fragments the message must contain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import graphistry_fp as graphistry
from graphistry_fp import DryRunClient, PlanError

E = pd.DataFrame({"s": ["a", "b"], "d": ["b", "a"], "w": [1.0, 2.0]})
N = pd.DataFrame({"n": ["a", "b"], "t": ["x", "y"]})


def ok() -> Any:
    return graphistry.edges(E, "s", "d")


def with_column(frame: pd.DataFrame, name: str, values: list[Any]) -> pd.DataFrame:
    out = frame.copy()
    out[name] = pd.Series(values, dtype=object)
    return out


Thunk = Callable[[], Any]

CASES: list[tuple[str, Thunk, list[str]]] = [
    # -- edges that are not a table
    ("edges_list", lambda: graphistry.edges([("a", "b")], "s", "d").plan(), ["edges", "list"]),
    ("edges_string", lambda: graphistry.edges("edges.csv", "s", "d").plan(), ["edges", "str"]),
    ("edges_dict", lambda: graphistry.edges({"s": ["a"], "d": ["b"]}, "s", "d").plan(), ["edges", "dict"]),
    ("edges_none", lambda: graphistry.edges(None, "s", "d").plan(), ["edges", "NoneType"]),
    ("edges_series", lambda: graphistry.edges(pd.Series(["a", "b"]), "s", "d"), ["edges", "Series", "to_frame"]),
    ("nodes_list", lambda: ok().nodes([1, 2], "n").plan(), ["nodes", "list"]),
    ("no_edges_at_all", lambda: graphistry.bind(source="s").plan(), ["edges"]),
    # -- empty tables
    ("edges_no_rows", lambda: graphistry.edges(E.iloc[0:0], "s", "d").plan(), ["edges", "no rows"]),
    ("edges_no_columns", lambda: graphistry.edges(pd.DataFrame(index=[0, 1])).plan(), ["edges", "no columns"]),
    ("edges_arrow_no_columns", lambda: graphistry.edges(pa.table({})).plan(), ["edges", "no columns"]),
    ("nodes_no_rows", lambda: ok().nodes(N.iloc[0:0], "n").plan(), ["nodes", "no rows"]),
    # -- bindings
    ("source_unbound", lambda: graphistry.edges(E, destination="d").plan(), ["source", "not bound"]),
    ("destination_unbound", lambda: graphistry.edges(E, "s").plan(), ["destination", "not bound"]),
    ("source_missing_column", lambda: graphistry.edges(E, "src", "d").plan(), ["'src'", "source", "edges"]),
    ("edge_binding_missing_column", lambda: ok().bind(edge_title="nope").plan(), ["'nope'", "edge_title"]),
    ("edge_id_missing_column", lambda: graphistry.edges(E, "s", "d", "eid").plan(), ["'eid'", "edge="]),
    ("node_binding_missing_column", lambda: ok().nodes(N, "n").bind(point_title="nope").plan(),
     ["'nope'", "point_title", "nodes"]),
    ("node_id_missing_column", lambda: ok().nodes(N, "id").plan(), ["'id'", "node"]),
    ("node_binding_without_nodes", lambda: ok().bind(point_color="w").plan(), ["'w'", "point_color", "nodes"]),
    ("nodes_without_node_binding", lambda: ok().nodes(N).plan(), ["node"]),
    ("unknown_binding_name", lambda: ok().bind(point_colour="w"), ["point_colour"]),
    ("binding_not_a_string", lambda: ok().bind(edge_title=3), ["edge_title", "int"]),
    ("edges_source_not_a_string", lambda: graphistry.edges(E, 0, "d"), ["source", "int"]),
    # -- column names
    ("non_string_column_names", lambda: graphistry.edges(pd.DataFrame({0: ["a"], 1: ["b"]}), "0", "1"),
     ["not strings", "0"]),
    ("repeated_column_names_pandas",
     lambda: graphistry.edges(pd.DataFrame([["a", "b", 1]], columns=["s", "d", "s"]), "s", "d"), ["repeats", "'s'"]),
    ("repeated_column_names_arrow",
     lambda: graphistry.edges(pa.Table.from_arrays([pa.array(["a"]), pa.array(["b"]), pa.array([1])],
                                                   names=["s", "d", "d"]), "s", "d"), ["repeats", "'d'"]),
    # -- nulls in ids
    ("null_source", lambda: graphistry.edges(pd.DataFrame({"s": ["a", None], "d": ["b", "a"]}), "s", "d").plan(),
     ["'s'", "source", "1 null"]),
    ("nan_destination_float", lambda: graphistry.edges(pd.DataFrame({"s": [1.0, 2.0], "d": [2.0, np.nan]}), "s", "d").plan(),
     ["'d'", "destination"]),
    ("nan_destination_arrow",
     lambda: graphistry.edges(pa.table({"s": [1.0, 2.0], "d": [2.0, float("nan")]}), "s", "d").plan(),
     ["'d'", "destination", "NaN"]),
    ("null_node_id", lambda: ok().nodes(pd.DataFrame({"n": ["a", None]}), "n").plan(), ["'n'", "node"]),
    # -- columns Arrow cannot encode
    ("mixed_type_object_column", lambda: graphistry.edges(with_column(E, "m", [1, "x"]), "s", "d"),
     ["'m'", "astype(str)"]),
    ("nested_clashing_shapes", lambda: graphistry.edges(with_column(E, "m", [[1, 2], {"a": 1}]), "s", "d"),
     ["'m'", "astype(str)"]),
    ("complex_numbers", lambda: graphistry.edges(with_column(E, "z", [1 + 2j, 3j]).astype({"z": complex}), "s", "d"),
     ["'z'", "astype(str)"]),
    # -- encodings
    ("palette_without_kind", lambda: ok().encode_edge_color("w", palette=["red"]), ["'w'", "as_categorical", "as_continuous"]),
    ("palette_not_a_list", lambda: ok().encode_edge_color("w", palette="red", as_continuous=True), ["palette"]),
    ("unknown_badge_position", lambda: ok().encode_edge_badge("w", "Middle", categorical_mapping={1: "a"}),
     ["'Middle'", "TopRight"]),
    ("mapping_not_a_dict", lambda: ok().encode_edge_color("w", categorical_mapping=[("a", "red")]),
     ["'w'", "categorical_mapping", "list"]),
    ("mapping_nan_value", lambda: ok().encode_edge_size("w", categorical_mapping={"a": float("nan")}), ["nan"]),
    ("mapping_nan_key", lambda: ok().encode_edge_size("w", categorical_mapping={float("nan"): 1}), ["nan"]),
    ("mapping_callable_value", lambda: ok().encode_edge_color("w", categorical_mapping={"a": print}), ["builtin_function"]),
    ("mapping_colliding_keys", lambda: ok().encode_edge_color("w", categorical_mapping={1: "a", "1": "b"}),
     ["1", "'1'", "JSON key"]),
    ("default_mapping_nan", lambda: ok().encode_edge_size("w", categorical_mapping={"a": 1}, default_mapping=float("inf")),
     ["inf"]),
    ("comparator_callable", lambda: ok().encode_edge_icon("w", continuous_binning=[[1, "a"]], comparator=min),
     ["comparator", "'<'"]),
    ("bins_not_pairs", lambda: ok().encode_edge_icon("w", continuous_binning=[[1, "a"], 5]), ["continuous_binning", "5"]),
    ("bins_a_string", lambda: ok().encode_edge_icon("w", continuous_binning="ab"), ["continuous_binning"]),
    ("encoding_missing_edge_column", lambda: ok().encode_edge_color("nope", palette=["red"], as_categorical=True).plan(),
     ["'nope'", "edgeColorEncoding"]),
    ("encoding_missing_node_column",
     lambda: ok().nodes(N, "n").encode_point_size("nope", categorical_mapping={"a": 1}).plan(),
     ["'nope'", "pointSizeEncoding", "nodes"]),
    ("title_with_mapping", lambda: ok().encode_edge_title("w", categorical_mapping={"a": "b"}), ["edge_title"]),
    # -- settings, style, privacy
    ("url_params_not_a_dict", lambda: ok().settings(url_params=[("play", 0)]), ["url_params", "list"]),
    ("url_params_unknown_key", lambda: ok().settings(url_params={"workbook": "w"}), ["'workbook'"]),
    ("url_params_bad_value", lambda: ok().settings(url_params={"play": [1]}), ["list"]),
    ("style_not_a_dict", lambda: ok().style(bg="black"), ["bg", "'black'"]),
    ("privacy_bad_mode", lambda: ok().privacy(mode="friends"), ["'friends'", "private"]),
    ("privacy_bad_mode_action", lambda: ok().privacy(mode_action="30"), ["'30'", "mode_action"]),
    ("privacy_notify_not_a_bool", lambda: ok().privacy(notify="no"), ["notify", "'no'"]),
    ("privacy_users_a_string", lambda: ok().privacy(invited_users="a@b.org"), ["invited_users"]),
    ("privacy_users_a_bool", lambda: ok().privacy(invited_users=True), ["invited_users"]),
    ("name_not_a_string", lambda: ok().name(3), ["name", "int"]),
]  # fmt: skip


@pytest.mark.parametrize(("thunk", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_plan_error(thunk: Thunk, fragments: list[str]) -> None:
    """The case raises PlanError, which is also a ValueError, naming what is at fault."""
    with pytest.raises(PlanError) as info:
        thunk()
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert [] == [f for f in fragments if f not in message], message


def test_every_design_case_is_in_the_table() -> None:
    """The table covers at least the categories DESIGN.md 6 lists (a guard against
    silently dropping a row)."""
    names = {c[0] for c in CASES}
    required = {
        "edges_list", "edges_string", "edges_no_rows", "edges_no_columns", "source_unbound",
        "destination_unbound", "edge_binding_missing_column", "node_binding_missing_column",
        "non_string_column_names", "repeated_column_names_pandas", "repeated_column_names_arrow",
        "null_source", "null_node_id", "nodes_without_node_binding", "mixed_type_object_column",
        "nested_clashing_shapes", "complex_numbers", "palette_without_kind", "unknown_badge_position",
        "mapping_not_a_dict", "url_params_not_a_dict", "url_params_unknown_key", "privacy_bad_mode",
        "privacy_bad_mode_action", "unknown_binding_name", "mapping_nan_value", "mapping_callable_value",
    }  # fmt: skip
    assert set() == required - names


@pytest.mark.parametrize(
    "thunk",
    [c[1] for c in CASES if c[0] in {"null_source", "edges_no_rows", "encoding_missing_node_column",
                                      "nodes_without_node_binding", "source_missing_column"}],
)  # fmt: skip
def test_plan_raises_before_any_io(thunk: Thunk) -> None:
    """A plottable that fails to plan never reaches a client: a DryRunClient asked to run
    it through ``plot()`` records nothing."""
    client = DryRunClient()
    with graphistry.using(client), pytest.raises(PlanError):
        thunk()
    assert [] == client.performed


def test_plot_with_bad_input_performs_nothing() -> None:
    """``plot()`` plans before it runs: bad bindings leave the client's log empty."""
    client = DryRunClient()
    g = graphistry.client(client).edges(E, "s", "missing")
    with pytest.raises(PlanError):
        g.plot(render="url")
    assert [] == client.performed


def test_complex_numbers_message_suggests_astype_str() -> None:
    """The complex-number message names the column and the ``.astype(str)`` fix."""
    df = with_column(E, "z", [1 + 2j, 3j]).astype({"z": complex})
    with pytest.raises(PlanError, match=r"column 'z' of the edges table.*df\['z'\]\.astype\(str\)"):
        graphistry.edges(df, "s", "d")
