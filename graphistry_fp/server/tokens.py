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

import threading
import time

import attrs
import jwt

_ALGORITHM = "HS256"
DEFAULT_REFRESH_WINDOW_S = 24 * 3600
#: Tokens whose signature was checked, remembered until they expire (the oldest dropped
#: first past this many): a client sends the same token with every request.
VERIFIED_CACHE_SIZE = 4096
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
    #: token -> (the secret that verified it, its claims); see :meth:`verify`.
    _verified: dict[str, tuple[bytes, Claims]] = attrs.field(factory=dict, init=False, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

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
        token = jwt.encode(payload, self.secret, algorithm=_ALGORITHM)
        if self.ttl_s > 0:  # known good: its first use need not decode it either
            self._remember(
                token,
                Claims(
                    username=username, org=org, iat=now, exp=now + self.ttl_s,
                    orig_iat=now if orig_iat is None else orig_iat, version=version,
                    purpose=purpose,
                ),
            )  # fmt: skip
        return token

    def verify(self, token: str) -> Claims:
        """Check the signature and expiry of ``token``.

        A token that passed once, or that this issuer signed, is remembered with its
        claims (and the secret that made or verified it) until it expires, so a request
        carrying it skips the decode and the HMAC: a remembered token is still refused once its ``exp`` passes, and
        forgotten if the secret changes. Revocation is not decided here (see
        ``auth.live_claims``, which checks the user's token version every time).

        Raises:
            TokenError: bad signature, malformed, missing claims, or expired.
        """
        token = token.strip()
        known = self._verified.get(token)
        if known is not None and known[0] == self.secret:
            if known[1].exp <= time.time():
                with self._lock:
                    self._verified.pop(token, None)
                raise TokenError("Token has expired.", expired=True)
            return known[1]
        claims = self._decode(token)
        self._remember(token, claims)
        return claims

    def _remember(self, token: str, claims: Claims) -> None:
        with self._lock:
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                self._forget_expired()
            self._verified[token] = (self.secret, claims)

    def _forget_expired(self) -> None:
        """Drop expired entries; if none expired, the oldest half (call with the lock)."""
        now = time.time()
        kept = {k: v for k, v in self._verified.items() if v[1].exp > now}
        if len(kept) >= VERIFIED_CACHE_SIZE:
            kept = dict(list(kept.items())[VERIFIED_CACHE_SIZE // 2 :])
        self._verified = kept

    def _decode(self, token: str) -> Claims:
        try:
            payload = jwt.decode(
                token,
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
