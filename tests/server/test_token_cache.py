"""Issue 14 (server CPU): verified tokens are remembered, and still die on time.

``TokenIssuer.verify`` remembers a token it verified (or signed) until the token
expires, so the requests carrying it skip the JWT decode; a remembered token must still
be refused once its ``exp`` passes, under another secret, or once revoked.
"""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest

from graphistry_fp.server import LocalServer, tokens
from graphistry_fp.server.specs import parse_user
from graphistry_fp.server.tokens import TokenError, TokenIssuer
from tests.support.server import get, login

SECRET = b"s" * 32


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token ``jwt.decode`` was asked to decode during the test."""
    seen: list[str] = []
    real = jwt.decode

    def counting(token: str, *args: object, **kwargs: object) -> object:
        seen.append(token)
        return real(token, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tokens.jwt, "decode", counting)
    return seen


def _foreign_token(secret: bytes, ttl: int = 3600) -> str:
    """A token signed elsewhere with ``secret`` (so this issuer never saw it)."""
    other = TokenIssuer(secret=secret, ttl_s=ttl)
    return other.issue("alice", "acme")


def test_a_verified_token_is_decoded_once(decodes: list[str]) -> None:
    """The second verify of a token returns the same claims without decoding it again."""
    issuer = TokenIssuer(secret=SECRET)
    token = _foreign_token(SECRET)
    first, second = issuer.verify(token), issuer.verify(f" {token} ")
    assert first == second
    assert ("alice", "acme") == (second.username, second.org)
    assert [token] == decodes


def test_a_token_this_issuer_signed_is_never_decoded(decodes: list[str]) -> None:
    """A token the issuer signed is known good: verifying it decodes nothing, and gives
    the claims a decode would have given."""
    issuer = TokenIssuer(secret=SECRET)
    token = issuer.issue("bob", "org1", orig_iat=5, version=3)
    claims = issuer.verify(token)
    assert [] == decodes
    assert TokenIssuer(secret=SECRET)._decode(token) == claims


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once ``exp`` passes, a remembered token is refused as expired (and forgotten)."""
    issuer = TokenIssuer(secret=SECRET, ttl_s=60)
    token = issuer.issue("alice", "acme")
    exp = issuer.verify(token).exp
    monkeypatch.setattr(tokens.time, "time", lambda: float(exp))
    with pytest.raises(TokenError) as raised:
        issuer.verify(token)
    assert (True, "Token has expired.") == (raised.value.expired, raised.value.message)
    assert token not in issuer._verified


def test_a_remembered_token_dies_with_its_secret() -> None:
    """A token remembered under one secret is refused once the issuer's secret changes."""
    issuer = TokenIssuer(secret=SECRET)
    token = issuer.issue("alice", "acme")
    issuer.verify(token)
    issuer.secret = b"t" * 32
    with pytest.raises(TokenError) as raised:
        issuer.verify(token)
    assert "Error decoding token." == raised.value.message


def test_expired_tokens_are_not_remembered(decodes: list[str]) -> None:
    """A token issued already expired (ttl 0) is refused each time, never remembered."""
    issuer = TokenIssuer(secret=SECRET, ttl_s=0)
    token = issuer.issue("alice", "acme")
    for _ in range(2):
        with pytest.raises(TokenError):
            issuer.verify(token)
    assert ({}, 2) == (issuer._verified, len(decodes))


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``VERIFIED_CACHE_SIZE`` tokens the oldest are forgotten (each still verifies)."""
    monkeypatch.setattr(tokens, "VERIFIED_CACHE_SIZE", 8)
    issuer = TokenIssuer(secret=SECRET)
    issued = [issuer.issue(f"user{i}", "acme") for i in range(30)]
    assert len(issuer._verified) <= 8
    assert issued[-1] in issuer._verified
    assert [f"user{i}" for i in range(30)] == [issuer.verify(t).username for t in issued]


def test_a_used_token_is_still_revoked(tmp_path: Path) -> None:
    """A token used (so remembered) is refused as soon as its user's token version moves
    (here: the users are re-synced with a new password while the server runs):
    revocation is checked on every request, not remembered."""
    with LocalServer(users=["alice:old"], data_dir=tmp_path / "data") as srv:
        token = login(srv, "alice", "old")
        assert 404 == get(srv, "/api/v2/upload/datasets/nope", token).status_code
        srv._context().store.sync([parse_user("alice:new")], [])
        reply = get(srv, "/api/v2/upload/datasets/nope", token)
        assert 401 == reply.status_code
        assert "revoked" in reply.json()["detail"]
