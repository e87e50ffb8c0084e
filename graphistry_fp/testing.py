"""pytest helpers for code that talks to Graphistry (loaded as a pytest plugin).

Installing graphistry_fp registers this module as the ``graphistry_fp`` pytest plugin,
so these fixtures are available in any test suite without imports:

``graphistry_server``
    A running :class:`graphistry_fp.server.LocalServer` shared by the whole test session
    (real HTTP on 127.0.0.1, a free port), with the users of :data:`TEST_USERS` and the
    personal keys of :data:`TEST_PERSONAL_KEYS`:

    ========  ============  ====================  =====================================
    user      password      orgs (first = login)  personal key (id / secret)
    ========  ============  ====================  =====================================
    alice     alice-pw      acme, shared, alice   alice-key / alice-secret
    bob       bob-pw        globex, shared, bob   (none)
    carol     carol-pw      acme, carol           carol-key / carol-secret
    dave      dave-pw       dave                  (none)
    ========  ============  ====================  =====================================

    Every user also belongs to a personal org named after them. Point a client at
    ``graphistry_server.server`` with protocol ``"http"``. Its failed-login throttle is
    off (tests try wrong passwords on purpose, quickly); turn it on with
    ``set_login_throttle()``.

``graphistry_server_clean``
    The same server, with faults, latency and the request log cleared before and after the
    test, and ``token_ttl``, ``max_body_bytes``, ``sso_state_ttl_s``,
    ``sso_auto_approve`` and the login throttle (off) restored: use it in tests that turn those knobs or read
    ``request_log()``.

``graphistry_dry_run``
    A fresh :class:`graphistry_fp.DryRunClient` per test: it performs nothing and records
    each effect in ``performed``.

Unit tests of plotting code state the effects it must perform, in order, with
:func:`expect_effects` and the matchers :func:`creates_dataset`, :func:`uploads_table` and
:func:`shares` (see ``graphistry_fp._testing_kit``)::

    from graphistry_fp.testing import creates_dataset, expect_effects, uploads_table

    def test_publish():
        with expect_effects(creates_dataset(name="Fraud ring"),
                            uploads_table(kind="edges", rows=3)) as client:
            publish(client)

Loading this plugin imports nothing heavy: the server (``server`` extra: starlette,
uvicorn) and the kit (pandas, pyarrow) load only when a fixture or kit name is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from graphistry_fp import DryRunClient
    from graphistry_fp._testing_kit import (
        EffectMatcher,
        Matcher,
        assert_effects,
        creates_dataset,
        effects_diff,
        expect_effects,
        shares,
        uploads_table,
    )
    from graphistry_fp.server import LocalServer


def __getattr__(name: str) -> Any:
    # Reached only for names this module does not define: the kit's, loaded from
    # ``graphistry_fp._testing_kit`` on first use (PEP 562).
    if name not in __all__:
        raise AttributeError(f"module 'graphistry_fp.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module("graphistry_fp._testing_kit"), name)
    globals()[name] = value
    return value


#: ``--user`` strings of the ``graphistry_server`` fixture.
TEST_USERS: tuple[str, ...] = (
    "alice:alice-pw:acme,shared",
    "bob:bob-pw:globex,shared",
    "carol:carol-pw:acme",
    "dave:dave-pw",
)
#: ``--personal-key`` strings of the ``graphistry_server`` fixture.
TEST_PERSONAL_KEYS: tuple[str, ...] = (
    "alice:alice-key:alice-secret",
    "carol:carol-key:carol-secret",
)
_TOKEN_TTL = 3600
_MAX_BODY_BYTES = 512 * 2**20
_SSO_STATE_TTL_S = 600.0


def _reset(server: LocalServer) -> None:
    server.clear_faults()
    server.clear_request_log()
    server.set_latency(0)
    server.token_ttl = _TOKEN_TTL
    server.max_body_bytes = _MAX_BODY_BYTES
    server.sso_state_ttl_s = _SSO_STATE_TTL_S
    server.sso_auto_approve = None
    server.set_login_throttle(enabled=False)


@pytest.fixture(scope="session")
def graphistry_server() -> Iterator[LocalServer]:
    """A session-wide local Graphistry server with the users of :data:`TEST_USERS`."""
    from graphistry_fp.server import LocalServer

    with LocalServer(
        users=list(TEST_USERS), personal_keys=list(TEST_PERSONAL_KEYS), token_ttl=_TOKEN_TTL
    ) as server:
        server.set_login_throttle(enabled=False)
        yield server


@pytest.fixture
def graphistry_server_clean(graphistry_server: LocalServer) -> Iterator[LocalServer]:
    """``graphistry_server`` with faults, latency, the request log and TTL reset around the test."""
    _reset(graphistry_server)
    yield graphistry_server
    _reset(graphistry_server)


@pytest.fixture
def graphistry_dry_run() -> DryRunClient:
    """A fresh ``DryRunClient`` (no I/O; records ``performed`` effects) for one test."""
    from graphistry_fp import DryRunClient

    return DryRunClient()


__all__ = [
    "TEST_PERSONAL_KEYS",
    "TEST_USERS",
    "EffectMatcher",
    "Matcher",
    "assert_effects",
    "creates_dataset",
    "effects_diff",
    "expect_effects",
    "graphistry_dry_run",
    "graphistry_server",
    "graphistry_server_clean",
    "shares",
    "uploads_table",
]
