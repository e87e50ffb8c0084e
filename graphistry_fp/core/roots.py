"""Root cells: which client runs a plottable (DESIGN.md section 4).

Theory of operation. Every plottable owns one small mutable :class:`RootCell`:
``(client or None, parent cell or None)``; a cell never holds data. Chaining gives the new
plottable an empty cell whose parent is the receiver's cell, so a chain is a linked list
of cells pointing towards where it started. ``p.client(c)`` starts a new cell holding
``c``; ``p.set_client(c)`` fills ``p``'s own cell, which every plottable derived from
``p`` sees until a filled cell of its own is closer.

:func:`resolve` walks from a cell towards the top and returns the first client found; if
there is none, the innermost ``using(c)`` client of the current context (a ``ContextVar``,
so per thread and per asyncio task); if none, the process-wide global root.

The global root is state (a client, and whether any explicit root was ever made, which the
legacy ``register()`` warns about), so it lives, behind its lock, in
``graphistry_fp.interpreters.roots``; that layer *installs* it here when it is imported
(:func:`install_global_root`, typed by the :class:`GlobalRoot` protocol). Core never looks
it up, and keeps no lock of its own: the two references the layer above installs (the
global root, and the renderer ``plot()`` hands its result to, see ``core/render.py``) are
written once, at import. Resolution always happens at call time, so later
``set_client``/``register`` calls are seen by plottables that already exist.

This module does no I/O and imports nothing that does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import NotConfiguredError

if TYPE_CHECKING:
    from ..effects import PlotPlan, PlotResult, Share


@runtime_checkable
class Interpreter(Protocol):
    """What core needs of a client: an interpreter that can run a plan."""

    def run(self, plan: PlotPlan) -> PlotResult:
        """Perform ``plan`` and return its result."""
        ...


class RootCell:
    """``(client or None, parent)``: the unit of the root rules. Mutable, tiny, slotted."""

    __slots__ = ("client", "parent")

    def __init__(self, client: Interpreter | None = None, parent: RootCell | None = None) -> None:
        self.client = client
        self.parent = parent
        if client is not None:
            _note_explicit_root()

    def fill(self, client: Interpreter) -> None:
        """``set_client``: put ``client`` in this cell."""
        if not isinstance(client, Interpreter):
            raise TypeError(f"a client must have a run(plan) method, not {type(client).__name__}")
        self.client = client
        _note_explicit_root()

    def __repr__(self) -> str:
        return f"RootCell(client={self.client!r}, parent={'...' if self.parent else None})"


#: what ``plot(render)`` hands its result to: ``renderer(result, render, iframe_html) -> str``.
Renderer = Callable[["PlotResult", object, str], str]
#: Awaited before an async plot builds its plan (:func:`install_turn_gate`).
TurnGate = Callable[[], Awaitable[None]]


class GlobalRoot(Protocol):
    """What the interpreters layer installs: the process-wide global root, behind its lock."""

    def get(self) -> Interpreter:
        """The global root's client, now."""
        ...

    def note_explicit_root(self) -> None:
        """Remember that some plottable was given an explicit client root."""
        ...

    def explicit_roots_exist(self) -> bool:
        """Whether :meth:`note_explicit_root` was called since the last reset."""
        ...

    def default_privacy(self) -> Share | None:
        """The legacy session's default sharing (module ``privacy(...)``), or ``None``."""
        ...


_NO_ROOT = (
    "no global client root is installed: import graphistry_fp.interpreters (which installs "
    "it; any use of the graphistry_fp façade does), "
    "or give the plottable a client with g.client(c) or graphistry_fp.using(c)"
)


class _NotInstalled:
    """The stand-in before the interpreters layer is imported: resolving fails clearly."""

    def get(self) -> Interpreter:
        raise NotConfiguredError(_NO_ROOT)

    def note_explicit_root(self) -> None:
        pass

    def explicit_roots_exist(self) -> bool:
        return False

    def default_privacy(self) -> Share | None:
        return None


class _Installed:
    """The references the layer above installs at import (written once, read often)."""

    __slots__ = ("renderer", "root", "turn_gate")

    def __init__(self) -> None:
        self.root: GlobalRoot = _NotInstalled()
        self.renderer: Renderer | None = None
        self.turn_gate: TurnGate | None = None


_INSTALLED = _Installed()


def _note_explicit_root() -> None:
    _INSTALLED.root.note_explicit_root()


def install_global_root(root: GlobalRoot) -> None:
    """Make ``root.get()`` the last step of :func:`resolve` (``graphistry_fp.interpreters``
    calls this when it is imported, so core never imports the layer above it)."""
    _INSTALLED.root = root


def install_renderer(renderer: Renderer) -> None:
    """Make ``renderer`` what ``plot()`` returns through (called by ``graphistry_fp.interpreters``).

    Rendering opens browsers and talks to IPython, so it lives above core.
    """
    _INSTALLED.renderer = renderer


def installed_renderer() -> Renderer | None:
    """The renderer installed by the layer above, or ``None``."""
    return _INSTALLED.renderer


def install_turn_gate(gate: TurnGate) -> None:
    """Make ``await gate()`` the first step of ``aplot()`` (called by
    ``graphistry_fp.interpreters``: its fair turns spread a wave of plots started together
    over the loop's turns, and core does not schedule anything itself)."""
    _INSTALLED.turn_gate = gate


def installed_turn_gate() -> TurnGate | None:
    """The turn gate installed by the layer above, or ``None``."""
    return _INSTALLED.turn_gate


def explicit_roots_exist() -> bool:
    """True once any plottable in this process was given an explicit client root."""
    return _INSTALLED.root.explicit_roots_exist()


_using: ContextVar[Interpreter | None] = ContextVar("graphistry_fp_using", default=None)


@contextmanager
def using(client: Interpreter) -> Iterator[Interpreter]:
    """Inside the block, plottables with no explicit root resolve to ``client``.

    Context-local (``contextvars``): safe per thread and per asyncio task. Resolution
    happens at call time, so a plottable created inside the block but resolved after it no
    longer sees ``client``. ``client_root()`` is not affected.

    Example:
        >>> with graphistry.using(tenant_client):          # doctest: +SKIP
        ...     graphistry.edges(df, "s", "d").plot()
    """
    if not isinstance(client, Interpreter):
        raise TypeError(f"using() takes a client, not {type(client).__name__}")
    token = _using.set(client)
    try:
        yield client
    finally:
        _using.reset(token)


def current_using() -> Interpreter | None:
    """The innermost ``using(c)`` client of the current context, or ``None``."""
    return _using.get()


def _global_root() -> Interpreter:
    return _INSTALLED.root.get()


def explicit_client(cell: RootCell) -> Interpreter | None:
    """The first client in ``cell`` or its ancestors, or ``None``."""
    node: RootCell | None = cell
    while node is not None:
        if node.client is not None:
            return node.client
        node = node.parent
    return None


def resolves_to_global_root(cell: RootCell) -> bool:
    """True when :func:`resolve` would end at the global root: no client in ``cell`` or its
    ancestors, and no ``using(c)`` block in the current context."""
    return explicit_client(cell) is None and _using.get() is None


def global_default_privacy() -> Share | None:
    """The legacy session's default sharing, set by the module ``privacy(...)``, or ``None``."""
    return _INSTALLED.root.default_privacy()


def resolve(cell: RootCell) -> Interpreter:
    """The client a plottable with this cell runs on, now (rule 5)."""
    found = explicit_client(cell)
    if found is not None:
        return found
    context = _using.get()
    if context is not None:
        return context
    return _global_root()
