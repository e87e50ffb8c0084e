"""The pure effect vocabulary: effect records, ``PlotPlan``, ``PlotResult``, the walker.

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
from .url import viewer_url
from .walk import Walk, drive, walk

__all__ = [
    "DATASET",
    "CreateDataset",
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
    "drive",
    "plan_digest",
    "viewer_url",
    "walk",
]
