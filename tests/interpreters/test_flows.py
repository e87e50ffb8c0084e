"""Unit tests of the sans-I/O auth flows and performers: canned responses, no sockets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graphistry_fp.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ServerError,
)
from graphistry_fp.interpreters import auth_flows, replies, wire
from graphistry_fp.interpreters.grants import Grant
from graphistry_fp.interpreters.wire import Request, Response


def reply(status: int, body: Any = None, text: str | None = None) -> Response:
    content = text.encode() if text is not None else json.dumps(body).encode()
    return Response(status=status, headers={}, content=content)


def script(flow: wire.Flow[Any], replies: list[Response]) -> tuple[list[Request], Any]:
    """Drive ``flow`` with ``replies`` in order; return the requests it made and its value."""
    sent: list[Request] = []
    queue = list(replies)

    def send(request: Request) -> Response:
        sent.append(request)
        return queue.pop(0)

    value = wire.run_flow(flow, send)
    assert [] == queue
    return sent, value


def test_password_login_request_and_org_adoption() -> None:
    """A login without org sends username/password only and adopts the reply's slug."""
    sent, grant = script(
        auth_flows.password_login("alice", "pw", None),
        [reply(200, {"token": "h.T1.s", "active_organization": {"slug": "acme"}})],
    )
    assert [("POST", "/api-token-auth/")] == [(r.method, r.path) for r in sent]
    assert {"username": "alice", "password": "pw"} == sent[0].json
    assert Grant(token="h.T1.s", org_name="acme") == grant


def test_password_login_with_org_sends_org_name() -> None:
    """A login with org_name puts it in the body and keeps it."""
    sent, grant = script(
        auth_flows.password_login("alice", "pw", "acme"),
        [reply(200, {"token": "h.T1.s", "active_organization": {"slug": "acme", "is_member": True}})],
    )
    assert {"username": "alice", "password": "pw", "org_name": "acme"} == sent[0].json
    assert "acme" == grant.org_name


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (reply(401, {"detail": "bad"}), AuthenticationError),
        (reply(400, {"non_field_errors": ["nope"]}), AuthenticationError),
        (reply(403, {"detail": "no"}), PermissionDeniedError),
        (reply(200, {"nothing": 1}), ProtocolError),
        (reply(200, text="<html><title>Oops</title></html>"), ProtocolError),
        (reply(503, text="busy"), ServerError),
        (reply(429, text="slow down"), RateLimitError),
        (reply(200, {"token": "h.T.s", "active_organization": "acme"}), ProtocolError),
        (reply(200, {"token": "h.T.s", "active_organization": {"slug": "other"}}), PermissionDeniedError),
        (reply(200, {"token": "h.T.s", "active_organization": {"slug": "acme", "is_member": False}}),
         PermissionDeniedError),
    ],
)
def test_login_reply_mapping(response: Response, error: type[Exception]) -> None:
    """Login replies map to the typed errors of DESIGN.md section 6."""
    with pytest.raises(error):
        script(auth_flows.password_login("alice", "pw", "acme"), [response])


def test_login_tolerates_null_active_organization() -> None:
    """``active_organization: null`` (which crashes pygraphistry) counts as absent."""
    _, grant = script(
        auth_flows.password_login("alice", "pw", None),
        [reply(200, {"token": "h.T1.s", "active_organization": None})],
    )
    assert Grant(token="h.T1.s", org_name=None) == grant


def test_login_error_text_has_no_password() -> None:
    """A refused login's message never repeats the password, even if the server echoes it."""
    with pytest.raises(AuthenticationError) as info:
        script(auth_flows.password_login("alice", "hunter2", None), [reply(401, {"detail": "bad"})])
    assert "hunter2" not in str(info.value)


def test_personal_key_login_is_a_get_with_header_and_body() -> None:
    """The personal-key login is GET with ``PersonalKey id:secret`` and a JSON body."""
    sent, grant = script(
        auth_flows.personal_key_login("kid", "sec", "acme"),
        [reply(200, {"token": "h.T1.s"})],
    )
    assert ("GET", "/api/v2/auth/pkey/jwt/") == (sent[0].method, sent[0].path)
    assert (("Authorization", "PersonalKey kid:sec"),) == sent[0].headers
    assert {"org_name": "acme"} == sent[0].json
    assert Grant(token="h.T1.s", org_name="acme") == grant
    assert "sec" not in repr(sent[0])


