"""The little state pygraphistry keeps on a plotter beyond what a plan needs.

The notebook iframe height and render mode (``settings(height=..., render=...)``), and what
``upload()`` returns: the dataset id and viewer URL of the upload a plottable came from; and
whether the automatic node title applies (pygraphistry infers one only for nodes bound as a
pandas DataFrame, PROTOCOL.md 4.3). It is one frozen record, shared (not copied) by every
chaining step that does not change it.
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
