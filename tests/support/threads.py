"""Bounded runs: a scenario on a daemon thread that fails the test if it has not returned in
its budget (a hang is a failure, never a stuck CI job), bounded joins, many threads calling
at once, and :class:`Timeline` for checking what a racing run may have seen."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


def bounded(seconds: float, fn: Callable[[], T]) -> T:
    """``fn()`` on a daemon thread; fail the test if it has not returned within ``seconds``.

    Exceptions raised by ``fn`` are re-raised here.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as error:  # re-raised in the test's thread
            box["error"] = error

    thread = threading.Thread(target=target, daemon=True, name="bounded")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"hung: still running after {seconds} s (the library must never hang)")
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def join_all(threads: list[threading.Thread], seconds: float) -> None:
    """Join ``threads`` within ``seconds`` in all; fail the test naming any still alive."""
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in threads if t.is_alive()]
    if alive:
        pytest.fail(f"hung: threads {alive} still running after {seconds} s")


def at_once(count: int, fn: Callable[[], T], seconds: float = 30.0) -> list[T | BaseException]:
    """``fn()`` on ``count`` threads released together: what each returned, or the
    exception it raised, in the order they ended. Fails the test naming any thread still
    running after ``seconds``."""
    barrier = threading.Barrier(count)
    outcomes: list[T | BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait(seconds)
            outcome: T | BaseException = fn()
        except BaseException as error:  # returned to the test, which asserts on it
            outcome = error
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker, name=f"at-once-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    join_all(threads, seconds)
    return outcomes


class Timeline:
    """What a mutable thing (a root, a client's org) was, and when it changed.

    Changes are made by one thread, each timed from before the call to after it returns.
    :meth:`allowed` answers every value the thing may have had at some moment of
    ``[start, end]``: the value in force at ``start`` and the value of every change that
    overlaps the interval. A run observed over ``[start, end]`` must have used one of them.
    """

    def __init__(self, initial: Any) -> None:
        self._initial = initial
        self._changes: list[tuple[float, float, Any]] = []
        self._lock = threading.Lock()

    def change(self, value: Any, apply: Callable[[], object]) -> None:
        """Apply a change to ``value`` (``apply()`` does it), timing it."""
        started = time.monotonic()
        apply()
        ended = time.monotonic()
        with self._lock:
            self._changes.append((started, ended, value))

    def record(self, value: Any, started: float, ended: float) -> None:
        """Record a change made elsewhere between ``started`` and ``ended``."""
        with self._lock:
            self._changes.append((started, ended, value))

    def allowed(self, start: float, end: float) -> list[Any]:
        """Every value possible at some moment of ``[start, end]`` (compared by identity)."""
        with self._lock:
            changes = list(self._changes)
        current = self._initial
        overlapping: list[Any] = []
        for began, finished, value in changes:
            if finished < start:
                current = value
            elif began <= end:
                overlapping.append(value)
        return [current, *overlapping]

    def values(self) -> list[Any]:
        """Every value the thing ever had."""
        with self._lock:
            return [self._initial, *(value for _, _, value in self._changes)]
