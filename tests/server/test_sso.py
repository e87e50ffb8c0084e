"""SSO where the server is its own identity provider (see graphistry_fp.server.routes_sso)."""

from __future__ import annotations

import re
import time

import jwt
import pytest

from graphistry_fp.server import LocalServer
from tests.support.server import get, post


def _start(srv: LocalServer, path: str = "/api/v2/g/sso/oidc/login/") -> tuple[str, str]:
    reply = post(srv, path, data={"client-type": "pygraphistry"})
    assert 200 == reply.status_code, reply.text
    body = reply.json()
    assert "OK" == body["status"]
    return body["data"]["state"], body["data"]["auth_url"]


def _poll(srv: LocalServer, state: str) -> tuple[int, dict[str, object]]:
    reply = get(srv, f"/api/v2/o/sso/oidc/jwt/{state}/")
    return reply.status_code, reply.json()


def test_pending_then_approved_through_the_form(srv: LocalServer) -> None:
    """Poll says pending (200, no token); the HTML form approves; the poll then gives a token once."""
    state, auth_url = _start(srv)
    assert (200, {"status": "PENDING", "message": "waiting for approval"}) == _poll(srv, state)
    page = get(srv, auth_url[len(srv.url) :])
    assert 200 == page.status_code
    assert 1 == len(re.findall(r'<form method="post"', page.text))
    for field in (
        'name="username"',
        'name="password"',
        f'type="hidden" name="state" value="{state}"',
    ):
        assert field in page.text
    approved = post(
        srv,
        auth_url[len(srv.url) :],
        data={"username": "alice", "password": "alice-pw", "state": state},
    )
    assert 200 == approved.status_code
    status, body = _poll(srv, state)
    assert (200, "OK") == (status, body["status"])
    data = body["data"]
    assert isinstance(data, dict)
    claims = jwt.decode(data["token"], options={"verify_signature": False})
    assert ("alice", "acme") == (claims["username"], claims["org"])
    assert "acme" == data["active_organization"]["slug"]
    assert 404 == _poll(srv, state)[0]  # redeemed once only


def test_form_with_wrong_password_does_not_approve(srv: LocalServer) -> None:
    """Bad credentials in the form: 401, and the state stays pending."""
    state, auth_url = _start(srv)
    reply = post(
        srv, auth_url[len(srv.url) :], data={"username": "alice", "password": "x", "state": state}
    )
    assert 401 == reply.status_code
    assert "PENDING" == _poll(srv, state)[1]["status"]


def test_org_scoped_flow_requires_membership(srv: LocalServer) -> None:
    """A flow started for an org can only be approved by its members, into that org."""
    state, _ = _start(srv, "/api/v2/o/globex/sso/oidc/login/okta/")
    with pytest.raises(ValueError, match="not a member"):
        srv.approve_sso(state, "alice")
    srv.approve_sso(state, "bob")
    status, body = _poll(srv, state)
    assert (200, "globex") == (status, body["data"]["active_organization"]["slug"])  # type: ignore[index]


def test_org_path_and_unknown_org(srv: LocalServer) -> None:
    """The org path starts a flow; an unknown org gets an ERR reply."""
    _start(srv, "/api/v2/o/acme/sso/oidc/login/")
    reply = post(srv, "/api/v2/o/nope/sso/oidc/login/", data={"client-type": "pygraphistry"})
    assert (404, "ERR") == (reply.status_code, reply.json()["status"])


def test_unknown_and_expired_states_are_errors(srv: LocalServer) -> None:
    """Unknown states get 404 and expired ones 410, both {"status": "ERR"}."""
    status, body = _poll(srv, "no-such-state")
    assert (404, "ERR") == (status, body["status"])
    srv.sso_state_ttl_s = 0.2
    try:
        state, _ = _start(srv)
    finally:
        srv.sso_state_ttl_s = 600
    time.sleep(0.3)
    status, body = _poll(srv, state)
    assert (410, "ERR") == (status, body["status"])
    with pytest.raises(ValueError):
        srv.approve_sso(state, "alice")
