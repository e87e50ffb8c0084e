"""Request authentication: Bearer tokens, and who the log should say made the request."""

from __future__ import annotations

from starlette.requests import Request

from .context import ServerContext, context
from .errors import detail
from .tokens import API, Claims, TokenError


def note_user(request: Request, username: str) -> None:
    """Tell the request log which user made ``request``."""
    request.state.username = username


def live_claims(ctx: ServerContext, token: str, purpose: str = API) -> Claims:
    """The claims of ``token`` if it is valid now: signature, expiry, purpose, an enabled
    user, and the user's current token version.

    Raises:
        TokenError: any of those checks failed (``message`` says which, for the reply).
    """
    claims = ctx.issuer.verify(token)
    if claims.purpose != purpose:
        raise TokenError("Error decoding token.")
    version = ctx.store.token_version(claims.username)
    if version is None:
        raise TokenError("User not found.")
    if claims.version != version:
        raise TokenError("Token has been revoked: log in again.")
    return claims


def bearer_claims(request: Request) -> Claims:
    """The verified claims of the request's ``Authorization: Bearer`` token.

    Raises:
        ApiError: 401 when the header is missing, or the token is bad, expired, revoked,
            not an API token, or names a user this server does not know (or disabled).
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise detail(401, "Authentication credentials were not provided.")
    ctx = context(request)
    try:
        claims = live_claims(ctx, token)
    except TokenError as exc:
        raise detail(401, exc.message) from exc
    note_user(request, claims.username)
    return claims
