"""SSO for tests and demos: the server is its own identity provider (PROTOCOL.md 2.6, 2.7).

The flow:

1. ``POST /api/v2/g/sso/oidc/login/`` (site-wide), ``/api/v2/o/<org>/sso/oidc/login/`` or
   ``/api/v2/o/<org>/sso/oidc/login/<idp>/`` answers
   ``{"status": "OK", "data": {"state": S, "auth_url": URL}}``. ``URL`` is
   ``<server>/sso/authorize/S`` on this server; ``S`` lives ten minutes.
2. ``GET URL`` is an HTML page with one ``<form method="post">`` holding ``username``,
   ``password`` and a hidden ``state``. Posting a member's credentials approves ``S`` for
   that user (for an org-scoped start, the user must belong to that org: 403 otherwise).
   In-process, ``LocalServer.approve_sso(S, username)`` does the same without a password.
3. ``GET /api/v2/o/sso/oidc/jwt/S/`` answers, while ``S`` is not approved,
   **200** ``{"status": "PENDING", "message": "waiting for approval"}`` (no token; not an
   error status, so a patient client keeps polling; pygraphistry treats any non-OK status
   as a failure). Once approved it answers, **once**,
   ``{"status": "OK", "data": {"token": T, "active_organization": {"slug": ...}}}`` and
   forgets ``S``. Unknown states get 404 and expired ones 410, both
   ``{"status": "ERR", "message": ...}``.

The approved org is the org of the start path when there was one, else the user's default.

For unattended runs (pygraphistry's blocking ``register(org_name=...)`` polls once, about a
second after the start, and gives up on anything but a token), set
``LocalServer.sso_auto_approve = "alice"``: every new state is then approved for alice as
soon as it is created.
"""

from __future__ import annotations

import html
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from .auth import note_user
from .bodies import form_body
from .context import ServerContext, context
from .errors import NO_FRAMING, ApiError, detail
from .routes_auth import active_organization


def _err(status: int, message: str) -> ApiError:
    return ApiError(status, {"status": "ERR", "message": message})


async def start(request: Request) -> JSONResponse:
    """Begin a flow; the three start paths differ only in the org and IdP they name."""
    ctx = context(request)
    org = request.path_params.get("org")
    if org is not None and not ctx.store.org_exists(str(org)):
        raise _err(404, f"No such organization '{org}'")
    state = ctx.store.create_sso_state(
        org=org, idp=request.path_params.get("idp"), ttl_s=ctx.sso_state_ttl_s
    )
    if ctx.sso_auto_approve is not None:
        approve(ctx, state, ctx.sso_auto_approve)
    # From the configured address, never from the Host header: a request naming another
    # host must not make the server send users to that host with their password.
    base = ctx.public_url or str(request.base_url).rstrip("/")
    auth_url = f"{base}/sso/authorize/{state}"
    return JSONResponse({"status": "OK", "data": {"state": state, "auth_url": auth_url}})


def approve(ctx: ServerContext, state: str, username: str) -> str:
    """Approve a pending ``state`` for ``username``; returns the org it approves into.

    Raises:
        ApiError: 404 unknown or 410 expired state, 409 already approved (a state is
            approved once), 403 when the flow named an org the user does not belong to.
    """
    found = ctx.store.sso_state(state)
    if found is None:
        raise detail(404, "Unknown SSO state.")
    org, _, expires_at = found
    if time.time() >= expires_at:
        raise detail(410, "This SSO state has expired: start the login again.")
    if org is not None and not ctx.store.is_member(username, org):
        raise detail(403, f"User {username!r} is not a member of organization {org!r}.")
    approved_org = org or ctx.store.default_org(username)
    if not ctx.store.approve_sso_state(state, username, approved_org):
        raise detail(409, "This SSO state was already approved: start the login again.")
    return approved_org


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>graphistry_fp: sign in</title></head>
<body>
<h1>Sign in to graphistry_fp</h1>
<p>{note}</p>
<form method="post">
  <input type="hidden" name="state" value="{state}">
  <label>Username <input name="username" autocomplete="username"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in and approve</button>
</form>
</body></html>
"""


async def login_page(request: Request) -> HTMLResponse:
    """``GET /sso/authorize/<state>``: the login-and-approve form."""
    ctx = context(request)
    state = str(request.path_params["state"])
    if ctx.store.sso_state(state) is None:
        raise detail(404, "Unknown SSO state.")
    note = "Approve the login of your Graphistry client."
    page = _PAGE.format(note=html.escape(note), state=html.escape(state))
    return HTMLResponse(page, headers=NO_FRAMING)


async def login_submit(request: Request) -> HTMLResponse:
    """``POST /sso/authorize/<state>``: check the credentials, approve the state."""
    ctx = context(request)
    state = str(request.path_params["state"])
    form = await form_body(request)
    username, password = form.get("username", ""), form.get("password", "")
    if form.get("state", state) != state:
        raise detail(400, "The form's state does not match the page.")
    ctx.throttle.check(request, username)
    if not await run_in_threadpool(ctx.store.check_password, username, password):
        ctx.throttle.failed(request, username)
        raise detail(401, "Unable to log in with provided credentials.")
    note_user(request, username)
    org = approve(ctx, state, username)
    text = f"Signed in as {username} ({org}). You can close this window."
    return HTMLResponse(
        f"<!doctype html><html><body><p>{html.escape(text)}</p></body></html>",
        headers=NO_FRAMING,
    )


async def poll(request: Request) -> JSONResponse:
    """``GET /api/v2/o/sso/oidc/jwt/<state>/``: pending, the token, or an error."""
    ctx = context(request)
    state = str(request.path_params["state"])
    found = ctx.store.sso_state(state)
    if found is None:
        raise _err(404, "Unknown SSO state: start the login again.")
    if time.time() >= found[2]:
        raise _err(410, "This SSO state has expired: start the login again.")
    redeemed = ctx.store.redeem_sso_state(state)
    if redeemed is None:
        return JSONResponse({"status": "PENDING", "message": "waiting for approval"})
    username, org = redeemed
    note_user(request, username)
    ctx.store.set_active_org(username, org)
    token = ctx.issue_token(username, org)
    return JSONResponse(
        {"status": "OK", "data": {"token": token, "active_organization": active_organization(org)}}
    )


ROUTES = [
    Route("/api/v2/g/sso/oidc/login/", start, methods=["POST"]),
    Route("/api/v2/o/{org}/sso/oidc/login/", start, methods=["POST"]),
    Route("/api/v2/o/{org}/sso/oidc/login/{idp}/", start, methods=["POST"]),
    Route("/sso/authorize/{state}", login_page, methods=["GET"]),
    Route("/sso/authorize/{state}", login_submit, methods=["POST"]),
    Route("/api/v2/o/sso/oidc/jwt/{state}/", poll, methods=["GET"]),
]
