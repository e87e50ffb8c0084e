"""Fuzzing: Hypothesis-generated frames, bindings and encodings (``tests/strategies.py``,
hostile section) through chaining, ``plan()`` and a ``DryRunClient`` run raise nothing but
``PlanError``. A plan that compiles must also run dry and survive ``repr``/``str``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphistry_fp as graphistry
from graphistry_fp import DryRunClient, PlanError
from graphistry_fp.effects.tables import tables_equal
from tests.strategies import (
    Step,
    edge_frames,
    hostile_columns,
    hostile_frames,
    hostile_steps,
    steps,
)
from tests.support.server import arrow_file_bytes

FUZZ = settings(
    max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip


def run_chain(edges: Any, source: Any, destination: Any, chain: list[Step]) -> str:
    """Build, plan and dry-run; return how far it got. Anything but PlanError escapes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas/pyarrow warnings on odd dtypes are not ours
        try:
            g = graphistry.edges(edges, source, destination)
            for method, args, kwargs in chain:
                g = getattr(g, method)(*args, **kwargs)
            plan = g.plan()
        except PlanError as error:
            assert str(error)  # a message, always
            return "plan error"
    client = DryRunClient()
    result = client.run(plan)
    assert result.dataset_id and repr(plan) and str(plan) and repr(g)
    assert client.performed
    return "ran"


def _plain(value: Any) -> Any:
    """A cell as Arrow gives it back: tuples as lists, NaN as None, numpy scalars as Python
    values, dicts without None values (Arrow structs fill a missing field with None)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        plain = {k: _plain(v) for k, v in value.items()}
        return {k: v for k, v in plain.items() if v is not None}
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _source_rows(data: Any) -> tuple[list[str], int, list[list[Any]] | None]:
    """Column names, row count and (for pandas frames) the cells of each column."""
    if isinstance(data, pa.Table):
        return list(data.column_names), data.num_rows, None
    if isinstance(data, pd.DataFrame):
        cells = [[_plain(v) for v in data.iloc[:, i].tolist()] for i in range(data.shape[1])]
        return [str(c) for c in data.columns], len(data), cells
    return list(data.columns), int(data.height), None  # polars


def assert_converted(data: Any, table: pa.Table) -> None:
    """The bound table keeps the input's column names, row count (when it has columns) and
    the values of object columns, and survives an Arrow IPC file (the upload body's format) unchanged."""
    names, rows, cells = _source_rows(data)
    assert names == list(table.column_names)
    if names:  # a frame with no columns has no rows in Arrow
        assert rows == table.num_rows
    if cells is not None and isinstance(data, pd.DataFrame):
        for i, column in enumerate(cells):
            if data.dtypes.iloc[i] is np.dtype(object):
                assert column == [_plain(v) for v in table.column(i).to_pylist()]
    back = pa.ipc.open_file(pa.BufferReader(arrow_file_bytes(table))).read_all()
    assert tables_equal(table, back)


@FUZZ
@given(edges=hostile_frames(), nodes=hostile_frames())
def test_hostile_tables_convert_or_raise_plan_error(edges: Any, nodes: Any) -> None:
    """Any table-ish value as edges and as nodes: converted, or PlanError (e.g. a Python
    int beyond 64 bits in an object column once escaped as a bare OverflowError). A
    conversion that succeeds must keep the columns, rows and object-column values, and
    round-trip through the upload body."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for data, bind, table_of in (
            (edges, graphistry.edges, lambda g: g.edges_table),
            (nodes, graphistry.nodes, lambda g: g.nodes_table),
        ):
            try:
                g = bind(data)
            except PlanError as error:
                assert str(error)  # a message, always
                continue
            assert_converted(data, table_of(g))


@FUZZ
@given(
    edges=hostile_frames(),
    source=hostile_columns,
    destination=hostile_columns,
    chain=st.lists(hostile_steps(), max_size=4),
)
def test_hostile_input_raises_only_plan_error(
    edges: Any, source: Any, destination: Any, chain: list[Step]
) -> None:
    """Any table-ish value, any id columns, any chain of steps with any arguments: the
    outcome is a plan that runs dry, or a PlanError; never another exception."""
    run_chain(edges, source, destination, chain)


@FUZZ
@given(edges=edge_frames(), chain=st.lists(st.one_of(steps(), hostile_steps()), max_size=5))
def test_valid_graphs_with_hostile_steps(edges: Any, chain: list[Step]) -> None:
    """A valid edges table (so planning gets past the tables) and a mix of valid and
    hostile steps: a dry run or a PlanError, nothing else."""
    run_chain(edges, "s", "d", chain)
