"""The one plan walker (``walk``, fed by ``perform_plan``): stages in order, ``Ref``
resolution before an effect is performed, one result per effect, and the dataset id as the
walk's value.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from graphistry_fp.effects import (
    DATASET,
    CreateDataset,
    PlotPlan,
    Share,
    Stage,
    UploadTable,
    perform_plan,
    walk,
)

TABLE = pa.table({"s": ["a"], "d": ["b"]})


def plan(*, nodes: bool = True, share: bool = True) -> PlotPlan:
    uploads: list[Any] = [UploadTable(DATASET, "edges", TABLE)]
    if nodes:
        uploads.append(UploadTable(DATASET, "nodes", TABLE))
    stages: list[Stage] = [(CreateDataset({"name": "x"}),), tuple(uploads)]
    if share:
        stages.append((Share(DATASET, mode="public", mode_action="10"),))
    return PlotPlan(stages=tuple(stages))


def test_walk_yields_stages_with_refs_resolved() -> None:
    """The walker yields each stage in order; from the second stage on, every
    ``Ref("dataset")`` is replaced with the id the create step returned."""
    walker = walk(plan())
    first = next(walker)
    assert (CreateDataset({"name": "x"}),) == first
    second = walker.send(("ds42",))
    assert (UploadTable("ds42", "edges", TABLE), UploadTable("ds42", "nodes", TABLE)) == second
    third = walker.send((None, None))
    assert (Share("ds42", mode="public", mode_action="10"),) == third
    with pytest.raises(StopIteration) as done:
        walker.send((None,))
    assert "ds42" == done.value.value


def test_perform_plan_runs_a_plan_with_a_stage_performer() -> None:
    """``perform_plan`` feeds each stage to the performer and returns the dataset id; the
    performer never sees a Ref."""
    seen: list[Stage] = []

    def perform(stage: Stage) -> tuple[Any, ...]:
        seen.append(stage)
        assert all(not hasattr(e, "dataset") or e.dataset == "ds7" for e in stage)
        return tuple("ds7" if isinstance(e, CreateDataset) else None for e in stage)

    assert "ds7" == perform_plan(plan(), perform)
    assert [1, 2, 1] == [len(s) for s in seen]


def test_dataset_id_is_a_string() -> None:
    """A performer answering a non-string id gets it as a string everywhere downstream."""
    walker = walk(plan(nodes=False, share=False))
    next(walker)
    (upload,) = walker.send((1234,))
    assert "1234" == upload.dataset
    with pytest.raises(StopIteration) as done:
        walker.send((None,))
    assert "1234" == done.value.value


@pytest.mark.parametrize("results", [(), ("ds", "extra")])
def test_mismatched_result_count_is_an_error(results: tuple[Any, ...]) -> None:
    """A driver must send exactly one result per effect of the stage."""
    walker = walk(plan())
    next(walker)
    with pytest.raises(RuntimeError, match="one result per effect"):
        walker.send(results)


def test_mismatched_result_count_in_perform_plan() -> None:
    """``perform_plan`` surfaces the same error when the performer returns too few results."""
    with pytest.raises(RuntimeError, match="one result per effect"):
        perform_plan(plan(), lambda stage: ("ds",))


def test_a_plan_without_create_is_an_error() -> None:
    """A plan whose stages never create a dataset cannot produce a dataset id."""
    with pytest.raises(RuntimeError, match="created no dataset"):
        perform_plan(PlotPlan(stages=()), lambda stage: ())


def test_a_failing_performer_stops_the_walk() -> None:
    """An exception from the performer propagates and no later stage is performed."""
    performed: list[Stage] = []

    def perform(stage: Stage) -> tuple[Any, ...]:
        performed.append(stage)
        if any(isinstance(e, UploadTable) for e in stage):
            raise OSError("upload failed")
        return ("ds",)

    with pytest.raises(OSError, match="upload failed"):
        perform_plan(plan(), perform)
    assert 2 == len(performed)


def test_plan_steps_flatten_stages() -> None:
    """``plan.steps`` is every effect in stage order."""
    p = plan()
    assert [CreateDataset, UploadTable, UploadTable, Share] == [type(e) for e in p.steps]


@pytest.mark.parametrize("answer", [None, "", True, object()])
def test_create_must_answer_a_dataset_id(answer: Any) -> None:
    """A driver answering a create step with no usable id (None, "", a bool, an object) is
    an error, not a dataset called "None"."""
    walker = walk(plan())
    next(walker)
    with pytest.raises(RuntimeError, match="dataset id"):
        walker.send((answer,))


def test_a_ref_to_an_unproduced_result_is_an_error() -> None:
    """A step naming a result no earlier stage produced fails clearly (not a KeyError)."""
    bad = PlotPlan(stages=((UploadTable(DATASET, "edges", TABLE),), (CreateDataset({"name": "x"}),)))
    with pytest.raises(RuntimeError, match="no earlier stage"):
        next(walk(bad))
