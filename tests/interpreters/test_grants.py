"""One parser for every login reply (password, personal key, SSO) and for JWT claims."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from graphistry_fp.errors import AuthenticationError, PermissionDeniedError, ProtocolError
from graphistry_fp.interpreters.grants import Claims, Grant, claims, parse_grant


def token(**claims_: Any) -> str:
    """A signed JWT with these claims (the parser never verifies it)."""
    return jwt.encode(claims_, "test-key-of-thirty-two-bytes-min!", algorithm="HS256")


def test_claims_reads_org_exp_and_iat_without_verifying() -> None:
    """org, exp and iat come back as read; an expired token is still readable."""
    assert Claims(org="acme", exp=10.0, iat=5.0) == claims(token(org="acme", exp=10, iat=5))
    assert Claims() == claims("not-a-jwt")
    assert Claims(org=None, exp=None) == claims(token(org="", exp="soon"))


def test_login_reply_adopts_the_slug_or_keeps_the_requested_org() -> None:
    """Without an org asked the slug is adopted; asked, the asked org is kept."""
    reply = {"token": " h.T.s ", "active_organization": {"slug": "acme"}}
    assert Grant("h.T.s", "acme") == parse_grant(reply, None, what="login", status=200)
    assert Grant("h.T.s", "acme") == parse_grant(reply, "acme", what="login", status=200)


def test_login_reply_for_another_org_is_permission_denied() -> None:
    """A password login whose reply names another org is a PermissionDeniedError."""
    reply = {"token": "h.T.s", "active_organization": {"slug": "other"}}
    with pytest.raises(PermissionDeniedError, match="the server chose 'other'"):
        parse_grant(reply, "acme", what="login", status=200)


def test_sso_reply_checks_the_token_org_claim() -> None:
    """An SSO token whose org claim is another org is refused; unasked, the claim is adopted."""
    other = token(org="other")
    with pytest.raises(AuthenticationError, match="the token is for org 'other'"):
        parse_grant({"token": other}, "acme", what="single sign-on", status=200, sso=True)
    adopted = parse_grant({"token": other}, None, what="single sign-on", status=200, sso=True)
    assert "other" == adopted.org_name


def test_a_reply_without_a_token_is_a_protocol_error() -> None:
    """Both kinds of reply need a non-blank token string."""
    for sso in (False, True):
        with pytest.raises(ProtocolError, match="the reply has no token"):
            parse_grant({"token": "  "}, None, what="x", status=200, sso=sso)
