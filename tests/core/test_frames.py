"""Tables to Arrow (PROTOCOL.md 4.4): round trips keep rows, columns and types; the body is
the IPC *file* format; bound tables are safe against later mutation of the user's frame.
"""

from __future__ import annotations

import datetime
import gc

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphistry_fp as graphistry
from graphistry_fp import DryRunClient, PlanError
from graphistry_fp.core import to_frame
from graphistry_fp.effects.tables import table_digest, tables_equal, to_ipc_file
from tests.strategies import arrow_tables, mutations, pandas_frames, polars_frames


def round_trip(table: pa.Table) -> pa.Table:
    body = to_ipc_file(table)
    data = body.to_pybytes()
    assert b"ARROW1" == data[:6]
    assert b"ARROW1" == data[-6:]
    return pa.ipc.open_file(body).read_all()


def has_view_type(dtype: pa.DataType) -> bool:
    return "view" in str(dtype)


@given(pandas_frames())
def test_pandas_round_trip_keeps_rows_columns_and_types(generated: tuple[pd.DataFrame, dict[str, pa.DataType]]) -> None:
    """A generated pandas frame (ints, floats, bools, strings, datetimes, categoricals,
    nullable dtypes) survives to_frame -> IPC file -> open_file with its rows, column
    names, the Arrow types of PROTOCOL.md 4.4, its values, no index and no metadata."""
    df, expected_types = generated
    table = to_frame(df, "edges").table
    back = round_trip(table)
    assert len(df) == back.num_rows
    assert list(df.columns) == back.column_names
    assert expected_types == {f.name: f.type for f in back.schema}
    assert back.schema.metadata is None
    assert tables_equal(table, back)
    assert table_digest(table) == table_digest(back)
    for name in df.columns:
        assert int(df[name].isna().sum()) == back.column(name).null_count + (
            int(pa.compute.sum(pa.compute.is_nan(back.column(name))).as_py() or 0)
            if pa.types.is_floating(back.column(name).type)
            else 0
        )


@given(arrow_tables())
def test_arrow_tables_are_sent_as_is(table: pa.Table) -> None:
    """A pyarrow.Table (any chunking) round-trips unchanged, schema metadata kept."""
    table = table.replace_schema_metadata({"k": "v"})
    frame = to_frame(table, "edges")
    back = round_trip(frame.table)
    assert table.schema == back.schema
    assert {b"k": b"v"} == back.schema.metadata
    assert tables_equal(table, back)
    assert table_digest(table) == table_digest(back)


@given(polars_frames())
def test_polars_round_trip_has_no_view_types(generated: tuple[object, dict[str, pa.DataType]]) -> None:
    """A polars frame arrives with large_string (never string_view), also inside
    categoricals and lists, with its rows, columns and values, and no metadata at all."""
    frame, expected_types = generated
    table = to_frame(frame, "edges").table
    back = round_trip(table)
    assert frame.height == back.num_rows  # type: ignore[attr-defined]
    assert list(expected_types) == back.column_names
    assert expected_types == {f.name: f.type for f in back.schema}
    assert [] == [f.name for f in back.schema if has_view_type(f.type)]
    assert back.schema.metadata is None
    assert [] == [f.name for f in back.schema if f.metadata]
    assert tables_equal(table, back)
    # repr, so that a NaN matches a NaN
    assert repr(frame.to_dicts()) == repr(back.to_pylist())  # type: ignore[attr-defined]


def test_pandas_index_is_never_uploaded() -> None:
    """A named, non-default index is dropped (``preserve_index=False``)."""
    df = pd.DataFrame({"s": ["a"], "d": ["b"]}, index=pd.Index([7], name="idx"))
    assert ["s", "d"] == to_frame(df, "edges").table.column_names


def test_ipc_body_is_exact_size() -> None:
    """``to_ipc_file`` allocates exactly the body's size (one body of memory, no growth)."""
    table = pa.table({"a": np.arange(1000), "b": np.arange(1000).astype(str)})
    body = to_ipc_file(table)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    assert sink.getvalue().size == body.size
    assert sink.getvalue().to_pybytes() == body.to_pybytes()


