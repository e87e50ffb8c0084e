"""Root cells: which client runs a plottable (DESIGN.md section 4).

Theory of operation. Every plottable owns one small mutable :class:`RootCell`:
``(client or None, parent cell or None)``; a cell never holds data. Chaining gives the new
plottable an empty cell whose parent is the receiver's cell, so a chain is a linked list
of cells pointing towards where it started. ``p.client(c)`` starts a new cell holding
``c``; ``p.set_client(c)`` fills ``p``'s own cell, which every plottable derived from
``p`` sees until a filled cell of its own is closer.

:func:`resolve` walks from a cell towards the top and returns the first client found; if
there is none, the innermost ``using(c)`` client of the current context (a ``ContextVar``,
so per thread and per asyncio task); if none, the process-wide global root. The global root
lives in ``graphistry_fp.interpreters`` (it holds a client); that layer *installs* a getter
for it here when it is imported (:func:`install_global_root`); core never looks it up.
Resolution always happens at call time, so later ``set_client``/``register`` calls are
seen by plottables that already exist.

This module's process-wide state is one locked :class:`_Installed` object: what the layer
above installed (the global-root getter, and the renderer ``plot()`` hands its result to,
see ``core/render.py``) and whether any explicit root was ever made; one reset clears the flag.

This module does no I/O and imports nothing that does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import NotConfiguredError

if TYPE_CHECKING:
    from ..effects import PlotPlan, PlotResult


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


#: what ``plot(render)`` hands its result to: ``renderer(result, render) -> str``.
Renderer = Callable[["PlotResult", object], str]


class _Installed:
    """The global-root getter installed from above, and the explicit-roots flag, under a lock."""

    __slots__ = ("_explicit", "_getter", "_lock", "_renderer")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._getter: Callable[[], Interpreter] | None = None
        self._renderer: Renderer | None = None
        self._explicit = False

    def install(self, getter: Callable[[], Interpreter]) -> None:
        with self._lock:
            self._getter = getter

    def getter(self) -> Callable[[], Interpreter] | None:
        with self._lock:
            return self._getter

    def install_renderer(self, renderer: Renderer) -> None:
        with self._lock:
            self._renderer = renderer

    def renderer(self) -> Renderer | None:
        with self._lock:
            return self._renderer

    def note_explicit(self) -> None:
        if not self._explicit:  # written once; the lock only orders the first write
            with self._lock:
                self._explicit = True

    def explicit(self) -> bool:
        with self._lock:
            return self._explicit

    def forget_explicit(self) -> None:
        with self._lock:
            self._explicit = False


_INSTALLED = _Installed()
_note_explicit_root = _INSTALLED.note_explicit


def install_global_root(getter: Callable[[], Interpreter]) -> None:
    """Make ``getter()`` the last step of :func:`resolve` (called by ``graphistry_fp.interpreters``).

    The layer that owns the process-wide global root installs it here when it is
    imported, so core never imports the layer above it.
    """
    _INSTALLED.install(getter)


def install_renderer(renderer: Renderer) -> None:
    """Make ``renderer`` what ``plot()`` returns through (called by ``graphistry_fp.interpreters``).

    Rendering opens browsers and talks to IPython, so it lives above core.
    """
    _INSTALLED.install_renderer(renderer)


def installed_renderer() -> Renderer | None:
    """The renderer installed by the layer above, or ``None``."""
    return _INSTALLED.renderer()


def explicit_roots_exist() -> bool:
    """True once any plottable in this process was given an explicit client root."""
    return _INSTALLED.explicit()


def forget_explicit_roots() -> None:
    """Testing hook: reset the explicit-roots flag (part of the global root's reset)."""
    _INSTALLED.forget_explicit()


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
    getter = _INSTALLED.getter()
    if getter is None:
        raise NotConfiguredError(
            "no global client root is installed: import graphistry_fp (which installs it), "
            "or give the plottable a client with g.client(c) or graphistry_fp.using(c)"
        )
    return getter()


def explicit_client(cell: RootCell) -> Interpreter | None:
    """The first client in ``cell`` or its ancestors, or ``None``."""
    node: RootCell | None = cell
    while node is not None:
        if node.client is not None:
            return node.client
        node = node.parent
    return None


def resolve(cell: RootCell) -> Interpreter:
    """The client a plottable with this cell runs on, now (rule 5)."""
    found = explicit_client(cell)
    if found is not None:
        return found
    context = _using.get()
    if context is not None:
        return context
    return _global_root()
