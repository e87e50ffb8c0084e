"""Model-based test of the root rules (DESIGN.md section 4), pyrsistent style.

Every operation is applied to the real library and to a plain-Python reference model; after
every step, every plottable created so far must resolve to the client the model names, and
no plottable's value (or root cell object) may have changed.

The model restates the rules differently from the implementation: it keeps, per plottable,
the *list of owners* of its resolution path (its own cell id, then its ancestors' cell ids,
ending at the global marker or at a rooted start) and a dict of which cell ids hold a
client, and resolves by scanning that list.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import Any

import attrs
import pandas as pd
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

import graphistry_fp as graphistry
from graphistry_fp.interpreters.roots import _reset

GLOBAL = "global"
EDGES = pd.DataFrame({"s": [1, 2], "d": [2, 3]})


@attrs.define
class Model:
    """The reference: cells are ids; a plottable's path is a tuple of cell ids."""

    next_cell: int = 0
    filled: dict[int, Any] = attrs.Factory(dict)
    global_client: Any = None
    using_stack: list[Any] = attrs.Factory(list)

    def new_cell(self, client: Any = None) -> int:
        self.next_cell += 1
        if client is not None:
            self.filled[self.next_cell] = client
        return self.next_cell

    def resolve(self, path: tuple[Any, ...]) -> Any:
        for cell in path:
            if cell != GLOBAL and cell in self.filled:
                return self.filled[cell]
        if self.using_stack:
            return self.using_stack[-1]
        return self.global_client


@attrs.frozen
class Tracked:
    """A real plottable, its model path, and snapshots taken when it was made."""

    plottable: graphistry.Plottable
    path: tuple[Any, ...]
    snapshot: graphistry.Plottable
    cell: object


