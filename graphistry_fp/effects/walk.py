"""The one plan walker, which every interpreter uses to perform a plan.

Theory of operation: :func:`walk` is a generator. It yields one *stage* at a time (a tuple
of resolved effects, which the interpreter may perform concurrently) and receives the
tuple of their results, in the same order. Before yielding, it replaces every :class:`Ref`
in an effect with the result it names, so performers never see a ``Ref``. When the plan is
done it returns the dataset id. :func:`perform_plan` is the few lines that feed a walk
with a stage performer; the HTTP, dry-run and any future async interpreters share this
order of operations (an async one drives :func:`walk` itself, awaiting each stage).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import attrs

from .plan import PlotPlan, Stage
from .records import DATASET, CreateDataset, Effect, Ref

Walk = Generator[Stage, tuple[Any, ...], str]


def _resolve(effect: Effect, results: dict[Ref, Any]) -> Effect:
    dataset = getattr(effect, "dataset", None)
    if isinstance(dataset, Ref):
        if dataset not in results:
            raise RuntimeError(
                f"{type(effect).__name__} refers to {dataset.name!r}, which no earlier stage "
                "of the plan produced"
            )
        return attrs.evolve(effect, dataset=results[dataset])
    return effect


def walk(plan: PlotPlan) -> Walk:
    """Walk ``plan``: yield resolved stages, receive their results, return the dataset id."""
    results: dict[Ref, Any] = {}
    for stage in plan.stages:
        resolved = tuple(_resolve(effect, results) for effect in stage)
        outputs = yield resolved
        if len(outputs) != len(resolved):
            raise RuntimeError("a stage performer must send one result per effect of the stage")
        for effect, output in zip(resolved, outputs):
            if isinstance(effect, CreateDataset):
                if not isinstance(output, str | int) or isinstance(output, bool) or output == "":
                    raise RuntimeError(
                        f"a stage performer must answer a create-dataset effect with the dataset id, "
                        f"not {output!r}"
                    )
                results[DATASET] = str(output)
    if DATASET not in results:
        raise RuntimeError("the plan created no dataset")
    return str(results[DATASET])


def perform_plan(plan: PlotPlan, perform_stage: Callable[[Stage], tuple[Any, ...]]) -> str:
    """Walk ``plan``, perform each stage with ``perform_stage``, and return the dataset id."""
    walker = walk(plan)
    try:
        stage = next(walker)
        while True:
            stage = walker.send(perform_stage(stage))
    except StopIteration as done:
        return str(done.value)
