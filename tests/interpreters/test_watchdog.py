"""The watchdog behind the overall request deadline (issue 17, item 13)."""

from __future__ import annotations

import threading

from graphistry_fp.interpreters.watchdog import Watchdog


def test_an_armed_alarm_fires_and_a_cancelled_one_does_not() -> None:
    """An alarm due in 50 ms calls its function; one cancelled before its time never does
    (checked after a later alarm has fired, so its time has passed)."""
    dog = Watchdog()
    fired: list[str] = []
    done = threading.Event()
    dog.arm(0.02, lambda: fired.append("cancelled")).cancel()
    dog.arm(0.05, lambda: fired.append("armed"))
    dog.arm(0.08, done.set)
    assert done.wait(10)
    assert ["armed"] == fired


def test_an_earlier_alarm_wakes_the_watchdog() -> None:
    """An alarm due before the one the thread sleeps on fires first (the thread is woken
    to re-read the heap), not after the later one."""
    dog = Watchdog()
    late = dog.arm(60, lambda: None)
    done = threading.Event()
    dog.arm(0.02, done.set)
    assert done.wait(10)
    late.cancel()


def test_cancelled_alarms_do_not_pile_up() -> None:
    """5000 requests finishing in time leave at most a compaction's worth of cancelled
    alarms in the heap, not 5000 (each would otherwise wait out its 300 s)."""
    dog = Watchdog()
    for _ in range(5000):
        dog.arm(300, lambda: None).cancel()
    assert len(dog._heap) <= 1024
