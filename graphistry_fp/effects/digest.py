"""A content digest of a plan: equal plans give equal digests, in any process."""

from __future__ import annotations

import hashlib

from .plan import PlotPlan
from .records import CreateDataset, Share, UploadTable, canonical_json


def plan_digest(plan: PlotPlan) -> str:
    """SHA-256 over the plan's JSON bodies, table schemas and table buffers (no copies)."""
    h = hashlib.sha256()
    for effect in plan.steps:
        h.update(type(effect).__name__.encode())
        if isinstance(effect, CreateDataset):
            h.update(canonical_json(effect.body).encode())
        elif isinstance(effect, UploadTable):
            h.update(effect.kind.encode())
            h.update(str(effect.table.schema).encode())
            for column in effect.table.columns:
                for chunk in column.chunks:
                    for buffer in chunk.buffers():
                        if buffer is not None:
                            h.update(memoryview(buffer))
        elif isinstance(effect, Share):
            h.update(canonical_json(effect.json("")).encode())
    h.update(canonical_json(list(plan.url_params)).encode())
    return h.hexdigest()
