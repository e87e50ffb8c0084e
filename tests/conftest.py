"""Shared test configuration: Hypothesis profiles, the global-root reset, and the fixtures
every suite uses (``srv``, ``wire_tokens``). Helpers live in :mod:`tests.support`.

Profiles (STYLE.md): ``dev`` is fast for local runs and random; ``ci`` is more thorough and
derandomized; CI selects it with ``HYPOTHESIS_PROFILE=ci``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from graphistry_fp.server import LocalServer

settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# ci is derandomized: the same examples on every run, so a CI result is reproducible and
# cannot flip on a new seed; dev runs keep exploring fresh examples each time.
settings.register_profile(
    "ci",
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _reset_global_root() -> Iterator[None]:
    """Every test starts and ends with an unconfigured global root and no explicit roots."""
    from graphistry_fp.interpreters.roots import _reset

    _reset()
    yield
    _reset()


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> LocalServer:
    """The session-wide local server of the ``graphistry_fp.testing`` plugin (users
    alice/bob/carol/dave), with faults, latency, request log and token TTL reset around
    the test."""
    return graphistry_server_clean


@pytest.fixture
def wire_tokens(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Every JWT seen in a request (headers, body) or a reply body during the test."""
    import io

    import urllib3

    from graphistry_fp.interpreters.sender import Outgoing, Sender
    from tests.support.server import JWT_RE

    seen: set[str] = set()
    original = Sender.send

    def spy(self: Sender, outgoing: Outgoing, timeout: tuple[float, float]) -> Any:
        seen.update(JWT_RE.findall(" ".join(f"{k}: {v}" for k, v in outgoing.headers.items())))
        body = outgoing.body
        if isinstance(body, bytes | str):
            seen.update(JWT_RE.findall(body.decode("latin-1") if isinstance(body, bytes) else body))
        response = original(self, outgoing, timeout)
        # The transport streams replies and reads them itself: read the body here and
        # hand the transport an equal, unread reply.
        data = response.read(decode_content=False)
        seen.update(JWT_RE.findall(data.decode("latin-1")))
        return urllib3.HTTPResponse(
            body=io.BytesIO(data), headers=response.headers, status=response.status,
            preload_content=False, decode_content=False,
        )  # fmt: skip

    monkeypatch.setattr(Sender, "send", spy)
    yield seen
