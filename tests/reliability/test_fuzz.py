"""Fuzzing: Hypothesis-generated frames, bindings and encodings (``tests/strategies.py``,
hostile section) through chaining, ``plan()`` and a ``DryRunClient`` run raise nothing but
``PlanError``. A plan that compiles must also run dry and survive ``repr``/``str``.
"""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphistry_fp as graphistry
from graphistry_fp import DryRunClient, PlanError
from tests.strategies import (
    Step,
    edge_frames,
    hostile_columns,
    hostile_frames,
    hostile_steps,
    steps,
)

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


@FUZZ
@given(edges=hostile_frames(), nodes=hostile_frames())
def test_hostile_tables_convert_or_raise_plan_error(edges: Any, nodes: Any) -> None:
    """Any table-ish value as edges and as nodes: converted, or PlanError (e.g. a Python
    int beyond 64 bits in an object column once escaped as a bare OverflowError)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for call in (lambda: graphistry.edges(edges), lambda: graphistry.nodes(nodes)):
            try:
                call()
            except PlanError:
                pass


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