class RootRules(RuleBasedStateMachine):
    """Random sequences of start / chain / client / set_client / register / using."""

    plottables = Bundle("plottables")
    clients = Bundle("clients")

    def __init__(self) -> None:
        super().__init__()
        _reset()
        self.model = Model()
        self.tracked: list[Tracked] = []
        self.contexts: list[contextlib.AbstractContextManager[Any]] = []
        self.model.global_client = graphistry.client_root()
        self.all_clients: list[Any] = []

    def _track(self, p: graphistry.Plottable, path: tuple[Any, ...]) -> Tracked:
        t = Tracked(p, path, attrs.evolve(p), p.root)
        self.tracked.append(t)
        return t

    @initialize(target=clients)
    def first_client(self) -> Any:
        self.all_clients.append(graphistry.DryRunClient(server="c0.invalid"))
        return self.all_clients[-1]

    @rule(target=clients, n=st.integers(1, 1000))
    def new_client(self, n: int) -> Any:
        self.all_clients.append(graphistry.DryRunClient(server=f"c{n}.invalid"))
        return self.all_clients[-1]

    # -- starts (rules 1 and 3) -----------------------------------------------------------

    @rule(target=plottables, which=st.sampled_from(["edges", "bind", "name"]))
    def start_from_module(self, which: str) -> Tracked:
        if which == "edges":
            p = graphistry.edges(EDGES, "s", "d")
        elif which == "bind":
            p = graphistry.bind(source="s")
        else:
            p = graphistry.name("n")
        return self._track(p, (self.model.new_cell(), GLOBAL))

    @rule(target=plottables, c=clients, via_g=st.booleans())
    def start_from_client(self, c: Any, via_g: bool) -> Tracked:
        p = c.g() if via_g else graphistry.client(c)
        return self._track(p, (self.model.new_cell(c),))

    # -- chaining (rules 2 and 3) ---------------------------------------------------------

    @rule(target=plottables, parent=plottables, title=st.text(min_size=1, max_size=3))
    def chain(self, parent: Tracked, title: str) -> Tracked:
        child = parent.plottable.bind(edge_title=title).name(title)
        # two chaining steps: two new empty cells
        middle = self.model.new_cell()
        path = (self.model.new_cell(), middle, *parent.path)
        return self._track(child, path)

    @rule(target=plottables, parent=plottables, c=clients)
    def chain_client(self, parent: Tracked, c: Any) -> Tracked:
        child = parent.plottable.client(c)
        return self._track(child, (self.model.new_cell(c), *parent.path))

    # -- mutations of roots (rules 4 and 6) -----------------------------------------------

    @rule(p=plottables, c=clients)
    def set_client(self, p: Tracked, c: Any) -> None:
        p.plottable.set_client(c)
        self.model.filled[p.path[0]] = c

    @rule(c=clients, via_register=st.booleans())
    def set_global(self, c: Any, via_register: bool) -> None:
        if via_register:
            graphistry.register(client=c)
        else:
            graphistry.client_root(c)
        self.model.global_client = c

    @rule(c=clients)
    def enter_using(self, c: Any) -> None:
        cm = graphistry.using(c)
        cm.__enter__()
        self.contexts.append(cm)
        self.model.using_stack.append(c)

    @precondition(lambda self: bool(self.contexts))
    @rule()
    def exit_using(self) -> None:
        self.contexts.pop().__exit__(None, None, None)
        self.model.using_stack.pop()

    # -- async steps: aplot in concurrent tasks, each inside its own using() or none --------

    @rule(p=plottables, per_task=st.lists(st.one_of(st.none(), clients), min_size=1, max_size=3))
    def aplot_in_concurrent_tasks(self, p: Tracked, per_task: list[Any]) -> None:
        """Tasks run at once; task i enters ``using(per_task[i])`` (None: no block), yields,
        then awaits ``aplot``: each runs on the client the model names for it (its own
        using, else the enclosing ones, unless a cell of its path holds a client), and no
        task's using() leaks into another task or back into this context."""
        bound = {v for v in p.plottable.bindings.values() if isinstance(v, str)} - {"s", "d"}
        table = EDGES.assign(**{column: "x" for column in bound})
        target = p.plottable.edges(table, "s", "d")  # a child: resolves as p does

        def expected(c: Any) -> Any:
            stack = self.model.using_stack
            self.model.using_stack = stack if c is None else [*stack, c]
            try:
                return self.model.resolve(p.path)
            finally:
                self.model.using_stack = stack

        async def one(c: Any) -> Any:
            with graphistry.using(c) if c is not None else contextlib.nullcontext():
                await asyncio.sleep(0)
                return await target.aplot(render="url")

        async def wave() -> list[Any]:
            return await asyncio.gather(*(one(c) for c in per_task), return_exceptions=True)

        before = {id(c): len(c.performed) for c in self.all_clients}
        outcomes = asyncio.run(wave())
        wanted = [expected(c) for c in per_task]
        runs = Counter(id(w) for w in wanted if isinstance(w, graphistry.DryRunClient))
        performed = {
            id(c): (len(c.performed) - before[id(c)]) // 2 for c in self.all_clients
        }
        assert {k: v for k, v in performed.items() if v} == dict(runs)
        for want, outcome in zip(wanted, outcomes):
            if isinstance(want, graphistry.DryRunClient):
                assert isinstance(outcome, str) and want.server in outcome
            else:
                assert isinstance(outcome, graphistry.NotConfiguredError)

    @rule(p=consumes(plottables))
    def forget(self, p: Tracked) -> None:
        """Dropping a handle must not change how the others resolve (cells are shared)."""

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def everyone_resolves_as_the_model_says(self) -> None:
        for t in self.tracked:
            expected = self.model.resolve(t.path)
            assert expected is t.plottable.get_client()

    @invariant()
    def no_value_ever_changed(self) -> None:
        for t in self.tracked:
            assert t.snapshot == t.plottable
            assert t.cell is t.plottable.root

    @invariant()
    def client_root_is_always_the_global(self) -> None:
        assert self.model.global_client is graphistry.client_root()

    def teardown(self) -> None:
        while self.contexts:
            self.contexts.pop().__exit__(None, None, None)
        _reset()


TestRootRules = RootRules.TestCase
