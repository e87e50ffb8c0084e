"""The little state pygraphistry keeps on a plotter beyond what a plan needs.

The notebook iframe height and render mode (``settings(height=..., render=...)``), and what
``upload()`` returns: the dataset id and viewer URL of the upload a plottable came from; and
whether the automatic node title applies (pygraphistry infers one only for nodes bound as a
pandas DataFrame, PROTOCOL.md 4.3). It is one frozen record, shared (not copied) by every
chaining step that does not change it.

It is not an attrs field: a plottable holds it in its ``__dict__`` under :data:`LEGACY` only
once something set it (``Plottable.legacy`` reads it, else :data:`DEFAULT_LEGACY`), so the
plain chaining steps of a notebook cost no extra slot (measured: 307 bytes per retained
step either way).
"""

from __future__ import annotations

import attrs


@attrs.frozen
class LegacyState:
    """``height``/``render`` for the notebook, ``dataset_id``/``url`` after ``upload()``,
    ``auto_title`` for the compiler."""

    height: int | float | str = 500
    render: object = None
    dataset_id: str | None = None
    url: str | None = None
    auto_title: bool = True


DEFAULT_LEGACY = LegacyState()

#: the ``__dict__`` key of a plottable's non-default :class:`LegacyState`.
LEGACY = "_legacy"
