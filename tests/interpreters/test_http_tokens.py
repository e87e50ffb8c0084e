"""Token lifecycle over real HTTP: refresh ahead of expiry, expiry, single flight, 401 replay.

The server's token TTL is shortened per test (``srv.token_ttl``); tokens carry integer
``iat``/``exp`` (truncated to the second), so each sleep lands at least 0.1 s inside the
window it targets and about 2 s before the next one: 3.1 s into a 6 s token is inside the
refresh margin (min(60, 3) s) and far from expiry.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from graphistry_fp.effects import PlotResult
from graphistry_fp.errors import AuthenticationError
from graphistry_fp.server import LocalServer
from tests.support.clients import jwt_client, user_client
from tests.support.data import edges_plan
from tests.support.server import requests_by_kind, settled_log
from tests.support.threads import at_once


def test_refresh_ahead_of_expiry(srv: LocalServer) -> None:
    """With 6 s tokens, runs after 3.1 s refresh once (less than half the lifetime left):
    a ClientUserPass (carol) and a ClientJWT (alice, through the refresh endpoint)."""
    srv.token_ttl = 6
    with jwt_client(srv) as alice, user_client(srv, "carol") as carol:
        carol.run(edges_plan())
        time.sleep(3.1)
        for _ in range(2):
            alice.run(edges_plan())
            carol.run(edges_plan())
    assert Counter({"refresh": 1, "create": 2, "edges": 2}) == requests_by_kind(srv, "alice")
    assert Counter({"login": 1, "refresh": 1, "create": 3, "edges": 3}) == requests_by_kind(
        srv, "carol"
    )


def test_fifty_threads_expired_token_one_login(srv: LocalServer) -> None:
    """50 threads sharing a client whose token expired cause exactly one login, no refresh."""
    srv.token_ttl = 2
    plan = edges_plan()
    with user_client(srv) as client:
        client.token()
        time.sleep(2.1)  # the token is now expired: servers refuse to refresh it
        srv.clear_request_log()
        srv.token_ttl = 3600
        results = at_once(50, lambda: client.run(plan))
    assert 50 == len([r for r in results if isinstance(r, PlotResult)])
    assert Counter({"login": 1, "create": 50, "edges": 50}) == requests_by_kind(srv)


def test_expired_jwt_raises_without_requests(srv: LocalServer) -> None:
    """A ClientJWT whose token expired raises AuthenticationError and sends nothing."""
    srv.token_ttl = 1
    with jwt_client(srv) as client:
        time.sleep(1.1)
        with pytest.raises(AuthenticationError) as info:
            client.run(edges_plan())
    assert srv.server == info.value.server
    assert [] == settled_log(srv)


def test_401_leads_to_one_reauthentication_and_one_replay(srv: LocalServer) -> None:
    """A 401 on create: one fresh login and one replay of the create; the plot succeeds."""
    with user_client(srv) as client:
        client.token()
        srv.clear_request_log()
        srv.inject_fault("/api/v2/upload/datasets/", status=401, count=1, method="POST")
        result = client.run(edges_plan())
    assert "alice" == srv.dataset(result.dataset_id).owner
    assert [
        ("POST", "/api/v2/upload/datasets/", 401),
        ("POST", "/api-token-auth/", 200),
        ("POST", "/api/v2/upload/datasets/", 200),
        ("POST", f"/api/v2/upload/datasets/{result.dataset_id}/edges/arrow", 200),
    ] == [(r.method, r.path, r.status) for r in settled_log(srv)]


def test_401_forever_is_no_loop(srv: LocalServer) -> None:
    """A 401 that survives one re-authentication is an AuthenticationError: 2 creates, 1 login."""
    with user_client(srv) as client:
        client.token()
        srv.clear_request_log()
        srv.inject_fault("/api/v2/upload/datasets/", status=401, count=50, method="POST")
        with pytest.raises(AuthenticationError) as info:
            client.run(edges_plan())
    assert 401 == info.value.status
    assert Counter({"login": 1, "create": 2}) == requests_by_kind(srv)


def test_refresh_refused_falls_back_to_login(srv: LocalServer) -> None:
    """When the refresh endpoint refuses (401), a client with credentials logs in once."""
    srv.token_ttl = 6
    with user_client(srv) as client:
        client.token()
        time.sleep(3.1)
        srv.clear_request_log()
        srv.inject_fault("/api/v2/auth/token/refresh", status=401, count=1)
        client.run(edges_plan())
    assert Counter({"refresh": 1, "login": 1, "create": 1, "edges": 1}) == requests_by_kind(srv)
