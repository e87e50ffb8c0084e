"""The fault table of ``tests/reliability/test_faults.py`` on the async runner: 5xx, 429 with
Retry-After, slow replies, resets, malformed JSON and HTML pages, 401/403/413, each with the
same outcome (typed error and message fragment, time bound, residue on the server, the
client usable afterwards) as on the sync runner."""

from __future__ import annotations

import asyncio
import faulthandler
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from graphistry_fp.effects import PlotPlan
from graphistry_fp.interpreters.clients import ClientUserPass
from graphistry_fp.server import LocalServer
from tests.reliability.conftest import HARD_LIMIT_S
from tests.reliability.test_faults import CASES, check_fault_case


@pytest.fixture(autouse=True)
def _hard_time_limit() -> Iterator[None]:
    """Backstop (as in the reliability suite): dump all stacks and exit past the limit."""
    faulthandler.dump_traceback_later(HARD_LIMIT_S, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


def arun(client: ClientUserPass, plan: PlotPlan) -> Any:
    """``client.arun(plan)`` on a fresh event loop (each call: its own loop and pool)."""
    return asyncio.run(client.arun(plan))


@pytest.mark.parametrize("name", sorted(CASES))
def test_fault_on_the_async_runner(srv: LocalServer, name: str) -> None:
    """Fault case ``name`` ends on the async runner exactly as on the sync runner: the same
    typed error naming the step (or success), within the same bounds, the same residue,
    owned by the run's tenant and org, and the client's next arun succeeds."""
    check_fault_case(srv, name, arun)
