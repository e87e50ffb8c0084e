"""Sans-I/O flows: the protocol's request order, with no sockets, threads or clocks.

Theory of operation (as httpx's auth flows): a *flow* is a generator that yields
:class:`Request` descriptions and receives :class:`Response` records; its return value is
the outcome (a :class:`Grant`, a dataset id, ...). A flow never performs I/O, so the sync
driver below (:func:`run_flow`), a later async driver and the unit tests (which feed canned
responses) all share the same decisions. Flows raise the typed errors of DESIGN.md section 6;
the driver that knows the run's server and org attaches those to the error.

Auth flows (PROTOCOL.md sections 2.1-2.5):

* :func:`password_login` / :func:`personal_key_login` -> :class:`Grant`
* :func:`refresh` -> a new token, or ``None`` when the server refuses to refresh
* :func:`switch_org` -> the token to use afterwards (the reply's fresh ``token`` if present)
* :func:`renew`: the token-lifecycle decision: refresh ahead of expiry, else log in afresh
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import attrs

from graphistry_fp.errors import (
    AuthenticationError,
    GraphistryError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ServerError,
)

T = TypeVar("T")

#: Statuses retried (with backoff) on requests that are safe to repeat.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@attrs.frozen
class Request:
    """One HTTP request, described; a driver performs it.

    Attributes:
        method: ``GET`` or ``POST``.
        path: the path below ``protocol://server`` (no query string, no secret).
        json: a JSON body, or None.
        form: a form body (``application/x-www-form-urlencoded``), or None.
        body: raw bytes (an Arrow buffer) sent with no Content-Type, or None.
        bearer: the token for ``Authorization: Bearer``; None for no header.
        run_token: True when the driver must use the current token of the run instead.
        headers: extra headers (the personal-key header).
        idempotent: True when the request is safe to repeat (retries allowed).
        what: a short human name of the step, used in error messages.
    """

    method: str
    path: str
    json: Mapping[str, Any] | None = attrs.field(default=None, repr=False, eq=False)
    form: Mapping[str, str] | None = attrs.field(default=None, repr=False, eq=False)
    body: Any = attrs.field(default=None, repr=False, eq=False)
    bearer: str | None = attrs.field(default=None, repr=False)
    run_token: bool = False
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False)
    idempotent: bool = True
    what: str = ""


@attrs.frozen
class Response:
    """One HTTP reply: status, headers (lower-case names) and the body bytes."""

    status: int
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    content: bytes = attrs.field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    def json_object(self) -> dict[str, Any] | None:
        """The body as a JSON object, or None when it is not one."""
        try:
            value = json.loads(self.content)
        except (ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None


@attrs.frozen
class Grant:
    """A token a server granted, and the org the reply names (``active_organization.slug``)."""

    token: str = attrs.field(repr=False)
    org_name: str | None = None


Flow = Generator[Request, Response, T]

_JWT_LIKE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
_SPACES = re.compile(r"\s+")


def scrub(text: str) -> str:
    """Remove anything that looks like a JWT from ``text`` (server messages may echo one)."""
    return _JWT_LIKE.sub("<token>", text)


def server_message(response: Response) -> str:
    """The server's own words for a reply, short and without secrets."""
    obj = response.json_object()
    if obj is not None:
        for key in ("message", "detail", "error", "non_field_errors", "errors"):
            if obj.get(key):
                value = obj[key]
                text = value if isinstance(value, str) else json.dumps(value)
                return scrub(text[:300])
        return scrub(json.dumps(obj)[:300])
    text = response.content[:2000].decode("utf-8", "replace")
    title = re.search(r"<title>(.*?)</title>", text, re.I | re.S)
    if title:
        text = f"an HTML page titled {title.group(1).strip()!r}"
    elif "<html" in text.lower():
        text = "an HTML page"
    return scrub(_SPACES.sub(" ", text).strip()[:300]) or "an empty body"


def error_for(response: Response, what: str, request: Request | None = None) -> GraphistryError:
    """The typed error for a reply that is not a success (DESIGN.md section 6)."""
    status = response.status
    said = server_message(response)
    where = f" ({request.method} {request.path})" if request is not None else ""
    if status == 401:
        return AuthenticationError(
            f"{what}: the server refused the credentials or token{where}: {said}", status=status
        )
    if status == 403:
        return PermissionDeniedError(
            f"{what}: permission denied{where}; check the org and the user's access: {said}",
            status=status,
        )
    if status == 429:
        return RateLimitError(
            f"{what}: rate limited by the server{where}; retry later: {said}", status=status
        )
    if status >= 500:
        return ServerError(f"{what}: server error{where}: {said}", status=status)
    if 300 <= status < 400:
        location = response.headers.get("location", "?")
        return ProtocolError(
            f"{what}: the server redirected{where} to {location}; check protocol and server",
            status=status,
        )
    return ProtocolError(f"{what}: unexpected reply{where}: {said}", status=status)


def expect_json(response: Response, what: str, request: Request) -> dict[str, Any]:
    """The reply's JSON object, or :class:`ProtocolError` (an HTML page, an empty body)."""
    obj = response.json_object()
    if obj is None:
        raise ProtocolError(
            f"{what}: expected a JSON object from {request.method} {request.path}, "
            f"got {server_message(response)}",
            status=response.status,
        )
    return obj


def run_flow(flow: Flow[T], send: Callable[[Request], Response]) -> T:
    """Drive ``flow`` with ``send``; the sync driver every flow shares."""
    try:
        request = next(flow)
        while True:
            request = flow.send(send(request))
    except StopIteration as done:
        result: T = done.value
        return result


# --- login ---------------------------------------------------------------------------------


