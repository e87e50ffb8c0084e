"""The auth flows (PROTOCOL.md sections 2.1-2.5), sans-I/O.

Theory of operation. Each function here returns a :data:`~.wire.Flow`: it yields the
:class:`~.wire.Request` the protocol calls for and decides what the reply means, raising
the typed errors of DESIGN.md section 6; :func:`~.wire.run_flow` performs the requests.

* :func:`password_login` / :func:`personal_key_login` -> :class:`~.grants.Grant`
* :func:`refresh` -> a new token, or ``None`` when the server refuses to refresh
* :func:`switch_org` -> the token to use afterwards (the reply's fresh ``token`` if present)
* :func:`renew`: the token-lifecycle decision: refresh ahead of expiry, else log in afresh
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import quote

from graphistry_fp.errors import AuthenticationError, PermissionDeniedError

from .grants import Grant, parse_grant
from .limits import check_token
from .replies import error_for, expect_json, server_message
from .wire import Flow, Request, Response

#: A client's login: the org to ask for -> the flow that logs in.
LoginFlow = Callable[[str | None], Flow[Grant]]


def _login_grant(
    response: Response, request: Request, requested_org: str | None, refused: str
) -> Grant:
    if response.status in (400, 401):
        raise AuthenticationError(f"{refused} ({server_message(response)})", status=response.status)
    if not response.ok:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    return parse_grant(obj, requested_org, what=request.what, status=response.status)


def password_login(username: str, password: str, org_name: str | None) -> Flow[Grant]:
    """``POST /api-token-auth/`` (PROTOCOL.md 2.1)."""
    body: dict[str, Any] = {"username": username, "password": password}
    if org_name is not None:
        body["org_name"] = org_name
    request = Request("POST", "/api-token-auth/", json=body, what="login")
    response: Response = yield request
    return _login_grant(
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
    response: Response = yield request
    return _login_grant(
        response, request, org_name, "personal key refused: check the key id and secret"
    )


def refresh(token: str) -> Flow[str | None]:
    """``POST /api/v2/auth/token/refresh`` (PROTOCOL.md 2.3).

    Returns the new token, or None when the server refuses (any 4xx other than 429, or a
    reply without a token): the caller then logs in afresh when it can. A token that is
    not a plausible JWT is a :class:`~graphistry_fp.errors.ProtocolError`.
    """
    request = Request(
        "POST", "/api/v2/auth/token/refresh", json={"token": token}, what="token refresh"
    )
    response: Response = yield request
    if response.status == 429 or response.status >= 500:
        raise error_for(response, request.what, request)
    obj = response.json_object() if response.ok else None
    new = obj.get("token") if obj is not None else None
    if isinstance(new, str) and new.strip():
        return check_token(new.strip(), request.what, response.status)
    return None


def switch_org(token: str, org_name: str) -> Flow[str]:
    """``POST /api/v2/o/<org>/switch/`` with form ``slug=<org>`` (PROTOCOL.md 2.5).

    Returns the token to use from now on: the reply's ``token`` when it carries one (a
    token whose org claim is the new org), else ``token`` unchanged; a reply token that is
    not a plausible JWT is a :class:`~graphistry_fp.errors.ProtocolError`.
    """
    request = Request(
        "POST",
        f"/api/v2/o/{quote(org_name, safe='')}/switch/",
        form={"slug": org_name},
        bearer=token,
        what=f"switch to org {org_name!r}",
    )
    response: Response = yield request
    if not response.ok:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    status = obj.get("status")
    if status is not None and str(status).upper() != "OK":
        raise PermissionDeniedError(
            f"{request.what}: {server_message(response)}", status=response.status
        )
    new = obj.get("token")
    if isinstance(new, str) and new.strip():
        return check_token(new.strip(), request.what, response.status)
    return token


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
