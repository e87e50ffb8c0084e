"""Root cells: which client runs a plottable (DESIGN.md section 4).

Theory of operation. Every plottable owns one small mutable :class:`RootCell`:
``(client or None, parent cell or None)``; a cell never holds data. Chaining gives the new
plottable an empty cell whose parent is the receiver's cell, so a chain is a linked list
of cells pointing towards where it started. ``p.client(c)`` starts a new cell holding
``c``; ``p.set_client(c)`` fills ``p``'s own cell, which every plottable derived from
``p`` sees until a filled cell of its own is closer.

:func:`resolve` walks from a cell towards the top and returns the first client found; if
there is none, the innermost ``using(c)`` client of the current context (a ``ContextVar``,
so per thread and per asyncio task); if none, the process-wide global root, which lives in
``graphistry_fp.interpreters`` (it needs a lock) and is looked up lazily, at call time.
Resolution always happens at call time, so later ``set_client``/``register`` calls are
seen by plottables that already exist.

This module does no I/O and imports nothing that does.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..effects import PlotPlan, PlotResult


@runtime_checkable
class Runner(Protocol):
    """What core needs of a client: an interpreter that can run a plan."""

    def run(self, plan: PlotPlan) -> PlotResult:
        """Perform ``plan`` and return its result."""
        ...


class RootCell:
    """``(client or None, parent)``: the unit of the root rules. Mutable, tiny, slotted."""

    __slots__ = ("client", "parent")

    def __init__(self, client: Runner | None = None, parent: RootCell | None = None) -> None:
        self.client = client
        self.parent = parent
        if client is not None:
            _note_explicit_root()

    def fill(self, client: Runner) -> None:
        """``set_client``: put ``client`` in this cell."""
        if not isinstance(client, Runner):
            raise TypeError(f"a client must have a run(plan) method, not {type(client).__name__}")
        self.client = client
        _note_explicit_root()

    def __repr__(self) -> str:
        return f"RootCell(client={self.client!r}, parent={'...' if self.parent else None})"


# Whether any explicit root (a filled cell) was ever made in this process; the legacy
# register(**credentials) warns when it may surprise code that relies on one.
_explicit_roots = [False]


def _note_explicit_root() -> None:
    _explicit_roots[0] = True


def explicit_roots_exist() -> bool:
    """True once any plottable in this process was given an explicit client root."""
    return _explicit_roots[0]


def _forget_explicit_roots() -> None:
    """Testing hook: reset the explicit-roots flag (used by the global root's reset)."""
    _explicit_roots[0] = False


_using: ContextVar[Runner | None] = ContextVar("graphistry_fp_using", default=None)


@contextmanager
def using(client: Runner) -> Iterator[Runner]:
    """Inside the block, plottables with no explicit root resolve to ``client``.

    Context-local (``contextvars``): safe per thread and per asyncio task. Resolution
    happens at call time, so a plottable created inside the block but resolved after it no
    longer sees ``client``. ``client_root()`` is not affected.

    Example:
        >>> with graphistry.using(tenant_client):          # doctest: +SKIP
        ...     graphistry.edges(df, "s", "d").plot()
    """
    if not isinstance(client, Runner):
        raise TypeError(f"using() takes a client, not {type(client).__name__}")
    token = _using.set(client)
    try:
        yield client
    finally:
        _using.reset(token)


def current_using() -> Runner | None:
    """The innermost ``using(c)`` client of the current context, or ``None``."""
    return _using.get()


def _global_root() -> Runner:
    module = importlib.import_module("graphistry_fp.interpreters.roots")
    client: Runner = module.client_root()
    return client


def explicit_client(cell: RootCell) -> Runner | None:
    """The first client in ``cell`` or its ancestors, or ``None``."""
    node: RootCell | None = cell
    while node is not None:
        if node.client is not None:
            return node.client
        node = node.parent
    return None


def resolve(cell: RootCell) -> Runner:
    """The client a plottable with this cell runs on, now (rule 5)."""
    found = explicit_client(cell)
    if found is not None:
        return found
    context = _using.get()
    if context is not None:
        return context
    return _global_root()