def test_chunking_and_nan_do_not_change_equality_or_digest() -> None:
    """Equal tables compare equal and digest equally whatever their chunking, and a NaN
    equals a NaN (Arrow's own ``equals`` says NaN != NaN)."""
    t = pa.table({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "x": [1.0, float("nan"), None]})
    split = pa.concat_tables([t.slice(0, 1), t.slice(1)])
    rebuilt = pa.table({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "x": [1.0, float("nan"), None]})
    assert tables_equal(t, split)
    assert tables_equal(t, rebuilt)
    assert table_digest(t) == table_digest(split) == table_digest(rebuilt)
    other = pa.table({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "x": [1.0, 2.0, None]})
    assert not tables_equal(t, other)
    assert table_digest(t) != table_digest(other)
    plans = [graphistry.edges(x, "s", "d").plan() for x in (t, split, rebuilt)]
    assert plans[0] == plans[1] == plans[2]
    results = {DryRunClient().run(p) for p in plans}
    assert 1 == len(results)


# -- mutation safety -----------------------------------------------------------------------


def user_frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "s": [f"n{i}" for i in range(rows)],
            "d": [f"n{(i + 1) % rows}" for i in range(rows)],
            "w": np.arange(rows, dtype="float64"),
            "k": np.arange(rows, dtype="int64"),
        }
    )


@given(st.integers(1, 20), st.lists(mutations(), min_size=1, max_size=4), st.booleans())
def test_mutating_the_dataframe_after_binding_changes_nothing(
    rows: int, changes: list, drop_plottable: bool
) -> None:
    """After ``edges(df)``, mutating ``df`` in place (loc, iloc, setitem, +=, inplace
    fillna/sort/drop/rename/update/replace) leaves the plottable's table, its plan and its
    dry-run result exactly as they were before; also when only the plan and the table were
    kept and the plottable itself is gone."""
    df = user_frame(rows)
    pristine = df.copy(deep=True)
    g = graphistry.edges(df, "s", "d")
    plan, table = g.plan(), g.edges_table
    expected_table = pa.Table.from_pandas(pristine, preserve_index=False).replace_schema_metadata(None)
    expected_plan = graphistry.edges(pristine, "s", "d").plan()
    expected_result = DryRunClient().run(expected_plan)
    if drop_plottable:
        del g
        gc.collect()
    for change in changes:
        try:
            change(df)
        except KeyError:
            pass  # a column an earlier mutation dropped or renamed
    assert tables_equal(expected_table, table)
    assert expected_plan == plan
    assert expected_result == DryRunClient().run(plan)
    if not drop_plottable:
        assert tables_equal(expected_table, g.edges_table)
        assert expected_plan == g.plan()


def test_a_plan_outlives_its_plottable_safely() -> None:
    """A plan kept after its plottable is collected still holds the values bound: the
    copy-on-write guard lives as long as the Arrow buffers, not as long as the plottable."""
    df = pd.DataFrame(
        {
            "s": ["a", "b"],
            "d": ["b", "a"],
            "w": [1.0, 2.0],
            "c": pd.Categorical([1, 2]),
            "t": pd.to_datetime(["2020-01-01", None]),
            "i": pd.array([1, None], dtype="Int64"),
        }
    )
    expected = graphistry.edges(df.copy(deep=True), "s", "d").plan()
    plan = graphistry.edges(df, "s", "d").plan()
    table = graphistry.edges(df, "s", "d").edges_table
    gc.collect()
    df.loc[0, "w"] = 99.0
    df.loc[0, "i"] = 5
    df.loc[1, "t"] = pd.Timestamp("2001-01-01")
    df["w"] += 1
    assert expected == plan
    assert [1.0, 2.0] == table.column("w").to_pylist()
    assert [1, None] == table.column("i").to_pylist()


def test_mutating_nodes_after_binding_changes_nothing() -> None:
    """The same guard protects the nodes table."""
    edges = user_frame(3)
    nodes = pd.DataFrame({"n": ["n0", "n1", "n2"], "v": [1.0, 2.0, 3.0]})
    g = graphistry.edges(edges, "s", "d").nodes(nodes, "n")
    before = g.plan()
    nodes.loc[0, "v"] = 99.0
    nodes.iloc[1, 0] = "zz"
    nodes["v"] *= 2
    assert [1.0, 2.0, 3.0] == g.nodes_table.column("v").to_pylist()
    assert ["n0", "n1", "n2"] == g.nodes_table.column("n").to_pylist()
    assert before == g.plan()


def test_numeric_columns_bind_without_copying() -> None:
    """Convert-at-bind is zero-copy for numeric columns: the Arrow buffer is the pandas
    buffer (the guard, not a copy, is what keeps it immutable)."""
    df = user_frame(1000)
    table = graphistry.edges(df, "s", "d").edges_table
    arrow_address = table.column("w").chunks[0].buffers()[1].address
    assert df["w"].to_numpy().__array_interface__["data"][0] == arrow_address


