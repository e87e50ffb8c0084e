"""An SSO session over time: refresh ahead of expiry, and no interactive flow mid-run.

Tokens carry integer ``iat``/``exp``; a 4 s token is refreshed once less than 2 s remain,
so 2.1 s after login it needs a refresh and has not expired; a 1 s token has surely
expired 1.1 s after login.
"""

from __future__ import annotations

import time

import pytest

from graphistry_fp.errors import AuthenticationError
from graphistry_fp.server import LocalServer
from tests.support.clients import sso_client
from tests.support.data import edges_plan
from tests.support.server import log_of, paths_with
from tests.support.sso import START_MARK

REFRESH = "/api/v2/auth/token/refresh"


def test_refreshes_ahead_of_expiry_without_a_new_flow(srv: LocalServer) -> None:
    """Near expiry the token is refreshed through the refresh endpoint; no new SSO start."""
    srv.sso_auto_approve = "alice"
    srv.token_ttl = 4
    urls: list[str] = []
    with sso_client(srv, org_name="acme", on_auth_url=urls.append) as client:
        first = client.token()
        time.sleep(2.1)
        srv.clear_request_log()
        result = client.run(edges_plan("sso"))
        assert first != client.token()
    assert ("alice", "acme") == (
        srv.dataset(result.dataset_id).owner,
        srv.dataset(result.dataset_id).org,
    )
    assert 1 == len(urls)
    assert [REFRESH] == [p for _, p, _ in log_of(srv) if p.startswith(REFRESH)]
    assert [] == paths_with(srv, START_MARK)


def test_expired_session_asks_to_log_in_again(srv: LocalServer) -> None:
    """The token expired: run() raises AuthenticationError saying to log in again (login()),
    sends no SSO start and creates nothing; client.login() then starts one flow and the
    next run works."""
    srv.sso_auto_approve = "alice"
    srv.token_ttl = 1
    urls: list[str] = []
    client = sso_client(srv, org_name="acme", on_auth_url=urls.append)
    with client:
        client.token()
        time.sleep(1.1)
        srv.clear_request_log()
        with pytest.raises(AuthenticationError) as info:
            client.run(edges_plan("sso"))
        assert [] == log_of(srv)
        assert "log in again" in str(info.value)
        assert "client.login()" in str(info.value)
        assert 1 == len(urls)
        srv.token_ttl = 3600
        client.login()
        result = client.run(edges_plan("sso"))
    assert 2 == len(urls)
    assert ["/api/v2/o/acme/sso/oidc/login/"] == paths_with(srv, START_MARK)
    assert "acme" == srv.dataset(result.dataset_id).org


def test_refused_refresh_asks_to_log_in_again(srv: LocalServer) -> None:
    """The server refuses the refresh (401): AuthenticationError to log in again, no SSO
    start."""
    srv.sso_auto_approve = "alice"
    with sso_client(srv, on_auth_url=lambda url: None) as client:
        client.token()
        srv.clear_request_log()
        srv.inject_fault(REFRESH, status=401, count=1)
        with pytest.raises(AuthenticationError) as info:
            client.refresh()
    assert "log in again" in str(info.value)
    assert [("POST", REFRESH, 401)] == log_of(srv)


def test_401_mid_run_never_starts_a_flow(srv: LocalServer) -> None:
    """A 401 on create: no interactive re-login in the middle of the run, an error instead."""
    srv.sso_auto_approve = "alice"
    urls: list[str] = []
    with sso_client(srv, on_auth_url=urls.append) as client:
        client.token()
        srv.clear_request_log()
        srv.inject_fault("/api/v2/upload/datasets/", status=401, count=1, method="POST")
        with pytest.raises(AuthenticationError) as info:
            client.run(edges_plan("sso"))
    assert "log in again" in str(info.value)
    assert 1 == len(urls)
    assert [] == paths_with(srv, START_MARK)


def test_login_restarts_the_flow_on_a_live_session(srv: LocalServer) -> None:
    """login() on a live session runs a new interactive flow (a second start, a second URL,
    a second redeemed state) and its token is the client's from then on."""
    srv.sso_auto_approve = "alice"
    urls: list[str] = []
    client = sso_client(srv, on_auth_url=urls.append)
    with client:
        client.token()
        second = client.login()
        assert second == client.token()
    assert 2 == len(urls)
    assert 2 == len(set(urls))
    assert 2 == len(paths_with(srv, START_MARK))
    assert 2 == len(set(paths_with(srv, "/api/v2/o/sso/oidc/jwt/")))


def test_switch_org_after_sso(srv: LocalServer) -> None:
    """switch_org moves later uploads to the new org, as for every client."""
    srv.sso_auto_approve = "alice"
    with sso_client(srv, org_name="acme", on_auth_url=lambda url: None) as client:
        before = client.run(edges_plan("sso"))
        client.switch_org("shared")
        after = client.run(edges_plan("sso"))
        assert "shared" == client.org_name
    assert ("acme", "shared") == (
        srv.dataset(before.dataset_id).org,
        srv.dataset(after.dataset_id).org,
    )
