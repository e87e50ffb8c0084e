"""Fair turns: the runs on one event loop share a budget of loop time per turn.

Theory of operation. A wave of plots started together (``asyncio.gather`` of 50
``aplot()``) makes every run ready in the same turn of the loop, and again each time their
replies arrive together: each run's step is short (a fraction of a millisecond: writing a
small upload body, parsing a reply, building the next request), but fifty of them in one
turn hold the loop for tens of milliseconds, and a service's other callbacks (its own
requests, a health check) wait that long. Before each such step a run awaits
:func:`fair_turn`: while the steps run so far in this turn of the loop took less than
:data:`TURN_BUDGET_S`, it goes on at once; past it, the step waits for a later turn, where
the loop's other ready callbacks (timers, I/O) run first. No step is cut: a turn ends at most
one step past its budget.

A turn is measured from the first checkpoint in it: the first caller records the time and
schedules a reset with ``call_soon``, which the loop runs at the start of the next turn. The
state is per loop (one client may serve several loops) and touched only by that loop's thread.

The checkpoints: before an async plot builds its plan (``aplot``: core awaits the gate this
module installs, :func:`graphistry_fp.core.roots.install_turn_gate`), before a run writes its
upload bodies, and before each request. asyncio is imported at the first checkpoint, so
importing the package still loads no asyncio.
"""

from __future__ import annotations

import time
import weakref
from typing import TYPE_CHECKING

from ..core.roots import install_turn_gate

if TYPE_CHECKING:
    import asyncio

#: The loop time the runs on one loop may take in one turn before their next steps wait
#: for a later turn (seconds).
TURN_BUDGET_S = 0.002


class _Turn:
    """When the current turn's first checkpoint ran (None: no checkpoint since the reset)."""

    __slots__ = ("started",)

    def __init__(self) -> None:
        self.started: float | None = None

    def reset(self) -> None:
        self.started = None


_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turn] = weakref.WeakKeyDictionary()


async def fair_turn() -> None:
    """Return at once while this turn's budget lasts, else after a later turn begins."""
    import asyncio  # here: importing the package loads no asyncio

    loop = asyncio.get_running_loop()
    turn = _turns.get(loop)
    if turn is None:
        turn = _turns[loop] = _Turn()
    while True:
        now = time.perf_counter()
        if turn.started is None:
            turn.started = now
            loop.call_soon(turn.reset)
            return
        if now - turn.started < TURN_BUDGET_S:
            return
        await asyncio.sleep(0)


install_turn_gate(fair_turn)

__all__ = ["TURN_BUDGET_S", "fair_turn"]
