"""Shared helpers of the reliability section: bounded waits, tenants, plans, timelines.

Every test here is bounded in time: a scenario runs through :func:`bounded`, which runs it
on a daemon thread and fails the test if it has not returned within its budget (a hang is
a failure, never a stuck CI job); every client has small timeouts. A last-resort
``faulthandler`` guard dumps every thread's stack and exits if a test exceeds
:data:`HARD_LIMIT_S` in spite of that.
"""

from __future__ import annotations

import faulthandler
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp.effects import PlotPlan
from graphistry_fp.server import LocalServer

T = TypeVar("T")

#: No single test of this section may take longer than this (seconds), whatever happens.
HARD_LIMIT_S = 120.0
#: Client timeouts used throughout: (connect, read) seconds. Small, so nothing waits long.
TIMEOUT = (3.0, 5.0)

EDGES = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "w": [1.0, 2.0, 3.0]})
NODES = pd.DataFrame({"n": ["a", "b", "c", "d"], "label": ["A", "B", "C", "D"]})

#: Upload paths (dataset ids start with ``ds``): the prefix does not match create-dataset.
UPLOADS = "/api/v2/upload/datasets/ds"
CREATE = "/api/v2/upload/datasets/"
LOGIN = "/api-token-auth/"
SHARE = "/api/v2/share/link/"


@pytest.fixture(autouse=True)
def _hard_time_limit() -> Iterator[None]:
    """Backstop: dump all stacks and exit if a test runs past HARD_LIMIT_S."""
    faulthandler.dump_traceback_later(HARD_LIMIT_S, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> Iterator[LocalServer]:
    """The shared local server, with faults, latency, request log and token TTL reset."""
    yield graphistry_server_clean


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


def edges_plan(name: str = "edges only") -> PlotPlan:
    """create + upload edges."""
    return graphistry.edges(EDGES, "s", "d").name(name).plan()


def full_plan(name: str = "edges and nodes") -> PlotPlan:
    """create + upload edges + upload nodes (concurrently)."""
    return graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").name(name).plan()


def user_client(srv: LocalServer, user: str, **kw: Any) -> graphistry.ClientUserPass:
    """A password client for a fixture user (password ``<user>-pw``), small timeouts."""
    kw.setdefault("timeout", TIMEOUT)
    return graphistry.ClientUserPass(user, f"{user}-pw", server=srv.server, protocol="http", **kw)


def key_client(srv: LocalServer, user: str, **kw: Any) -> graphistry.ClientAPIKey:
    """A personal-key client (``<user>-key`` / ``<user>-secret``: alice and carol)."""
    kw.setdefault("timeout", TIMEOUT)
    return graphistry.ClientAPIKey(
        f"{user}-key", f"{user}-secret", server=srv.server, protocol="http", **kw
    )


def dataset_of(url: str) -> str:
    """The dataset id a viewer URL names."""
    return parse_qs(urlparse(str(url)).query)["dataset"][0]


def dataset_ids(srv: LocalServer) -> set[str]:
    """Every dataset id the server holds."""
    return {record.dataset_id for record in srv.datasets()}


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
