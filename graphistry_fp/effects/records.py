"""Effect records: what an upload must do, as small frozen comparable values.

An effect says *what* to do (create a dataset with this JSON, upload this Arrow table to
that dataset, share it), never *who* does it or *how*. Interpreters look performers up by
the effect's type. A step that needs the output of an earlier one names it with a
:class:`Ref`; the walker (``walk.py``) substitutes the concrete value before an interpreter
sees the effect, so performers only ever receive resolved effects.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeAlias

import attrs
import pyarrow as pa
from pyrsistent import PMap, freeze, thaw

from .stream import DatasetTable
from .tables import tables_equal

TableKind: TypeAlias = Literal["edges", "nodes"]


@attrs.frozen
class Ref:
    """A reference to the output of an earlier step of the same plan (``Ref("dataset")``)."""

    name: str


DATASET = Ref("dataset")


def _freeze_json(value: Any) -> PMap[str, Any]:
    frozen = freeze(value)
    if not isinstance(frozen, PMap):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return frozen


@attrs.frozen
class CreateDataset:
    """Create a dataset: ``POST /api/v2/upload/datasets/`` with :attr:`body` (PROTOCOL.md 2.8).

    The body holds bindings, encodings, metadata, name and description. It never holds an
    org: the interpreter adds ``org_name`` from the snapshot of the run that performs it.
    Its result is the new dataset id (a ``str``).
    """

    body: PMap[str, Any] = attrs.field(converter=_freeze_json)

    def json(self) -> dict[str, Any]:
        """The body as a fresh, mutable JSON-ready dict."""
        return dict(thaw(self.body))

    @property
    def name(self) -> str:
        """The dataset name this effect will create."""
        return str(self.body.get("name", ""))

    def __repr__(self) -> str:
        return f"CreateDataset(body={canonical_json(self.body)})"


def _sources_equal(a: pa.Table | DatasetTable, b: pa.Table | DatasetTable) -> bool:
    if isinstance(a, pa.Table) and isinstance(b, pa.Table):
        return tables_equal(a, b)
    return type(a) is type(b) and bool(a == b)


def _id_pairs(ids: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(column), str(binding)) for column, binding in ids)


@attrs.frozen
class UploadTable:
    """Upload one Arrow table to a dataset (PROTOCOL.md 2.9); its result is ``None``.

    ``table`` is sent as one Arrow IPC *file*: a ``pyarrow.Table``, or a
    :class:`~graphistry_fp.effects.stream.DatasetTable` streamed from its files batch by
    batch when the plan runs. Equality compares a table's contents, a dataset's files and
    schema. ``ids`` lists the ``(column, binding)`` pairs that must hold no nulls and are
    checked while streaming (an in-memory table was already checked by ``plan()``).
    """

    dataset: Ref | str
    kind: TableKind
    table: pa.Table | DatasetTable = attrs.field(
        eq=attrs.cmp_using(eq=_sources_equal), hash=False, repr=False
    )
    ids: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_id_pairs)

    @property
    def streamed(self) -> bool:
        """True when the table is read from files as the plan runs."""
        return isinstance(self.table, DatasetTable)

    @property
    def num_rows(self) -> int | None:
        """Rows in the table; ``None`` for a dataset whose rows are counted at run time."""
        rows = self.table.num_rows
        return None if rows is None else int(rows)

    @property
    def num_columns(self) -> int:
        """Columns in the table."""
        return int(self.table.num_columns)

    def __repr__(self) -> str:
        rows = "at run time" if self.num_rows is None else self.num_rows
        return (
            f"UploadTable(dataset={self.dataset!r}, kind={self.kind!r}, "
            f"rows={rows}, columns={self.num_columns})"
        )


def _freeze_users(users: Any) -> tuple[Any, ...]:
    """Invited users as a tuple of frozen values, so a ``Share`` stays hashable."""
    return tuple(freeze(user) for user in users)


@attrs.frozen
class Share:
    """Set a dataset's sharing (``POST /api/v2/share/link/``, PROTOCOL.md 2.12)."""

    dataset: Ref | str
    mode: str = "private"
    notify: bool = False
    invited_users: tuple[Any, ...] = attrs.field(default=(), converter=_freeze_users)
    mode_action: str = "20"
    message: str = ""

    def json(self, dataset_id: str) -> dict[str, Any]:
        """The share-link request body for ``dataset_id``."""
        return {
            "obj_pk": dataset_id,
            "obj_type": "dataset",
            "mode": self.mode,
            "notify": self.notify,
            "invited_users": [thaw(u) for u in self.invited_users],
            "mode_action": self.mode_action,
            "message": self.message,
        }


Effect: TypeAlias = CreateDataset | UploadTable | Share


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the form golden tests and digests compare."""
    return json.dumps(thaw(value), sort_keys=True, separators=(",", ":"), default=str)
