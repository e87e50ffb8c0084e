"""One daemon thread that calls functions at deadlines: the overall request deadline.

Theory of operation. A blocking ``requests`` call cannot be given an overall deadline: its
read timeout bounds the wait for *one* byte. The transport arms an alarm per request that,
at the deadline, shuts the request's socket down; the blocked read then returns at once
and the transport reports the deadline. One thread serves every alarm of the process (a
heap ordered by deadline), so a request costs a heap push, not a thread.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable

_COMPACT_MIN = 1024


class Alarm:
    """A pending call; :meth:`cancel` it when the request finished in time."""

    __slots__ = ("at", "cancelled", "fn")

    def __init__(self, at: float, fn: Callable[[], object]) -> None:
        self.at = at
        self.fn = fn
        self.cancelled = False

    def cancel(self) -> None:
        """Do not call the function (a no-op once it ran)."""
        self.cancelled = True


class Watchdog:
    """Calls each armed function at its deadline (monotonic seconds), on one daemon thread."""

    def __init__(self) -> None:
        self._reset()
        if hasattr(os, "register_at_fork"):
            # A forked child has none of the parent's threads: start afresh there.
            os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._compact_at = _COMPACT_MIN

    def arm(self, seconds: float, fn: Callable[[], object]) -> Alarm:
        """Call ``fn()`` in ``seconds`` unless the returned alarm is cancelled first."""
        alarm = Alarm(time.monotonic() + seconds, fn)
        with self._wake:
            if len(self._heap) >= self._compact_at:
                # Cancelled alarms wait in the heap until their time; drop them in bulk
                # (amortized: the heap at most doubles between compactions).
                self._heap = [entry for entry in self._heap if not entry[2].cancelled]
                heapq.heapify(self._heap)
                self._compact_at = max(_COMPACT_MIN, 2 * len(self._heap))
            heapq.heappush(self._heap, (alarm.at, next(self._order), alarm))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="graphistry_fp-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is alarm:
                self._wake.notify()
        return alarm

    def _loop(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                at, _, alarm = self._heap[0]
                delay = at - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                heapq.heappop(self._heap)
            if not alarm.cancelled:
                try:
                    alarm.fn()
                except Exception:  # an alarm must never stop the others
                    pass


#: The process's one watchdog.
WATCHDOG = Watchdog()