def _grant(
    response: Response, request: Request, requested_org: str | None, refused: str
) -> Grant:
    what = request.what
    if response.status in (400, 401):
        raise AuthenticationError(f"{refused} ({server_message(response)})", status=response.status)
    if not response.ok:
        raise error_for(response, what, request)
    obj = expect_json(response, what, request)
    token = obj.get("token")
    if not isinstance(token, str) or not token.strip():
        raise ProtocolError(f"{what}: the reply has no token", status=response.status)
    active = obj.get("active_organization")
    slug: str | None = None
    if isinstance(active, dict):
        raw = active.get("slug")
        slug = raw if isinstance(raw, str) and raw else None
        if requested_org is not None and (
            active.get("is_found") is False or active.get("is_member") is False
        ):
            raise PermissionDeniedError(
                f"{what}: the user is not a member of org {requested_org!r}",
                status=response.status,
            )
    elif active is not None:
        raise ProtocolError(f"{what}: active_organization is not an object", status=response.status)
    if requested_org is not None and slug is not None and slug != requested_org:
        raise PermissionDeniedError(
            f"{what}: asked for org {requested_org!r}, the server chose {slug!r}",
            status=response.status,
        )
    return Grant(token=token.strip(), org_name=requested_org or slug)


def password_login(username: str, password: str, org_name: str | None) -> Flow[Grant]:
    """``POST /api-token-auth/`` (PROTOCOL.md 2.1)."""
    body: dict[str, Any] = {"username": username, "password": password}
    if org_name is not None:
        body["org_name"] = org_name
    request = Request("POST", "/api-token-auth/", json=body, what="login")
    response = yield request
    return _grant(
        response, request, org_name, "login refused: check the username and password"
    )


def personal_key_login(key_id: str, secret: str, org_name: str | None) -> Flow[Grant]:
    """``GET /api/v2/auth/pkey/jwt/`` with ``PersonalKey id:secret`` (PROTOCOL.md 2.2)."""
    body: dict[str, Any] = {} if org_name is None else {"org_name": org_name}
    request = Request(
        "GET",
        "/api/v2/auth/pkey/jwt/",
        json=body,
        headers=(("Authorization", f"PersonalKey {key_id}:{secret}"),),
        what="personal key login",
    )
    response = yield request
    return _grant(
        response, request, org_name, "personal key refused: check the key id and secret"
    )


def refresh(token: str) -> Flow[str | None]:
    """``POST /api/v2/auth/token/refresh`` (PROTOCOL.md 2.3).

    Returns the new token, or None when the server refuses (any 4xx other than 429, or a
    reply without a token): the caller then logs in afresh when it can.
    """
    request = Request(
        "POST", "/api/v2/auth/token/refresh", json={"token": token}, what="token refresh"
    )
    response = yield request
    if response.status == 429 or response.status >= 500:
        raise error_for(response, request.what, request)
    obj = response.json_object() if response.ok else None
    new = obj.get("token") if obj is not None else None
    if isinstance(new, str) and new.strip():
        return new.strip()
    return None


def switch_org(token: str, org_name: str) -> Flow[str]:
    """``POST /api/v2/o/<org>/switch/`` with form ``slug=<org>`` (PROTOCOL.md 2.5).

    Returns the token to use from now on: the reply's ``token`` when it carries one (a
    token whose org claim is the new org), else ``token`` unchanged.
    """
    request = Request(
        "POST",
        f"/api/v2/o/{quote(org_name, safe='')}/switch/",
        form={"slug": org_name},
        bearer=token,
        what=f"switch to org {org_name!r}",
    )
    response = yield request
    if not response.ok:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    status = obj.get("status")
    if status is not None and str(status).upper() != "OK":
        raise PermissionDeniedError(
            f"{request.what}: {server_message(response)}", status=response.status
        )
    new = obj.get("token")
    return new.strip() if isinstance(new, str) and new.strip() else token


LoginFlow = Callable[[str | None], Flow[Grant]]


def renew(
    token: str | None,
    *,
    expired: bool,
    org_name: str | None,
    login: LoginFlow | None,
    switch: bool,
    mode: Literal["refresh", "login"] = "refresh",
) -> Flow[Grant]:
    """The token-lifecycle decision (DESIGN.md section 5), as one flow.

    Args:
        token: the cached token, or None before the first login.
        expired: the cached token is past its ``exp``: servers refuse to refresh it.
        org_name: the client's org (sent in the login body; the switch target).
        login: the client's login flow, or None when it holds no credentials (ClientJWT).
        switch: post the org switch after obtaining the token (the org was just set).
        mode: ``"refresh"`` tries a refresh first; ``"login"`` (after a 401) skips it.

    A live token is refreshed; a refused refresh, an expired token or a 401 leads to one
    fresh login when the client has credentials, else :class:`AuthenticationError`.
    """
    grant: Grant | None = None
    if token is not None and not expired and (mode == "refresh" or login is None):
        new = yield from refresh(token)
        if new is not None:
            grant = Grant(token=new, org_name=org_name)
    if grant is None and token is not None and login is None:
        reason = "has expired" if expired else "was refused by the server"
        raise AuthenticationError(
            f"the token {reason} and this client holds no credentials to log in again: "
            "obtain a new token and create a new ClientJWT"
        )
    if grant is None and login is not None:
        grant = yield from login(org_name)
    if grant is None:  # only a ClientJWT before its first use reaches here
        raise AuthenticationError("no token: this client cannot log in")
    if switch and grant.org_name is not None:
        new_token = yield from switch_org(grant.token, grant.org_name)
        grant = Grant(token=new_token, org_name=grant.org_name)
    return grant
