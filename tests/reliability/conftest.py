"""The reliability section's backstop: every test here is bounded in time.

A scenario runs through :func:`tests.support.threads.bounded` (a hang is a failure) and
every client has small timeouts; this last-resort ``faulthandler`` guard dumps every
thread's stack and exits if a test exceeds :data:`HARD_LIMIT_S` in spite of that. The
section's helpers live in :mod:`tests.support`.
"""

from __future__ import annotations

import faulthandler
import sys
from collections.abc import Iterator

import pytest

#: No single test of this section may take longer than this (seconds), whatever happens.
HARD_LIMIT_S = 120.0


@pytest.fixture(autouse=True)
def _hard_time_limit() -> Iterator[None]:
    """Backstop: dump all stacks and exit if a test runs past HARD_LIMIT_S."""
    faulthandler.dump_traceback_later(HARD_LIMIT_S, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()
