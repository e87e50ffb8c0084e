"""hypergraph() equals pygraphistry 0.61.2's pandas engine, table for table.

Each case runs pygraphistry's own ``graphistry.hypergraph(..., engine='pandas')`` in-process
(it does no network I/O) and ours on the same input, and compares every returned table
exactly: column names and order, dtypes, index, values and nulls; and the graph bindings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphistry_fp.core.hypergraph import hypergraph
from graphistry_fp.errors import PlanError

from ._hyper_compare import assert_same, theirs

EVENTS = pd.DataFrame(
    {
        "user": ["alice", "bob", None, "alice", "carol"],
        "ip": ["1.1.1.1", "2.2.2.2", "1.1.1.1", None, "alice"],
        "port": [80, 443, 80, 22, 80],
        "score": [1.5, np.nan, -0.0, 0.0, 2.0],
        "ok": [True, False, True, True, False],
    }
)

CASES: dict[str, dict[str, Any]] = {
    "defaults": {},
    "entity types": {"entity_types": ["user", "ip"]},
    "drop_na=False": {"drop_na": False},
    "drop_edge_attrs": {"drop_edge_attrs": True},
    "direct": {"direct": True},
    "direct drop_na=False": {"direct": True, "drop_na": False},
    "direct drop_edge_attrs": {"direct": True, "drop_edge_attrs": True},
    "direct one entity type": {"direct": True, "entity_types": ["user"]},
    "categories": {"opts": {"CATEGORIES": {"who": ["user", "ip"]}}},
    "categories direct": {"direct": True, "opts": {"CATEGORIES": {"who": ["user", "ip"]}}},
    "edges": {"direct": True, "opts": {"EDGES": {"user": ["ip", "port"], "port": ["ok"]}}},
    "edges and categories": {
        "direct": True,
        "drop_na": False,
        "opts": {"EDGES": {"ip": ["user"]}, "CATEGORIES": {"n": ["ip", "user"]}},
    },
    "skip": {"opts": {"SKIP": ["score", "ok"]}},
    "renamed columns": {
        "opts": {
            "TITLE": "t",
            "DELIM": "/",
            "NODEID": "id",
            "ATTRIBID": "a",
            "EVENTID": "e",
            "EVENTTYPE": "ev",
            "CATEGORY": "c",
            "NODETYPE": "nt",
            "EDGETYPE": "et",
            "NULLVAL": "NULL",
        },
        "drop_na": False,
    },
    "renamed direct ends": {"direct": True, "opts": {"SOURCE": "from", "DESTINATION": "to"}},
    "event id column": {"opts": {"EVENTID": "port"}},
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_tables_equal_pygraphistrys(case: str) -> None:
    """Every case of the issue (nulls, numbers, duplicate values across columns, opts,
    direct, drop_na=False, drop_edge_attrs) gives pygraphistry's tables exactly."""
    assert_same(EVENTS, **CASES[case])


def test_duplicate_values_across_columns_are_distinct_entities() -> None:
    """The same value in two columns makes two entities; with CATEGORIES joining the
    columns, one (the first column's), as in pygraphistry."""
    df = pd.DataFrame({"a": ["x", "y"], "b": ["x", "z"]})
    plain = assert_same(df)
    assert ["a::x", "a::y", "b::x", "b::z"] == list(plain.entities["nodeID"])
    joined = assert_same(df, opts={"CATEGORIES": {"v": ["a", "b"]}})
    assert ["v::x", "v::y", "v::z"] == list(joined.entities["nodeID"])


def test_values_that_hash_equal_but_print_differently() -> None:
    """-0.0 and 0.0, and 1 / '1' / 1.0 / True in an object column, are formatted one row
    at a time, as pygraphistry formats them (one entity, several edge ids)."""
    df = pd.DataFrame(
        {
            "f": [0.0, -0.0, 1.0, 0.0],
            "o": pd.Series([1, "1", 1.0, True], dtype=object),
        }
    )
    result = assert_same(df)
    assert ["f::0.0", "f::-0.0", "f::1.0", "f::0.0"] == list(result.edges["attribID"][:4])
    assert_same(df, drop_na=False, direct=True)


