"""Login, personal-key login, verify, refresh and org switch (PROTOCOL.md 2.1-2.5).

Org rules, in one place:

* Every login lands in an org: ``org_name`` from the body when given (the user must be a
  member, else **403** ``{"detail": ...}``: we refuse rather than reply with
  ``is_member: false``), else the user's default org (the first org of their ``--user``
  string, or their personal org). ``active_organization`` is always an object, never null.
* The org a user last logged into or switched to is recorded as their *active org*, as
  Graphistry's server-side active org is. A refresh issues a token for the recorded active
  org (while the user is still a member), so a switch survives refreshes of older tokens.
* A switch reply carries, besides the protocol's ``status/message/data``, a fresh
  ``token`` whose ``org`` claim is the new org (pygraphistry ignores extra keys).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .auth import bearer_claims, live_claims, note_user
from .bodies import json_body, string_field
from .context import ServerContext, context
from .errors import ApiError, detail
from .tokens import Claims, TokenError


def active_organization(slug: str) -> dict[str, Any]:
    """The ``active_organization`` object of a login reply for a member of ``slug``."""
    return {"slug": slug, "is_found": True, "is_member": True}


def _login_reply(
    ctx: ServerContext, request: Request, username: str, org: str | None
) -> JSONResponse:
    store = ctx.store
    if org:
        if not store.is_member(username, org):
            raise detail(403, f"User {username!r} is not a member of organization {org!r}.")
    else:
        org = store.default_org(username)
    store.set_active_org(username, org)
    note_user(request, username)
    token = ctx.issue_token(username, org)
    return JSONResponse({"token": token, "active_organization": active_organization(org)})


async def password_login(request: Request) -> JSONResponse:
    """``POST /api-token-auth/``: ``{"username", "password", "org_name"?}``."""
    ctx = context(request)
    body = await json_body(request)
    username, password = string_field(body, "username"), string_field(body, "password")
    ctx.throttle.check(request, username)
    if not await run_in_threadpool(ctx.store.check_password, username, password):
        ctx.throttle.failed(request, username)
        raise ApiError(
            401,
            {
                "detail": "Unable to log in with provided credentials.",
                "non_field_errors": ["Unable to log in with provided credentials."],
            },
        )
    return _login_reply(ctx, request, username, string_field(body, "org_name") or None)


async def personal_key_login(request: Request) -> JSONResponse:
    """``GET /api/v2/auth/pkey/jwt/``: ``Authorization: PersonalKey ID:SECRET``, JSON body."""
    ctx = context(request)
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    key_id, _, secret = credentials.strip().partition(":")
    if scheme.lower() != "personalkey" or not key_id or not secret:
        raise detail(401, "Personal key credentials were not provided.")
    who = f"key:{key_id}"
    ctx.throttle.check(request, who)
    username = await run_in_threadpool(ctx.store.check_key, key_id, secret)
    if username is None:
        ctx.throttle.failed(request, who)
        raise detail(401, "Invalid personal key.")
    body = await json_body(request)
    return _login_reply(ctx, request, username, string_field(body, "org_name") or None)


def _body_claims(ctx: ServerContext, body: dict[str, Any]) -> Claims:
    """The claims of the ``token`` field of a verify/refresh body (DRF-style errors)."""
    token = string_field(body, "token")
    if not token:
        raise ApiError(400, {"token": ["This field is required."]})
    try:
        return live_claims(ctx, token)
    except TokenError as exc:
        raise ApiError(401, {"non_field_errors": [exc.message]}) from exc


async def verify(request: Request) -> JSONResponse:
    """``POST /api-token-verify/``: 200 for a live token of a known user, else 401."""
    ctx = context(request)
    body = await json_body(request)
    claims = _body_claims(ctx, body)
    note_user(request, claims.username)
    return JSONResponse({"token": string_field(body, "token").strip()})


async def refresh(request: Request) -> JSONResponse:
    """``POST /api/v2/auth/token/refresh`` (and ``/api-token-refresh/``).

    Only a live token refreshes, and only within the refresh window of its original login.
    """
    ctx = context(request)
    claims = _body_claims(ctx, await json_body(request))
    if not ctx.issuer.refreshable(claims):
        raise ApiError(401, {"non_field_errors": ["Refresh has expired."]})
    note_user(request, claims.username)
    org = ctx.store.active_org(claims.username) or claims.org
    if not ctx.store.is_member(claims.username, org):
        org = claims.org
    token = ctx.issue_token(claims.username, org, orig_iat=claims.orig_iat)
    return JSONResponse({"token": token, "active_organization": active_organization(org)})


def _switch_failed(status: int, message: str) -> ApiError:
    return ApiError(status, {"status": "Failed", "message": message, "data": []})


async def switch_org(request: Request) -> JSONResponse:
    """``POST /api/v2/o/<slug>/switch/``: make ``slug`` the user's active org."""
    ctx = context(request)
    slug = str(request.path_params["slug"])
    try:
        claims = bearer_claims(request)
    except ApiError as exc:
        raise _switch_failed(exc.status, str(exc.body.get("detail"))) from exc
    if not ctx.store.org_exists(slug):
        raise _switch_failed(404, f"No such organization id '{slug}'")
    if not ctx.store.is_member(claims.username, slug):
        raise _switch_failed(403, f"Not authorized to organization '{slug}'")
    ctx.store.set_active_org(claims.username, slug)
    token = ctx.issue_token(claims.username, slug, orig_iat=claims.orig_iat)
    return JSONResponse(
        {
            "status": "OK",
            "message": f"Switched to organization: {slug}",
            "data": [],
            "token": token,
            "active_organization": active_organization(slug),
        }
    )


ROUTES = [
    Route("/api-token-auth/", password_login, methods=["POST"]),
    Route("/api/v2/auth/pkey/jwt/", personal_key_login, methods=["GET", "POST"]),
    Route("/api-token-verify/", verify, methods=["POST"]),
    Route("/api/v2/auth/token/refresh", refresh, methods=["POST"]),
    Route("/api/v2/auth/token/refresh/", refresh, methods=["POST"]),
    Route("/api-token-refresh/", refresh, methods=["POST"]),
    Route("/api/v2/o/{slug}/switch/", switch_org, methods=["POST"]),
]
