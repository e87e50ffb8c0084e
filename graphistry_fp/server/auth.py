"""Request authentication: Bearer tokens, and who the log should say made the request."""

from __future__ import annotations

from starlette.requests import Request

from .context import context
from .errors import detail
from .tokens import Claims, TokenError


def note_user(request: Request, username: str) -> None:
    """Tell the request log which user made ``request``."""
    request.state.username = username


def bearer_claims(request: Request) -> Claims:
    """The verified claims of the request's ``Authorization: Bearer`` token.

    Raises:
        ApiError: 401 when the header is missing, or the token is bad, expired, or names a
            user this server does not know.
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise detail(401, "Authentication credentials were not provided.")
    ctx = context(request)
    try:
        claims = ctx.issuer.verify(token)
    except TokenError as exc:
        raise detail(401, exc.message) from exc
    if not ctx.store.user_exists(claims.username):
        raise detail(401, "User not found.")
    note_user(request, claims.username)
    return claims
