"""A content digest of a plan: equal plans give equal digests, in any process."""

from __future__ import annotations

import hashlib

from .plan import PlotPlan
from .records import CreateDataset, Share, UploadTable, canonical_json
from .tables import table_digest


def plan_digest(plan: PlotPlan) -> str:
    """SHA-256 over the plan's JSON bodies and its tables' values (see ``tables.table_digest``).

    Equal plans give equal digests in any process, however their tables are chunked.
    """
    h = hashlib.sha256()
    for effect in plan.steps:
        h.update(type(effect).__name__.encode())
        if isinstance(effect, CreateDataset):
            h.update(canonical_json(effect.body).encode())
        elif isinstance(effect, UploadTable):
            h.update(effect.kind.encode())
            h.update(table_digest(effect.table).encode())
        elif isinstance(effect, Share):
            h.update(canonical_json(effect.json("")).encode())
    h.update(canonical_json(list(plan.url_params)).encode())
    return h.hexdigest()
