"""``PlotPlan`` and ``PlotResult``: the pure description of an upload, and its outcome."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from .records import CreateDataset, Effect, Share, UploadTable
from .stream import DatasetTable

Stage = tuple[Effect, ...]


def _shape(upload: UploadTable) -> str:
    table = upload.table
    if isinstance(table, DatasetTable):
        rows = "rows counted at run time" if table.rows is None else f"{table.rows} rows"
        return f"{upload.num_columns} columns, {rows}, streamed from a {table.describe()}"
    return f"{upload.num_rows} rows x {upload.num_columns} columns"


@attrs.frozen
class PlotPlan:
    """What an upload must do: stages of effects, run in order.

    The effects of one stage are independent of each other and may run concurrently (the
    edges and nodes uploads); each stage may use the results of the stages before it. A
    plan holds no credentials, no server and no org: who uploads is the interpreter's
    business. Plans are ``==``-comparable; ``str(plan)`` is a short human summary.

    Attributes:
        stages: the effects, grouped into stages.
        url_params: viewer URL settings, in insertion order (PROTOCOL.md 5).
    """

    stages: tuple[Stage, ...]
    url_params: tuple[tuple[str, str], ...] = ()

    @property
    def steps(self) -> tuple[Effect, ...]:
        """Every effect, in order."""
        return tuple(effect for stage in self.stages for effect in stage)

    @property
    def create(self) -> CreateDataset:
        """The plan's create-dataset effect."""
        for effect in self.steps:
            if isinstance(effect, CreateDataset):
                return effect
        raise LookupError("this plan creates no dataset")

    @property
    def name(self) -> str:
        """The dataset name the plan will create."""
        return self.create.name

    def uploads(self) -> Iterator[UploadTable]:
        """The table uploads of the plan."""
        return (e for e in self.steps if isinstance(e, UploadTable))

    def __str__(self) -> str:
        lines = [f"PlotPlan {self.name!r}: {len(self.steps)} steps"]
        for number, effect in enumerate(self.steps, 1):
            if isinstance(effect, CreateDataset):
                lines.append(f"  {number}. create dataset {effect.name!r}")
            elif isinstance(effect, UploadTable):
                lines.append(f"  {number}. upload {effect.kind}: {_shape(effect)}")
            elif isinstance(effect, Share):
                lines.append(f"  {number}. share: mode={effect.mode}")
        return "\n".join(lines)


@attrs.frozen
class PlotResult:
    """The outcome of running a plan.

    Attributes:
        dataset_id: the id the server gave the new dataset.
        url: the viewer URL; it contains ``dataset=<dataset_id>``.
        server: the ``host[:port]`` the dataset lives on.
        org_name: the org the dataset was created under, or ``None``.
    """

    dataset_id: str
    url: str
    server: str
    org_name: str | None = None
