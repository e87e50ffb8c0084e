"""The sans-I/O SSO flows with canned replies: paths, pending, errors, the org rule."""

from __future__ import annotations

import itertools
import json
from typing import Any

import jwt
import pytest

from graphistry_fp.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
)
from graphistry_fp.interpreters.grants import Grant, claims
from graphistry_fp.interpreters.sso_flows import (
    SSOStarted,
    poll_delays,
    sso_poll,
    sso_start,
    start_path,
)
from graphistry_fp.interpreters.wire import Request, Response, run_flow

BASE = "http://127.0.0.1:8080"


def token(org: str | None, username: str = "alice") -> str:
    """An unsigned-looking JWT with an ``org`` claim (the flows never verify it)."""
    claims: dict[str, Any] = {"username": username, "exp": 4_000_000_000}
    if org is not None:
        claims["org"] = org
    return jwt.encode(claims, "test-key-of-thirty-two-bytes-min!", algorithm="HS256")


def reply(status: int, body: Any) -> Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(status=status, content=content)


def one(flow: Any, response: Response) -> tuple[Request, Any]:
    """Run ``flow`` against one canned ``response``; return (the request, the outcome)."""
    sent: list[Request] = []

    def send(request: Request) -> Response:
        sent.append(request)
        return response

    outcome = run_flow(flow, send)
    assert 1 == len(sent)
    return sent[0], outcome


@pytest.mark.parametrize(
    ("org", "idp", "path"),
    [
        (None, None, "/api/v2/g/sso/oidc/login/"),
        ("acme", None, "/api/v2/o/acme/sso/oidc/login/"),
        ("acme", "okta", "/api/v2/o/acme/sso/oidc/login/okta/"),
        ("a b/c", "x/y", "/api/v2/o/a%20b%2Fc/sso/oidc/login/x%2Fy/"),
    ],
)
def test_start_path(org: str | None, idp: str | None, path: str) -> None:
    """Site-wide, org and org + IdP paths (PROTOCOL.md 2.6), with names URL-quoted."""
    assert path == start_path(org, idp)


def test_start_path_refuses_idp_without_org() -> None:
    """An IdP without an org has no path (pygraphistry crashes there)."""
    with pytest.raises(ValueError):
        start_path(None, "okta")


def test_start_sends_the_form_and_returns_the_state() -> None:
    """The start posts ``client-type=pygraphistry`` with no auth and returns state + URL."""
    request, outcome = one(
        sso_start("acme", None, BASE),
        reply(200, {"status": "OK", "data": {"state": "st1", "auth_url": "/sso/authorize/st1"}}),
    )
    assert ("POST", {"client-type": "pygraphistry"}, None) == (
        request.method,
        request.form,
        request.bearer,
    )
    assert SSOStarted(state="st1", auth_url=f"{BASE}/sso/authorize/st1") == outcome
    assert "st1" not in repr(outcome)


def test_start_reply_with_a_token_is_a_grant() -> None:
    """A start reply that already carries the token is accepted as it is."""
    tok = token("acme")
    _, outcome = one(
        sso_start("acme", None, BASE), reply(200, {"status": "OK", "data": {"token": tok}})
    )
    assert Grant(token=tok, org_name="acme") == outcome


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (
            reply(404, {"status": "ERR", "message": "No such organization 'nope'"}),
            AuthenticationError,
        ),
        (reply(200, {"status": "ERR", "message": "SSO disabled"}), AuthenticationError),
        (reply(200, {"data": {"state": "s", "auth_url": "u"}}), ProtocolError),
        (reply(200, {"status": "OK", "data": {}}), ProtocolError),
        (reply(200, b"<html><title>Oops</title></html>"), ProtocolError),
        (reply(403, {"detail": "no"}), PermissionDeniedError),
        (reply(503, {"detail": "down"}), ServerError),
    ],
)
def test_start_failures(response: Response, error: type[Exception]) -> None:
    """Refused, malformed and failed start replies map to the typed errors."""
    with pytest.raises(error):
        one(sso_start("nope", None, BASE), response)