def test_refresh_returns_token_or_none_when_refused() -> None:
    """Refresh gives the new token; a refused refresh (401, no token) gives None."""
    sent, token = script(auth_flows.refresh("h.T1.s"), [reply(200, {"token": "h.T2.s"})])
    assert {"token": "h.T1.s"} == sent[0].json
    assert "h.T2.s" == token
    assert None is script(auth_flows.refresh("h.T1.s"), [reply(401, {"detail": "expired"})])[1]
    assert None is script(auth_flows.refresh("h.T1.s"), [reply(200, {"x": 1})])[1]
    with pytest.raises(ServerError):
        script(auth_flows.refresh("h.T1.s"), [reply(502, text="bad gateway")])


def test_switch_uses_fresh_token_from_reply() -> None:
    """The org switch posts the form slug=<org> with the bearer and uses the reply's token."""
    sent, token = script(
        auth_flows.switch_org("h.T1.s", "acme"), [reply(200, {"status": "OK", "token": "h.T2.s"})]
    )
    assert ("POST", "/api/v2/o/acme/switch/") == (sent[0].method, sent[0].path)
    assert {"slug": "acme"} == sent[0].form
    assert "h.T1.s" == sent[0].bearer
    assert "h.T2.s" == token
    assert "h.T1.s" == script(auth_flows.switch_org("h.T1.s", "acme"), [reply(200, {"status": "OK"})])[1]
    with pytest.raises(PermissionDeniedError):
        script(auth_flows.switch_org("h.T1.s", "acme"), [reply(403, {"status": "Failed"})])


def login_flow(token: str = "L1", slug: str | None = None) -> auth_flows.LoginFlow:
    def login(org: str | None) -> wire.Flow[Grant]:
        request = Request("POST", "/api-token-auth/", json={"org": org}, what="login")
        response = yield request
        assert 200 == response.status
        return Grant(token=token, org_name=org or slug)

    return login


def test_renew_refreshes_a_live_token() -> None:
    """A live token is refreshed: one request, no login."""
    sent, grant = script(
        auth_flows.renew("h.T1.s", expired=False, org_name=None, login=login_flow(), switch=False),
        [reply(200, {"token": "h.T2.s"})],
    )
    assert ["/api/v2/auth/token/refresh"] == [r.path for r in sent]
    assert "h.T2.s" == grant.token


def test_renew_logs_in_when_expired() -> None:
    """An expired token is not sent to refresh: one fresh login."""
    sent, grant = script(
        auth_flows.renew("h.T1.s", expired=True, org_name="acme", login=login_flow(), switch=False),
        [reply(200, {})],
    )
    assert ["/api-token-auth/"] == [r.path for r in sent]
    assert Grant(token="L1", org_name="acme") == grant


def test_renew_falls_back_to_login_when_refresh_refused() -> None:
    """A refused refresh falls back to one login."""
    sent, _ = script(
        auth_flows.renew("h.T1.s", expired=False, org_name=None, login=login_flow(), switch=False),
        [reply(401, {"detail": "no"}), reply(200, {})],
    )
    assert ["/api/v2/auth/token/refresh", "/api-token-auth/"] == [r.path for r in sent]


def test_renew_without_credentials_raises_on_expired_token() -> None:
    """A ClientJWT whose token expired raises AuthenticationError without any request."""
    with pytest.raises(AuthenticationError):
        script(auth_flows.renew("h.T1.s", expired=True, org_name=None, login=None, switch=False), [])


def test_renew_first_login_with_org_switches_once() -> None:
    """The first login with an org is followed by exactly one switch."""
    sent, grant = script(
        auth_flows.renew(None, expired=False, org_name="acme", login=login_flow(), switch=True),
        [reply(200, {}), reply(200, {"status": "OK", "token": "h.S1.s"})],
    )
    assert ["/api-token-auth/", "/api/v2/o/acme/switch/"] == [r.path for r in sent]
    assert Grant(token="h.S1.s", org_name="acme") == grant


def test_server_message_summarises_html_and_scrubs_tokens() -> None:
    """Server messages are short, name HTML pages by title and hide JWT-looking strings."""
    assert replies.server_message(
        reply(502, text="<html><head><title>Bad Gateway</title></head><body>x</body></html>")
    ) == "an HTML page titled 'Bad Gateway'"
    jwtish = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6ImEifQ.sig"
    assert "<token>" in replies.server_message(reply(400, {"detail": f"bad {jwtish}"}))
    assert jwtish not in replies.server_message(reply(400, {"detail": f"bad {jwtish}"}))


def test_redirect_is_protocol_error_naming_location() -> None:
    """A redirect (http -> https, a moved server) is a ProtocolError naming where it points."""
    response = Response(status=301, headers={"location": "https://hub.example/api-token-auth/"})
    error = replies.error_for(response, "login")
    assert isinstance(error, ProtocolError)
    assert "https://hub.example/api-token-auth/" in str(error)
