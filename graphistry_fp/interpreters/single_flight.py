"""One operation in flight at a time, shared by threads and asyncio tasks on any event loops.

Theory of operation. A :class:`Flight` hands out one *ticket* at a time: the caller that
gets it (the leader) performs the operation; callers that arrive while it is out wait for
it to be handed back, then look again (usually finding the leader's result). Waiting is
blocking for a thread (:meth:`Flight.wait`) and an ``await`` for a task
(:meth:`Flight.await_`), so one flight serves both, on any number of event loops: a thread
never polls a loop, a task never blocks its loop.

A ticket is a ``concurrent.futures.Future`` that is only ever completed with ``None``, by
:meth:`Flight.land`, never cancelled: a waiting task that is cancelled stops waiting
without cancelling the ticket the others wait on. The leader must land its ticket however
it leaves (result, error, cancellation): callers do that in a ``finally``.

:class:`FlightCell` is what the token cache builds on: a value renewed by the one leader
of a flight, with the rules of DESIGN.md section 5 (a caller that waited behind a failed
flight gets a copy of its error instead of sending requests of its own), for threads
(:meth:`FlightCell.exclusive`) and tasks (:meth:`FlightCell.aexclusive`) alike.
"""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

from graphistry_fp.errors import GraphistryError

Ticket = Future[None]
S = TypeVar("S")


class Flight:
    """The ticket of the one operation in flight, if any (thread-safe, loop-agnostic)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._ticket: Ticket | None = None

    def take_or_join(self) -> tuple[Ticket, bool]:
        """The ticket in flight and False, or a new ticket (the caller leads) and True.

        Callers serialize the decision that precedes this call with their own lock held
        (the token cache's), so "look at the state, then lead or wait" is atomic.
        """
        with self._mutex:
            if self._ticket is not None:
                return self._ticket, False
            self._ticket = Future()
            return self._ticket, True

    def land(self, ticket: Ticket) -> None:
        """The leader is done: release every waiter (threads and tasks, on any loop)."""
        with self._mutex:
            if self._ticket is ticket:
                self._ticket = None
        if not ticket.done():
            ticket.set_result(None)

    @staticmethod
    def wait(ticket: Ticket) -> None:
        """Block this thread until ``ticket`` lands."""
        ticket.result()

    @staticmethod
    async def await_(ticket: Ticket) -> None:
        """Wait, without blocking the running loop, until ``ticket`` lands.

        Cancelling the waiting task cancels only its own waiter, never the ticket.
        """
        if ticket.done():
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()

        def wake_in_loop() -> None:
            if not waiter.done():
                waiter.set_result(None)

        def wake(_: Ticket) -> None:
            try:
                loop.call_soon_threadsafe(wake_in_loop)
            except RuntimeError:  # that loop is closed: nobody is waiting there any more
                pass

        ticket.add_done_callback(wake)
        await waiter


class FlightCell(Generic[S]):
    """A value (``state``) replaced as a whole by the one leader of a :class:`Flight`.

    ``state`` is read without a lock (it is replaced, never mutated). To change it, a
    caller passes ``satisfied`` (the state it needs is already there: no flight) and
    ``op`` (computes the new state from the old; sync for threads, awaitable for tasks).
    A leader cancelled mid-flight lands its ticket with no outcome: the state stays as it
    was, and a waiter leads next.
    """

    def __init__(self, state: S | None) -> None:
        self.state = state
        self._mutex = threading.Lock()
        self._flight = Flight()
        self._generation = 0
        self._failure: GraphistryError | None = None

    @property
    def in_flight(self) -> bool:
        """True while a leader holds the ticket."""
        return self._flight._ticket is not None

    def _enter(
        self, satisfied: Callable[[S | None], bool], seen: int, share_failure: bool
    ) -> tuple[S | None, Ticket | None, bool]:
        """Decide atomically: done (the state), wait (a ticket), or lead (a new ticket)."""
        with self._mutex:
            state = self.state
            if state is not None and satisfied(state):
                return state, None, False
            if share_failure and self._generation != seen and self._failure is not None:
                # The flight we waited for failed: share its error, send no request.
                raise copy.copy(self._failure)
            ticket, lead = self._flight.take_or_join()
            return state, ticket, lead

    def _land(self, ticket: Ticket, new: S | None, error: GraphistryError | None) -> None:
        with self._mutex:
            if new is not None:
                self.state, self._failure = new, None
                self._generation += 1
            elif error is not None:
                self._failure = error
                self._generation += 1
        self._flight.land(ticket)

    def exclusive(
        self,
        satisfied: Callable[[S | None], bool],
        op: Callable[[S | None], S],
        *,
        share_failure: bool = True,
    ) -> S:
        """The satisfying state, or ``op``'s, run by one thread or task at a time."""
        seen = self._generation
        while True:
            state, ticket, lead = self._enter(satisfied, seen, share_failure)
            if ticket is None:
                return state  # type: ignore[return-value]  # satisfied: not None
            if not lead:
                Flight.wait(ticket)
                continue
            new: S | None = None
            error: GraphistryError | None = None
            try:
                new = op(state)
                return new
            except GraphistryError as failure:
                error = failure
                raise
            finally:
                self._land(ticket, new, error)

    async def aexclusive(
        self,
        satisfied: Callable[[S | None], bool],
        op: Callable[[S | None], Awaitable[S]],
        *,
        share_failure: bool = True,
    ) -> S:
        """:meth:`exclusive` for a task: waits by awaiting, never blocking its loop."""
        seen = self._generation
        while True:
            state, ticket, lead = self._enter(satisfied, seen, share_failure)
            if ticket is None:
                return state  # type: ignore[return-value]  # satisfied: not None
            if not lead:
                await Flight.await_(ticket)
                continue
            new: S | None = None
            error: GraphistryError | None = None
            try:
                new = await op(state)
                return new
            except GraphistryError as failure:
                error = failure
                raise
            finally:
                self._land(ticket, new, error)
