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
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

Ticket = Future[None]


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