def test_columns_named_like_generated_ones() -> None:
    """Event columns named ``type``, ``category`` and ``edgeType`` (common in event logs)
    give pygraphistry's tables, including where it overwrites them."""
    df = pd.DataFrame(
        {
            "type": ["login", "logout", "login"],
            "category": ["auth", "auth", None],
            "edgeType": ["u", "v", "u"],
            "when": pd.to_datetime(["2020-01-01", None, "2020-01-02 10:00"], format="ISO8601"),
        }
    )
    for kwargs in (
        {},
        {"drop_na": False},
        {"direct": True},
        {"opts": {"CATEGORIES": {"k": ["type", "category"]}}},
        {"opts": {"CATEGORIES": {"k": ["type", "category"]}}, "direct": True},
    ):
        assert_same(df, **kwargs)


def test_other_dtypes() -> None:
    """Categorical, nullable integer, int32, datetime, timedelta and string columns."""
    df = pd.DataFrame(
        {
            "cat": pd.Categorical(["a", "b", "a"]),
            "i32": np.array([1, 2, 1], dtype="int32"),
            "nullable": pd.array([1, None, 3], dtype="Int64"),
            "when": pd.to_datetime(["2020-01-01", "2020-01-02", None]),
            "took": pd.to_timedelta([1, 2, 3], unit="s"),
            "s": pd.array(["x", None, "x"], dtype="string"),
        }
    )
    assert_same(df)
    assert_same(df, drop_na=False)


def test_arrow_table_and_index_are_handled_as_pygraphistry() -> None:
    """A pyarrow Table is read as its pandas frame; a frame's own index is dropped."""
    assert_same(pa.Table.from_pandas(EVENTS, preserve_index=False))
    assert_same(EVENTS.set_index(pd.Index([10, 3, 7, 1, 2])))


@pytest.mark.parametrize("kwargs", [{}, {"direct": True}, {"drop_na": False}])
def test_no_events(kwargs: dict[str, Any]) -> None:
    """An event table with columns but no rows gives pygraphistry's empty tables."""
    empty = pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="int64")})
    result = assert_same(empty, **kwargs)
    assert 0 == len(result.nodes)


def test_empty_labels() -> None:
    """Empty DELIM and EVENTTYPE options are used as given."""
    result = assert_same(pd.DataFrame({"a": ["x", "y"]}), opts={"EVENTTYPE": "", "DELIM": ""})
    assert ["ax", "ay"] == list(result.entities["nodeID"])


def test_polars_frames_are_read_as_pygraphistry_reads_them() -> None:
    """A polars DataFrame (and LazyFrame) gives pygraphistry's tables, including a nullable
    64-bit integer column too large for float64."""
    import polars as pl

    df = pl.DataFrame(
        {
            "user": ["a", None, "b"],
            "big": pl.Series([2**60 + 1, None, 3], dtype=pl.Int64),
            "n": [1, 2, 3],
        }
    )
    assert_same(df)
    assert_same(df, drop_na=False)
    pd.testing.assert_frame_equal(
        hypergraph(df, verbose=False).nodes, hypergraph(df.lazy(), verbose=False).nodes
    )


def test_input_is_not_changed() -> None:
    """The caller's table is left as it was (no EventID column added, same values)."""
    df = EVENTS.copy()
    hypergraph(df, verbose=False)
    pd.testing.assert_frame_equal(EVENTS, df)


