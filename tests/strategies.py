"""The one shared module of Hypothesis strategies (STYLE.md: attrs' ``tests/strategies.py``).

Frames of generated dtypes (pandas, pyarrow, polars), edge tables that plan cleanly,
bindings, encodings and whole chains. Each strategy is small and documented; tests import
what they need::

    from tests.strategies import chains, pandas_frames
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import strategies as st

from graphistry_fp.core.bindings import EDGE_BINDINGS, NODE_BINDINGS
from graphistry_fp.core.encodings import BADGE_POSITIONS
from graphistry_fp.core.settings import URL_PARAMS

# -- column names and values ------------------------------------------------------------

#: column names: short printable identifiers, never ``s``/``d``/``n`` (the id columns of
#: :func:`edge_frames`).
column_names = st.text(
    alphabet="abcefghijklmopqrtuvwxyzABCXYZ_0123456789 ", min_size=1, max_size=8
).filter(lambda name: name not in ("s", "d", "n"))

_ints = st.integers(-(2**53), 2**53)
_floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
_texts = st.text(max_size=6)
_datetimes = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)
)

#: pandas dtype name -> (value strategy, how to build the Series, expected Arrow type).
#: The Arrow types are the ones PROTOCOL.md 4.4 lists for pandas 3.
PANDAS_DTYPES: dict[str, tuple[Any, Callable[[list[Any]], pd.Series], pa.DataType]] = {
    "int64": (_ints, lambda v: pd.Series(v, dtype="int64"), pa.int64()),
    "float64": (_floats, lambda v: pd.Series(v, dtype="float64"), pa.float64()),
    "bool": (st.booleans(), lambda v: pd.Series(v, dtype="bool"), pa.bool_()),
    "str": (
        st.one_of(st.none(), _texts),
        lambda v: pd.Series(v, dtype="str"),
        pa.large_string(),
    ),
    "datetime64[us]": (
        st.one_of(st.none(), _datetimes),
        lambda v: pd.Series(pd.to_datetime(v)).astype("datetime64[us]"),
        pa.timestamp("us"),
    ),
    "datetime64[us, UTC]": (
        _datetimes,
        lambda v: pd.Series(pd.to_datetime(v, utc=True)).astype("datetime64[us, UTC]"),
        pa.timestamp("us", tz="UTC"),
    ),
    "category": (
        st.sampled_from(["x", "y", "z"]),
        lambda v: pd.Series(pd.Categorical(v, categories=["x", "y", "z"])),
        pa.dictionary(pa.int8(), pa.large_string()),
    ),
    "Int64": (
        st.one_of(st.none(), _ints),
        lambda v: pd.Series(pd.array(v, dtype="Int64")),
        pa.int64(),
    ),
    "boolean": (
        st.one_of(st.none(), st.booleans()),
        lambda v: pd.Series(pd.array(v, dtype="boolean")),
        pa.bool_(),
    ),
    "Float64": (
        st.one_of(st.none(), st.floats(allow_nan=False, width=64)),
        lambda v: pd.Series(pd.array(v, dtype="Float64")),
        pa.float64(),
    ),
}


@st.composite
def pandas_frames(
    draw: st.DrawFn, min_rows: int = 0, max_rows: int = 8, min_columns: int = 1
) -> tuple[pd.DataFrame, dict[str, pa.DataType]]:
    """A pandas DataFrame of generated dtypes, with the Arrow type each column must get."""
    names = draw(st.lists(column_names, min_size=min_columns, max_size=6, unique=True))
    rows = draw(st.integers(min_rows, max_rows))
    data: dict[str, pd.Series] = {}
    expected: dict[str, pa.DataType] = {}
    for name in names:
        dtype = draw(st.sampled_from(sorted(PANDAS_DTYPES)))
        values_st, build, arrow_type = PANDAS_DTYPES[dtype]
        data[name] = build(draw(st.lists(values_st, min_size=rows, max_size=rows)))
        expected[name] = arrow_type
    frame = pd.DataFrame(data)
    # a non-default index, which must not be uploaded
    frame.index = pd.RangeIndex(100, 100 + rows)
    return frame, expected


#: Arrow type -> value strategy, for pyarrow tables and polars frames.
ARROW_TYPES: dict[str, tuple[pa.DataType, Any]] = {
    "int64": (pa.int64(), st.one_of(st.none(), _ints)),
    "float64": (pa.float64(), st.one_of(st.none(), _floats)),
    "bool": (pa.bool_(), st.one_of(st.none(), st.booleans())),
    "large_string": (pa.large_string(), st.one_of(st.none(), _texts)),
    "timestamp[us]": (pa.timestamp("us"), st.one_of(st.none(), _datetimes)),
    "list<int64>": (pa.large_list(pa.int64()), st.one_of(st.none(), st.lists(_ints, max_size=3))),
}


@st.composite
def arrow_tables(draw: st.DrawFn, min_rows: int = 0, max_rows: int = 8) -> pa.Table:
    """A ``pyarrow.Table`` of generated types, sometimes split into several chunks."""
    names = draw(st.lists(column_names, min_size=1, max_size=5, unique=True))
    rows = draw(st.integers(min_rows, max_rows))
    columns = {}
    for name in names:
        arrow_type, values_st = ARROW_TYPES[draw(st.sampled_from(sorted(ARROW_TYPES)))]
        columns[name] = pa.array(draw(st.lists(values_st, min_size=rows, max_size=rows)), arrow_type)
    table = pa.table(columns)
    if rows > 1 and draw(st.booleans()):
        cut = draw(st.integers(1, rows - 1))
        table = pa.concat_tables([table.slice(0, cut), table.slice(cut)])
    return table


#: polars dtypes generated by :func:`polars_frames` -> the Arrow type we must send.
POLARS_EXPECTED = {
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    "Boolean": pa.bool_(),
    "String": pa.large_string(),
    "Datetime": pa.timestamp("us"),
    "Categorical": pa.dictionary(pa.uint32(), pa.large_string()),
    "List(String)": pa.large_list(pa.large_string()),
}


@st.composite
def polars_frames(draw: st.DrawFn, min_rows: int = 0, max_rows: int = 8) -> tuple[Any, dict[str, pa.DataType]]:
    """A polars DataFrame (strings, categoricals, lists of strings...), with expected Arrow types."""
    import polars as pl

    dtypes: dict[str, tuple[Any, Any]] = {
        "Int64": (pl.Int64, st.one_of(st.none(), _ints)),
        "Float64": (pl.Float64, st.one_of(st.none(), _floats)),
        "Boolean": (pl.Boolean, st.one_of(st.none(), st.booleans())),
        "String": (pl.String, st.one_of(st.none(), _texts)),
        "Datetime": (pl.Datetime("us"), st.one_of(st.none(), _datetimes)),
        "Categorical": (pl.Categorical, st.one_of(st.none(), st.sampled_from(["x", "y"]))),
        "List(String)": (pl.List(pl.String), st.one_of(st.none(), st.lists(_texts, max_size=3))),
    }
    names = draw(st.lists(column_names, min_size=1, max_size=5, unique=True))
    rows = draw(st.integers(min_rows, max_rows))
    series = []
    expected = {}
    for name in names:
        key = draw(st.sampled_from(sorted(dtypes)))
        dtype, values_st = dtypes[key]
        values = draw(st.lists(values_st, min_size=rows, max_size=rows))
        series.append(pl.Series(name, values, dtype=dtype))
        expected[name] = POLARS_EXPECTED[key]
    return pl.DataFrame(series), expected


# -- graphs that plan cleanly -----------------------------------------------------------

_ids = st.text(alphabet="abcdefgh", min_size=1, max_size=3)


@st.composite
def edge_frames(draw: st.DrawFn, min_rows: int = 1, max_rows: int = 8) -> pd.DataFrame:
    """An edges DataFrame with string id columns ``s`` and ``d`` (no nulls) plus extras."""
    extra, _ = draw(pandas_frames(min_rows=min_rows, max_rows=max_rows, min_columns=0))
    rows = len(extra)
    ids = pd.DataFrame(
        {
            "s": pd.Series(draw(st.lists(_ids, min_size=rows, max_size=rows)), dtype="str"),
            "d": pd.Series(draw(st.lists(_ids, min_size=rows, max_size=rows)), dtype="str"),
        }
    )
    return pd.concat([ids, extra.reset_index(drop=True)], axis=1)


def node_frame_for(edges: pd.DataFrame, **extra: list[Any]) -> pd.DataFrame:
    """A nodes DataFrame (id column ``n``) holding every id of ``edges``."""
    ids = sorted(set(edges["s"]) | set(edges["d"]))
    return pd.DataFrame({"n": ids, **{k: (v * len(ids))[: len(ids)] for k, v in extra.items()}})


# -- bindings, encodings, settings, chains ----------------------------------------------

#: every binding name sent on the wire (the edge-id ``edge`` binding is kept, never sent).
binding_names = st.sampled_from(sorted(set(EDGE_BINDINGS) | set(NODE_BINDINGS) | {"edge"}))

#: ``bind(**kwargs)`` arguments naming edge-side columns of :func:`edge_frames` output.
edge_bindings = st.dictionaries(
    st.sampled_from(sorted(set(EDGE_BINDINGS) - {"source", "destination"})),
    st.sampled_from(["s", "d"]),
    max_size=3,
)

_json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False), _texts
)
categorical_mappings = st.dictionaries(
    st.one_of(_texts, st.integers(-5, 5)).map(str), _json_scalars, min_size=1, max_size=4
)
palettes = st.lists(st.sampled_from(["red", "blue", "#000", "#FFF", "rgb(0,0,0)"]), min_size=1, max_size=4)
bins = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(-10, 10)), _texts).map(list), min_size=1, max_size=3
)

Step = tuple[str, tuple[Any, ...], dict[str, Any]]


@st.composite
def encodings(draw: st.DrawFn, column: str = "s") -> Step:
    """One ``encode_*`` call on the edge side (``column`` exists in :func:`edge_frames`)."""
    slots = draw(
        st.sampled_from(
            [{}, {"for_current": True}, {"for_default": False, "for_current": True}]
        )
    )
    kind = draw(st.sampled_from(["color_palette", "color_map", "size", "icon_bins", "badge"]))
    if kind == "color_palette":
        flag = draw(st.sampled_from(["as_categorical", "as_continuous"]))
        return ("encode_edge_color", (column,), {"palette": draw(palettes), flag: True, **slots})
    if kind == "color_map":
        return (
            "encode_edge_color",
            (column,),
            {"categorical_mapping": draw(categorical_mappings), **slots},
        )
    if kind == "size":
        method = draw(st.sampled_from(["encode_edge_size", "encode_edge_weight", "encode_edge_opacity"]))
        mapping = draw(st.dictionaries(_texts, st.integers(0, 10), min_size=1, max_size=3))
        return (method, (column,), {"categorical_mapping": mapping, "default_mapping": 1, **slots})
    if kind == "icon_bins":
        comparator = draw(st.sampled_from([None, "<", "<="]))
        return ("encode_edge_icon", (column,), {"continuous_binning": draw(bins), "comparator": comparator})
    position = draw(st.sampled_from(BADGE_POSITIONS))
    return ("encode_edge_badge", (column, position), {"categorical_mapping": draw(categorical_mappings)})


_emails = st.sampled_from(["a@b.org", "c@d.org", "e@f.org"])

url_settings = st.dictionaries(
    st.sampled_from(sorted(URL_PARAMS - {"splashAfter"})),
    st.one_of(st.booleans(), st.integers(0, 100), st.text(alphabet="abc", max_size=3)),
    max_size=3,
)


@st.composite
def steps(draw: st.DrawFn) -> Step:
    """One chaining step that keeps an :func:`edge_frames` plottable plannable."""
    kind = draw(st.sampled_from(["bind", "encode", "name", "description", "settings", "style", "privacy"]))
    if kind == "bind":
        return ("bind", (), draw(edge_bindings))
    if kind == "encode":
        return draw(encodings())
    if kind == "name":
        return ("name", (draw(_texts),), {})
    if kind == "description":
        return ("description", (draw(_texts),), {})
    if kind == "settings":
        return ("settings", (), {"url_params": draw(url_settings)})
    if kind == "style":
        method = draw(st.sampled_from(["style", "addStyle"]))
        return (method, (), {"bg": {"color": draw(st.sampled_from(["black", "white"]))}})
    mode = draw(st.sampled_from(["private", "organization", "public"]))
    users = draw(
        st.lists(
            st.one_of(
                _emails,
                st.fixed_dictionaries({"email": _emails, "action": st.sampled_from(["10", "20"])}),
            ),
            max_size=2,
        )
    )
    return ("privacy", (), {"mode": mode, "notify": draw(st.booleans()), "invited_users": users})


chains = st.lists(steps(), max_size=6)


def apply(g: Any, chain: list[Step]) -> list[Any]:
    """Apply ``chain`` to ``g``; return every intermediate plottable, ``g`` first."""
    out = [g]
    for method, args, kwargs in chain:
        out.append(getattr(out[-1], method)(*args, **kwargs))
    return out


def mutations() -> st.SearchStrategy[Callable[[pd.DataFrame], None]]:
    """In-place mutations a user may apply to a DataFrame after binding it."""

    def loc(df: pd.DataFrame) -> None:
        df.loc[df.index[0], "s"] = "MUTATED"

    def iloc(df: pd.DataFrame) -> None:
        df.iloc[0, df.columns.get_loc("w")] = -1.0

    def setitem(df: pd.DataFrame) -> None:
        df["w"] = np.zeros(len(df))

    def new_column(df: pd.DataFrame) -> None:
        df["extra"] = 1

    def fillna(df: pd.DataFrame) -> None:
        df.fillna({"w": 0.0}, inplace=True)

    # pandas 3.1 deprecates inplace= on these (PDEP-8), but users still call them
    def sort(df: pd.DataFrame) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df.sort_values("w", ascending=False, inplace=True)

    def drop(df: pd.DataFrame) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df.drop(columns=["w"], inplace=True)

    def rename(df: pd.DataFrame) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df.rename(columns={"s": "src"}, inplace=True)

    def augmented(df: pd.DataFrame) -> None:
        df["w"] += 100.0

    def update(df: pd.DataFrame) -> None:
        df.update(pd.DataFrame({"w": [42.0] * len(df)}, index=df.index))

    def replace(df: pd.DataFrame) -> None:
        df.replace({"s": {df["s"].iloc[0]: "REPLACED"}}, inplace=True)

    def values(df: pd.DataFrame) -> None:
        try:
            df["w"].to_numpy()[0] = 123.0  # read-only under copy-on-write
        except ValueError:
            pass

    return st.sampled_from(
        [loc, iloc, setitem, new_column, fillna, sort, drop, rename, augmented, update, replace, values]
    )


# -- hostile input (fuzzing: anything a user might pass, valid or not) ------------------

#: any Python value a user might put in a cell or an argument: unbounded ints, NaN/inf,
#: bytes, complex, nested containers, datetimes, None.
hostile_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), _texts, st.binary(max_size=4),
        st.complex_numbers(max_magnitude=10), _datetimes,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.tuples(inner, inner),
        st.dictionaries(st.one_of(_texts, st.integers(-3, 3)), inner, max_size=3),
    ),
    max_leaves=6,
)  # fmt: skip

#: a column's value strategy when all its cells are of one kind.
_HOMOGENEOUS = st.sampled_from([
    st.integers(), st.integers(2**63 - 2, 2**70), st.integers(-(2**70), -(2**63) + 2), st.floats(), _texts, st.binary(max_size=4),
    st.complex_numbers(max_magnitude=10), _datetimes, st.lists(st.integers(), max_size=3),
    st.dictionaries(_texts, st.integers(), max_size=2),
])  # fmt: skip

#: column names, including the id columns, non-strings and repeats.
hostile_names = st.one_of(column_names, st.sampled_from(["s", "d", "n"]), st.integers(-2, 2))


@st.composite
def hostile_frames(draw: st.DrawFn) -> Any:
    """A table-ish value: a generated pandas/Arrow/polars frame, a pandas frame of object
    columns holding :data:`hostile_values` under :data:`hostile_names` (repeats allowed),
    or something that is no table at all."""
    kind = draw(st.sampled_from(["pandas", "arrow", "polars", "objects", "objects", "not_a_table"]))
    if kind == "pandas":
        return draw(pandas_frames())[0]
    if kind == "arrow":
        return draw(arrow_tables())
    if kind == "polars":
        return draw(polars_frames())[0]
    if kind == "not_a_table":
        return draw(st.one_of(hostile_values, st.just(pd.Series([1, 2]))))
    rows = draw(st.integers(0, 4))
    names = draw(st.lists(hostile_names, min_size=0, max_size=4))
    columns = []
    for _ in names:
        # one kind of value per column too: mixed columns fail early, homogeneous ones
        # reach Arrow's per-type conversion (ints beyond 64 bits, bytes, complex...)
        values = draw(st.sampled_from([hostile_values, draw(_HOMOGENEOUS)]))
        columns.append(pd.Series(draw(st.lists(values, min_size=rows, max_size=rows)), dtype=object))
    frame = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=range(rows))
    frame.columns = names
    return frame


#: a column argument: usually a real id column, sometimes anything.
hostile_columns = st.one_of(st.sampled_from(["s", "d", "n"]), hostile_names, hostile_values)

_ENCODE_METHODS = (
    "encode_point_color", "encode_edge_color", "encode_point_size", "encode_edge_size",
    "encode_edge_weight", "encode_point_opacity", "encode_edge_opacity", "encode_point_icon",
    "encode_edge_icon", "encode_point_badge", "encode_edge_badge", "encode_point_title",
    "encode_point_label", "encode_edge_title", "encode_edge_label",
)  # fmt: skip

_ENCODE_KWARGS = {
    "palette": st.one_of(palettes, hostile_values),
    "as_categorical": st.one_of(st.booleans(), hostile_values),
    "as_continuous": st.one_of(st.booleans(), hostile_values),
    "categorical_mapping": st.one_of(categorical_mappings, hostile_values),
    "default_mapping": hostile_values,
    "continuous_binning": st.one_of(bins, hostile_values),
    "comparator": st.one_of(st.sampled_from([None, "<", "<="]), hostile_values),
    "for_default": st.one_of(st.booleans(), hostile_values),
    "for_current": st.one_of(st.booleans(), hostile_values),
    "position": st.one_of(st.sampled_from(BADGE_POSITIONS), hostile_values),
    "color": hostile_values,
}


@st.composite
def hostile_steps(draw: st.DrawFn) -> Step:
    """One chaining step with arguments that may be anything: any encoding with any keyword
    arguments, bindings naming any column, settings, style, privacy, nodes tables."""
    kind = draw(st.sampled_from(["encode", "bind", "settings", "style", "privacy", "nodes", "name"]))
    if kind == "encode":
        import inspect

        from graphistry_fp.core.plottable import Plottable

        method = draw(st.sampled_from(_ENCODE_METHODS))
        accepted = sorted(set(_ENCODE_KWARGS) & set(inspect.signature(getattr(Plottable, method)).parameters))
        names = draw(st.lists(st.sampled_from(accepted), max_size=3, unique=True)) if accepted else []
        kwargs = {name: draw(_ENCODE_KWARGS[name]) for name in names}
        return (method, (draw(hostile_columns),), kwargs)
    if kind == "bind":
        names = st.one_of(binding_names, st.text(alphabet="abcdefg_", min_size=1, max_size=8))
        return ("bind", (), draw(st.dictionaries(names, hostile_columns, max_size=3)))
    if kind == "settings":
        params = st.one_of(
            url_settings, st.dictionaries(st.one_of(_texts, st.sampled_from(sorted(URL_PARAMS))),
                                          hostile_values, max_size=2), hostile_values,
        )  # fmt: skip
        return ("settings", (), {"url_params": draw(params)})
    if kind == "style":
        return ("style", (), draw(st.dictionaries(st.sampled_from(["fg", "bg", "page", "logo"]),
                                                  hostile_values, max_size=2)))  # fmt: skip
    if kind == "privacy":
        keys = st.sampled_from(["mode", "notify", "invited_users", "message", "mode_action"])
        return ("privacy", (), draw(st.dictionaries(keys, hostile_values, max_size=3)))
    if kind == "nodes":
        return ("nodes", (draw(hostile_frames()), draw(hostile_columns)), {})
    return (draw(st.sampled_from(["name", "description"])), (draw(hostile_values),), {})