def test_unknown_org_message_names_the_org_and_the_fix() -> None:
    """The 404 of an unknown org says which org and what to check."""
    with pytest.raises(AuthenticationError) as info:
        one(
            sso_start("nope", None, BASE),
            reply(404, {"status": "ERR", "message": "No such organization 'nope'"}),
        )
    assert "'nope'" in str(info.value)
    assert "check org_name" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        {"status": "PENDING", "message": "waiting for approval"},
        {"status": "OK", "data": {}},
        {"status": "OK"},
    ],
)
def test_poll_pending_is_none(body: dict[str, Any]) -> None:
    """A 2xx poll with no token and no error status is pending: None, keep polling."""
    request, outcome = one(sso_poll("st1", None), reply(200, body))
    assert ("GET", "/api/v2/o/sso/oidc/jwt/st1/", False) == (
        request.method,
        request.path,
        request.idempotent,
    )
    assert None is outcome


@pytest.mark.parametrize(
    "response",
    [
        reply(404, {"status": "ERR", "message": "Unknown SSO state"}),
        reply(410, {"status": "ERR", "message": "expired"}),
        reply(200, {"status": "ERR", "message": "denied"}),
    ],
)
def test_poll_invalid_state_fails_at_once(response: Response) -> None:
    """An unknown, expired or refused state is an AuthenticationError, not a pending."""
    with pytest.raises(AuthenticationError):
        one(sso_poll("st1", None), response)


def test_poll_transient_error_is_typed() -> None:
    """A 5xx poll raises ServerError: the driver treats it as transient until its deadline."""
    with pytest.raises(ServerError):
        one(sso_poll("st1", None), reply(502, {"detail": "bad gateway"}))


def test_poll_adopts_the_granted_org_when_none_was_asked() -> None:
    """With no org requested, the reply's ``active_organization.slug`` is adopted."""
    tok = token("globex")
    body = {"status": "OK", "data": {"token": tok, "active_organization": {"slug": "globex"}}}
    assert Grant(token=tok, org_name="globex") == one(sso_poll("s", None), reply(200, body))[1]


def test_poll_adopts_the_token_org_claim_without_a_slug() -> None:
    """With no org requested and no slug, the token's ``org`` claim is adopted."""
    tok = token("globex")
    body = {"status": "OK", "data": {"token": tok}}
    assert Grant(token=tok, org_name="globex") == one(sso_poll("s", None), reply(200, body))[1]


@pytest.mark.parametrize(
    ("slug", "claim"),
    [("shared", "shared"), (None, "shared"), ("shared", None), ("acme", "shared")],
)
def test_poll_refuses_another_org(slug: str | None, claim: str | None) -> None:
    """Requested acme: a slug or an org claim naming another org is an AuthenticationError."""
    data: dict[str, Any] = {"token": token(claim)}
    if slug is not None:
        data["active_organization"] = {"slug": slug}
    with pytest.raises(AuthenticationError) as info:
        one(sso_poll("s", "acme"), reply(200, {"status": "OK", "data": data}))
    assert "'acme' was requested" in str(info.value)
    assert data["token"] not in str(info.value)


def test_poll_not_a_member_is_permission_denied() -> None:
    """``is_member: false`` in the reply is a PermissionDeniedError naming the org."""
    data = {"token": token("globex"), "active_organization": {"slug": "globex", "is_member": False}}
    with pytest.raises(PermissionDeniedError) as info:
        one(sso_poll("s", "globex"), reply(200, {"status": "OK", "data": data}))
    assert "'globex'" in str(info.value)


def test_token_org_of_garbage_is_none() -> None:
    """A token that is not a JWT has no org claim."""
    assert None is claims("not-a-jwt").org


def test_poll_delays_grow_to_the_cap() -> None:
    """0.25 s, doubling, capped at 2 s."""
    assert [0.25, 0.5, 1.0, 2.0, 2.0, 2.0] == list(itertools.islice(poll_delays(), 6))
