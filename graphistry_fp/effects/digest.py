"""A content digest of a plan: equal plans give equal digests, in any process."""

from __future__ import annotations

import hashlib

from .plan import PlotPlan
from .records import CreateDataset, Share, UploadTable, canonical_json
from .stream import DatasetTable
from .tables import table_digest


def plan_digest(plan: PlotPlan) -> str:
    """SHA-256 over the plan's JSON bodies and its tables' values (see ``tables.table_digest``).

    Equal plans give equal digests in any process, however their tables are chunked. A
    dataset read at run time digests by its format, files and schema (no rows are read).
    """
    h = hashlib.sha256()
    for effect in plan.steps:
        h.update(type(effect).__name__.encode())
        if isinstance(effect, CreateDataset):
            h.update(canonical_json(effect.body).encode())
        elif isinstance(effect, UploadTable):
            h.update(effect.kind.encode())
            table = effect.table
            source = table.digest() if isinstance(table, DatasetTable) else table_digest(table)
            h.update(source.encode())
            if effect.ids:
                h.update(canonical_json(list(effect.ids)).encode())
        elif isinstance(effect, Share):
            h.update(canonical_json(effect.json("")).encode())
    h.update(canonical_json(list(plan.url_params)).encode())
    return h.hexdigest()
