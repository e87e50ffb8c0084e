"""The pure effect vocabulary: effect records, ``PlotPlan``, ``PlotResult``, the walker.

Vocabulary, used the same way across the library: a *plan* is *walked* (:func:`walk`, the
one plan walker; :func:`perform_plan` feeds it); an *effect* is *performed* by a
*performer* (``interpreters.http.PERFORMERS``, the dry-run client's recorder); a *flow* (a
sans-I/O login or request exchange in ``interpreters.wire``) is *run* by a flow runner
(``run_flow``). An *interpreter* is what runs a plan for a plottable
(``core.roots.Interpreter``: any object with ``run(plan)``; every ``Client`` is one).

Nothing here performs I/O; a test imports this package in a subprocess and proves that
neither ``requests`` nor ``socket`` gets loaded.
"""

from .digest import plan_digest
from .plan import PlotPlan, PlotResult, Stage
from .records import (
    DATASET,
    CreateDataset,
    Effect,
    Ref,
    Share,
    TableKind,
    UploadTable,
    canonical_json,
)
from .stream import DatasetTable
from .url import viewer_url
from .walk import Walk, perform_plan, walk

__all__ = [
    "DATASET",
    "CreateDataset",
    "DatasetTable",
    "Effect",
    "PlotPlan",
    "PlotResult",
    "Ref",
    "Share",
    "Stage",
    "TableKind",
    "UploadTable",
    "Walk",
    "canonical_json",
    "perform_plan",
    "plan_digest",
    "viewer_url",
    "walk",
]
