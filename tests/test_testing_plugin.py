"""The graphistry_fp pytest plugin: its fixture users, and that loading it is cheap."""

from __future__ import annotations

import pytest

from graphistry_fp.server import LocalServer
from graphistry_fp.server.specs import parse_key, parse_user
from graphistry_fp.testing import TEST_PERSONAL_KEYS, TEST_USERS
from tests.support.server import get, login


@pytest.mark.parametrize("spec", TEST_USERS)
def test_fixture_users_log_in_to_their_first_org(graphistry_server: LocalServer, spec: str) -> None:
    """Every documented user logs in with the documented password into the documented org."""
    user = parse_user(spec)
    token = login(graphistry_server, user.name, user.password)
    assert token


@pytest.mark.parametrize("spec", TEST_PERSONAL_KEYS)
def test_fixture_personal_keys(graphistry_server: LocalServer, spec: str) -> None:
    """Every documented personal key logs in as its owner."""
    key = parse_key(spec)
    reply = get(
        graphistry_server,
        "/api/v2/auth/pkey/jwt/",
        headers={"Authorization": f"PersonalKey {key.key_id}:{key.secret}"},
        json={},
    )
    assert 200 == reply.status_code


def test_clean_fixture_resets_knobs(graphistry_server_clean: LocalServer) -> None:
    """The function-scoped fixture starts with no faults, no latency and an empty log."""
    assert [] == graphistry_server_clean.request_log()
    assert 3600 == graphistry_server_clean.token_ttl
    graphistry_server_clean.inject_fault("/", status=500, count=100)


def test_clean_fixture_cleared_previous_faults(graphistry_server_clean: LocalServer) -> None:
    """Faults injected by an earlier test do not leak into the next one."""
    assert 200 == get(graphistry_server_clean, "/").status_code