def test_polars_frame_mutation_after_binding_changes_nothing() -> None:
    """A polars frame mutated in place after binding leaves the bound table unchanged."""
    import polars as pl

    frame = pl.DataFrame({"s": ["a", "b"], "d": ["b", "a"], "w": [1.0, 2.0]})
    g = graphistry.edges(frame, "s", "d")
    frame[0, "w"] = 50.0
    frame.insert_column(0, pl.Series("z", [1, 2]))
    assert [1.0, 2.0] == g.edges_table.column("w").to_pylist()
    assert ["s", "d", "w"] == g.edges_table.column_names


def test_chunks_with_different_dictionaries_can_be_uploaded() -> None:
    """A table concatenated from frames with different categories (one dictionary per
    chunk) is bound with one shared dictionary, so its IPC file body can be written: the
    file format allows one dictionary per field, and failing there would happen mid-upload."""
    parts = [
        pa.table({"s": ["a"], "d": ["b"], "c": pa.array(["x"]).dictionary_encode()}),
        pa.table({"s": ["b"], "d": ["a"], "c": pa.array(["y"]).dictionary_encode()}),
    ]
    table = pa.concat_tables(parts)
    bound = graphistry.edges(table, "s", "d").edges_table
    back = round_trip(bound)
    assert table.to_pylist() == back.to_pylist()
    assert table.schema == back.schema


@pytest.mark.parametrize(
    "values",
    [
        [datetime.datetime(2020, 1, 1), 0],
        [[datetime.datetime(2020, 1, 1), 0], [datetime.datetime(2020, 1, 2)]],
        [datetime.date(2020, 1, 1), 1.5],
        [datetime.timedelta(days=1), 7],
    ],
)
def test_numbers_mixed_with_dates_are_a_plan_error(values: list[object]) -> None:
    """Arrow reads a number beside dates as a time since 1970 (a silent wrong value, found
    by the hostile-table fuzz test): refused with a PlanError naming the column."""
    df = pd.DataFrame({"s": [1, 2], "d": [2, 1], "when": values})
    with pytest.raises(PlanError, match="column 'when' of the edges table mixes dates"):
        graphistry.edges(df, "s", "d")


def test_dates_with_missing_values_still_bind() -> None:
    """None and NaN beside dates are nulls, not numbers: the column binds as timestamps."""
    df = pd.DataFrame({"s": [1, 2, 3], "d": [2, 1, 1],
                       "when": [datetime.datetime(2020, 1, 1), None, float("nan")]})  # fmt: skip
    g = graphistry.edges(df, "s", "d")
    g.plan()  # validates
    assert [datetime.datetime(2020, 1, 1), None, None] == (
        g.edge_frame.in_memory("the test").column("when").to_pylist()
    )


_PLAIN_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float16", "float32", "float64", "bool", "str", "string"]  # fmt: skip


@given(
    st.lists(st.sampled_from(_PLAIN_DTYPES), min_size=1, max_size=5),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=2**32),
)
def test_plain_number_frames_convert_as_from_pandas_does(
    dtypes: list[str], rows: int, seed: int
) -> None:
    """Frames of plain numpy numbers and pandas strings take a column-by-column path (no
    pandas metadata work):
    its table equals pyarrow's ``Table.from_pandas`` (types, values, NaN as null), whatever
    the index."""
    rng = np.random.default_rng(seed)
    columns = {}
    for i, dtype in enumerate(dtypes):
        if dtype == "bool":
            values = rng.integers(0, 2, rows).astype(bool)
        elif dtype in ("str", "string"):  # pandas' default strings; the nullable flavour
            words = [None if x < 0.2 else f"w{x:.3f}" for x in rng.random(rows)]
            values = pd.array(words, dtype=dtype)
        elif dtype.startswith("float"):
            values = rng.normal(size=rows).astype(dtype)
            values[rng.random(rows) < 0.3] = np.nan
        else:
            info = np.iinfo(dtype)
            values = rng.integers(info.min, info.max, rows, dtype=dtype, endpoint=True)
        columns[f"c{i}"] = values
    df = pd.DataFrame(columns, index=rng.permutation(rows) + 7)
    expected = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    table = to_frame(df, "edges").table
    assert expected.schema == table.schema
    assert expected.equals(table)
    assert [c.null_count for c in expected.columns] == [c.null_count for c in table.columns]
