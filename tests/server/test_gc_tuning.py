"""Issue 14 (server CPU): ``serve`` tunes the garbage collector of its own process only."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from graphistry_fp.server import LocalServer
from graphistry_fp.server.cli import GC_YOUNG_THRESHOLD, tune_gc


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """Put this (test) process's collector back as it was."""
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_tune_gc_freezes_start_up_and_raises_the_young_threshold(restored_gc: None) -> None:
    """After ``tune_gc`` the objects built so far are frozen (no collection walks them)
    and the young generation is collected every GC_YOUNG_THRESHOLD allocations."""
    before = gc.get_threshold()
    tune_gc()
    assert gc.get_freeze_count() > 0
    assert (GC_YOUNG_THRESHOLD, *before[1:]) == gc.get_threshold()


def test_a_local_server_leaves_the_host_collector_alone(restored_gc: None) -> None:
    """Starting a ``LocalServer`` in a host process changes none of its GC settings."""
    before = (gc.get_threshold(), gc.get_freeze_count())
    with LocalServer(users=["alice:pw"]):
        assert before == (gc.get_threshold(), gc.get_freeze_count())
