"""Issue 17, items 7 and 9: SSO states approved once, auth_url from the configured URL,
the IdP page unframeable, and failed logins throttled."""

from __future__ import annotations

import pytest

from graphistry_fp.server import LocalServer
from tests.support.server import get, login, post


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> LocalServer:
    return graphistry_server_clean


def _start(srv: LocalServer, **kw: object) -> tuple[str, str]:
    body = post(srv, "/api/v2/g/sso/oidc/login/", **kw).json()["data"]
    return str(body["state"]), str(body["auth_url"])


def _approve(srv: LocalServer, state: str, username: str, password: str) -> int:
    form = {"username": username, "password": password, "state": state}
    return post(srv, f"/sso/authorize/{state}", data=form).status_code


def test_sso_state_is_approved_once(srv: LocalServer) -> None:
    """A second user cannot re-approve a state already approved (409), and the waiting
    client receives the first approver's session.

    Fails before the fix: bob's approval replaced alice's and the client got bob's token."""
    state, _ = _start(srv)
    assert 200 == _approve(srv, state, "alice", "alice-pw")
    assert 409 == _approve(srv, state, "bob", "bob-pw")
    with pytest.raises(ValueError, match="already approved"):
        srv.approve_sso(state, "bob")
    reply = get(srv, f"/api/v2/o/sso/oidc/jwt/{state}/").json()
    assert "OK" == reply["status"]
    assert 404 == get(srv, "/api/v2/upload/datasets/x", reply["data"]["token"]).status_code
    assert "alice" == srv.request_log()[-2].username


def test_auth_url_ignores_the_host_header(srv: LocalServer) -> None:
    """The auth_url is built from the server's configured URL, whatever Host says.

    Fails before the fix: the auth_url pointed at http://evil.example/."""
    state, auth_url = _start(srv, headers={"Host": "evil.example"})
    assert f"{srv.url}/sso/authorize/{state}" == auth_url


def test_idp_page_cannot_be_framed(srv: LocalServer) -> None:
    """The IdP login page forbids framing (X-Frame-Options and CSP frame-ancestors).

    Fails before the fix: neither header was sent."""
    state, _ = _start(srv)
    page = get(srv, f"/sso/authorize/{state}")
    assert ("DENY", "frame-ancestors 'none'") == (
        page.headers.get("x-frame-options"),
        page.headers.get("content-security-policy"),
    )


def test_failed_password_logins_are_throttled_per_user(srv: LocalServer) -> None:
    """After 10 failed logins for a name, even the right password gets 429 with a
    Retry-After; another user is not affected; successes never count.

    Fails before the fix: the 11th attempt was checked (a 200)."""
    srv.set_login_throttle()  # the defaults (the test fixture's server has it off)
    for _ in range(20):
        login(srv, "carol", "carol-pw")  # successes do not count
    for _ in range(10):
        bad = post(srv, "/api-token-auth/", json={"username": "carol", "password": "nope"})
        assert 401 == bad.status_code
    reply = post(srv, "/api-token-auth/", json={"username": "carol", "password": "carol-pw"})
    assert 429 == reply.status_code
    assert 1 <= int(reply.headers["retry-after"]) <= 60
    assert login(srv, "dave", "dave-pw")


def test_failed_logins_are_throttled_per_address(srv: LocalServer) -> None:
    """Failures spread over many names still hit the per-address limit, on every
    password route (API login, IdP form) and for personal keys.

    Fails before the fix: no attempt was ever refused."""
    srv.set_login_throttle(per_user=100, per_address=6, window_s=60)
    for index in range(3):
        post(srv, "/api-token-auth/", json={"username": f"u{index}", "password": "x"})
    state, _ = _start(srv)
    for index in range(3):
        assert 401 == _approve(srv, state, f"v{index}", "x")
    assert 429 == _approve(srv, state, "alice", "alice-pw")
    reply = get(srv, "/api/v2/auth/pkey/jwt/", headers={"Authorization": "PersonalKey k:s"})
    assert 429 == reply.status_code
    assert "retry-after" in reply.headers


def test_forwarded_for_headers_do_not_escape_the_address_throttle(srv: LocalServer) -> None:
    """A local client cannot claim another address with ``X-Forwarded-For`` (or
    ``Forwarded``): its failures all count against the one peer address it connects from.

    Fails before the fix: uvicorn believed ``X-Forwarded-For`` from 127.0.0.1, so each
    attempt with a new header landed in a fresh per-address bucket and none was refused."""
    srv.set_login_throttle(per_user=100, per_address=4, window_s=60)
    for index in range(4):
        headers = {"X-Forwarded-For": f"10.0.0.{index}", "Forwarded": f"for=10.0.1.{index}"}
        reply = post(srv, "/api-token-auth/", json={"username": f"u{index}", "password": "x"},
                     headers=headers)  # fmt: skip
        assert 401 == reply.status_code
    reply = post(srv, "/api-token-auth/", json={"username": "alice", "password": "alice-pw"},
                 headers={"X-Forwarded-For": "10.9.9.9"})  # fmt: skip
    assert 429 == reply.status_code
