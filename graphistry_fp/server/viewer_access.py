"""Who may see a dataset in the viewer, and the viewer's own login.

The viewer honours a dataset's sharing:

* never shared (no share call: pygraphistry's default) or shared ``public``: anyone with
  the URL sees it, like a Graphistry viewer link;
* shared ``organization``: its owner and members of its org;
* shared ``private``: its owner only.

For the last two, ``/graph/graph.html`` answers 401 with a login form (no dataset name on
it); posting the form to ``/graph/login`` checks the password (throttled like every login)
and, for a user allowed to see the dataset, sets a session cookie (``HttpOnly``,
``SameSite=Strict``, path ``/graph``, as long-lived as a token) and redirects back to the
page. The cookie holds a token whose purpose is ``viewer``: it opens viewer pages only and
is refused by the API, as an API token is refused by the viewer.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .auth import live_claims, note_user
from .bodies import form_body
from .context import ServerContext, context
from .errors import NO_FRAMING
from .records import DatasetRecord
from .sharing import may_read
from .tokens import VIEWER, TokenError

COOKIE = "graphistry_fp_viewer"
OPEN_MODES = (None, "public")

_LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - graphistry_fp</title>
<link rel="stylesheet" href="/graph/static/viewer.css"></head>
<body class="login" data-status="login">
<main id="login"><h1>This dataset is not public</h1>
<p>{message}</p>
<form method="post" action="/graph/login">
  <input type="hidden" name="dataset" value="{dataset_id}">
  <label>Username <input name="username" autocomplete="username"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form></main>
</body></html>
"""


def viewer_user(ctx: ServerContext, request: Request) -> str | None:
    """The user of the request's live viewer session cookie, else None."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return live_claims(ctx, token, VIEWER).username
    except TokenError:
        return None


def may_view(ctx: ServerContext, request: Request, record: DatasetRecord) -> bool:
    """True when the request may see ``record`` in the viewer."""
    if record.privacy in OPEN_MODES:
        return True
    username = viewer_user(ctx, request)
    if username is None:
        return False
    note_user(request, username)
    return may_read(ctx.store, username, record)


def login_page(dataset_id: str, message: str, status: int = 401) -> HTMLResponse:
    """The viewer's login form for ``dataset_id`` (framing forbidden)."""
    page = _LOGIN_PAGE.format(message=html.escape(message), dataset_id=html.escape(dataset_id))
    return HTMLResponse(page, status_code=status, headers=NO_FRAMING)


async def viewer_login(request: Request) -> Response:
    """``POST /graph/login``: ``username``, ``password``, ``dataset`` (form fields)."""
    ctx = context(request)
    form = await form_body(request)
    username, dataset_id = form.get("username", ""), form.get("dataset", "")
    ctx.throttle.check(request, username)
    if not await run_in_threadpool(ctx.store.check_password, username, form.get("password", "")):
        ctx.throttle.failed(request, username)
        return login_page(dataset_id, "Wrong username or password.")
    note_user(request, username)
    record = ctx.store.dataset(dataset_id)
    if record is None or not may_read(ctx.store, username, record):
        # The same answer for a missing dataset and a forbidden one: ids stay unguessable.
        return login_page(dataset_id, f"This dataset is not shared with {username}.", 403)
    token = ctx.issue_token(username, ctx.store.default_org(username), purpose=VIEWER)
    reply = RedirectResponse(f"/graph/graph.html?dataset={quote(dataset_id)}", status_code=303)
    reply.set_cookie(
        COOKIE,
        token,
        max_age=max(ctx.issuer.ttl_s, 0),
        path="/graph",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return reply


ROUTES = [Route("/graph/login", viewer_login, methods=["POST"])]
