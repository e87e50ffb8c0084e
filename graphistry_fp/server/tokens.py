"""HS256 JWTs: what the server signs, and the checks it makes when one comes back.

Claims: ``username``, ``org`` (the active org), ``iat``, ``exp``, ``orig_iat`` (the time
of the login that started the chain of refreshes), ``tv`` (the user's token version when
it was issued: a password change or a revocation bumps it, killing older tokens) and
``pur`` (``"viewer"`` for a viewer session cookie, absent for API tokens: neither kind is
accepted in place of the other). There is no leeway: a token is dead the
second its ``exp`` passes. A refresh needs a live token, and the chain of refreshes ends
``refresh_window_s`` after the original login, as Graphistry's (~24 h) does, so a stolen
token cannot be kept alive forever.
"""

from __future__ import annotations

import time

import attrs
import jwt

_ALGORITHM = "HS256"
DEFAULT_REFRESH_WINDOW_S = 24 * 3600
#: Token purposes: API bearer tokens, and viewer session cookies.
API, VIEWER = "api", "viewer"


class TokenError(Exception):
    """A token was refused; ``expired`` tells an expired token from a bad one."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.expired = expired


@attrs.frozen(kw_only=True)
class Claims:
    """The verified claims of a token."""

    username: str
    org: str
    iat: int
    exp: int
    orig_iat: int
    version: int = 0
    purpose: str = API


@attrs.define(kw_only=True)
class TokenIssuer:
    """Signs and verifies the server's tokens. ``ttl_s`` may change while the server runs."""

    secret: bytes = attrs.field(repr=False)
    ttl_s: int = 3600
    refresh_window_s: int = DEFAULT_REFRESH_WINDOW_S

    def issue(
        self,
        username: str,
        org: str,
        *,
        orig_iat: int | None = None,
        version: int = 0,
        purpose: str = API,
    ) -> str:
        """A fresh token for ``username`` in ``org``; ``orig_iat`` carries a refresh chain,
        ``version`` is the user's token version, ``purpose`` API or VIEWER."""
        now = int(time.time())
        payload: dict[str, object] = {
            "username": username,
            "org": org,
            "iat": now,
            "exp": now + self.ttl_s,
            "orig_iat": now if orig_iat is None else orig_iat,
            "tv": version,
        }
        if purpose != API:
            payload["pur"] = purpose
        return jwt.encode(payload, self.secret, algorithm=_ALGORITHM)

    def verify(self, token: str) -> Claims:
        """Check the signature and expiry of ``token``.

        Raises:
            TokenError: bad signature, malformed, missing claims, or expired.
        """
        try:
            payload = jwt.decode(
                token.strip(),
                self.secret,
                algorithms=[_ALGORITHM],
                leeway=0,
                options={"require": ["exp", "iat", "username", "org"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenError("Token has expired.", expired=True) from exc
        except jwt.InvalidTokenError as exc:
            raise TokenError("Error decoding token.") from exc
        try:
            return Claims(
                username=str(payload["username"]),
                org=str(payload["org"]),
                iat=int(payload["iat"]),
                exp=int(payload["exp"]),
                orig_iat=int(payload.get("orig_iat", payload["iat"])),
                version=int(payload.get("tv", 0)),
                purpose=str(payload.get("pur", API)),
            )
        except (TypeError, ValueError) as exc:
            raise TokenError("Error decoding token.") from exc

    def refreshable(self, claims: Claims) -> bool:
        """True while ``claims`` is inside the refresh window of its original login."""
        return time.time() < claims.orig_iat + self.refresh_window_s