def test_summary_is_what_pygraphistry_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """verbose=True fills ``summary`` with the lines pygraphistry prints; core prints nothing."""
    import graphistry

    graphistry.hypergraph(EVENTS, engine="pandas", verbose=True)
    printed = capsys.readouterr().out.splitlines()
    result = hypergraph(EVENTS)
    assert "" == capsys.readouterr().out
    assert printed == list(result.summary)
    assert () == hypergraph(EVENTS, verbose=False).summary


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"opts": {"ATTRIBS": ["x"]}}, "unknown keys ['ATTRIBS']"),
        ({"opts": {"DELIM": 3}}, "opts['DELIM'] must be a string"),
        ({"opts": {"CATEGORIES": ["user"]}}, "opts['CATEGORIES'] must map"),
        ({"opts": {"EDGES": {"user": "ip"}}, "direct": True}, "opts['EDGES'] must map"),
        ({"opts": {"EDGES": {"user": ["nope"]}}, "direct": True}, "['nope']"),
        ({"entity_types": ["nope"]}, "not in the events table: ['nope']"),
        ({"entity_types": "user"}, "takes a list of column names"),
        ({"entity_types": []}, "no entity columns"),
        ({"engine": "cudf"}, "engine='pandas'"),
    ],
)
def test_bad_input_is_a_plan_error(kwargs: dict[str, Any], fragment: str) -> None:
    """Bad arguments raise PlanError naming the problem (pygraphistry raises a raw
    TypeError/KeyError/ValueError or fails later)."""
    with pytest.raises(PlanError) as caught:
        hypergraph(EVENTS, verbose=False, **kwargs)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        (pd.DataFrame({"a": ["x"], 5: [1]}), "string column names, got [5]"),
        (pd.DataFrame({"a": ["x"], "u": np.array([1], dtype="uint8")}), "column 'u' of dtype uint8"),
    ],
)
def test_tables_pygraphistry_fails_on_are_plan_errors(events: pd.DataFrame, fragment: str) -> None:
    """Where pygraphistry fails with a raw error (non-string column names; an unsigned or
    small integer column it cannot pad with nulls), we raise PlanError saying what to do."""
    with pytest.raises(Exception) as theirs_failed:
        theirs(events)
    assert not isinstance(theirs_failed.value, PlanError)
    with pytest.raises(PlanError) as caught:
        hypergraph(events, verbose=False)
    assert fragment in str(caught.value)


def test_not_a_table_is_a_plan_error() -> None:
    """Events that are not a table raise PlanError naming the accepted types."""
    with pytest.raises(PlanError, match="pandas DataFrame, a pyarrow Table or a polars"):
        hypergraph([{"a": 1}], verbose=False)


# -- property: generated event tables ----------------------------------------------------

_NAMES = ["a", "b", "c", "type", "d2"]


def _column(kind: str, n: int) -> st.SearchStrategy[Any]:
    if kind == "str":
        return st.lists(st.sampled_from(["x", "y", "z", "1", None]), min_size=n, max_size=n).map(
            lambda v: pd.Series(v, dtype="str")
        )
    if kind == "int":
        return st.lists(st.integers(-3, 3), min_size=n, max_size=n).map(
            lambda v: pd.Series(v, dtype="int64")
        )
    if kind == "float":
        floats = st.sampled_from([0.0, -0.0, 1.5, float("nan"), 1.0, 3.0])
        return st.lists(floats, min_size=n, max_size=n).map(lambda v: pd.Series(v, dtype="float64"))
    return st.lists(st.booleans(), min_size=n, max_size=n).map(lambda v: pd.Series(v, dtype=bool))


@st.composite
def event_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Small event tables: 1-4 columns (one may be named ``type``), 1-8 rows, strings with
    nulls, ints, floats with NaN and -0.0, booleans; values repeat across columns."""
    n = draw(st.integers(1, 8))
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4, unique=True))
    kinds = st.sampled_from(["str", "int", "float", "bool"])
    return pd.DataFrame({name: draw(_column(draw(kinds), n)) for name in names})


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=event_tables(),
    drop_na=st.booleans(),
    direct=st.booleans(),
    drop_edge_attrs=st.booleans(),
    categories=st.booleans(),
)
def test_generated_tables_equal_pygraphistrys(
    events: pd.DataFrame, drop_na: bool, direct: bool, drop_edge_attrs: bool, categories: bool
) -> None:
    """For generated event tables and flags, every table equals pygraphistry's exactly
    (which implies: its node and edge tables, up to row order)."""
    opts = {"CATEGORIES": {"k": list(events.columns)[:2]}} if categories else {}
    kwargs = {
        "drop_na": drop_na,
        "direct": direct,
        "drop_edge_attrs": drop_edge_attrs,
        "opts": opts,
    }
    try:
        theirs(events, **kwargs)
    except (TypeError, ValueError) as e:  # pygraphistry fails: we must fail clearly too
        with pytest.raises(PlanError):
            hypergraph(events, verbose=False, **kwargs)
        assert str(e) != ""
        return
    assert_same(events, **kwargs)
