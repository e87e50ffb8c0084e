"""Sans-I/O single sign-on flows (PROTOCOL.md 2.6, 2.7, 3.5), in the style of ``flows``.

Theory of operation. An SSO login is two kinds of exchange: one *start* (``POST`` to the
site-wide, org or org+IdP path) that answers with a ``state`` and an ``auth_url`` for the
user's browser (or, when the user is already signed in, a token at once), then any number of
*polls* of the state (``GET /api/v2/o/sso/oidc/jwt/<state>/``) until one carries the token.
Each exchange is a flow here: it yields one :class:`~.flows.Request` and decides what the
reply means. What happens *between* polls (showing the URL, sleeping with backoff, the
deadline) needs a clock and the user, so it belongs to the driver (``sso.ClientSSO``);
:func:`poll_delays` only gives the backoff schedule.

What the replies mean:

* start: ``{"status": "OK", "data": {"state", "auth_url"}}`` -> :class:`SSOStarted`;
  ``{"status": "OK", "data": {"token", ...}}`` -> a :class:`~.flows.Grant` (already signed
  in); 404 or ``{"status": "ERR"}`` -> :class:`AuthenticationError` naming the org/IdP.
* poll: a 2xx reply with no token and no error status (``{"status": "PENDING"}``) -> None,
  keep polling; ``{"status": "OK", "data": {"token"}}`` -> a Grant; 404/410 or an error
  status -> :class:`AuthenticationError` at once (the state is unknown, used or expired);
  429/5xx -> the typed error, which the driver treats as transient until its deadline.

The org is kept through the whole flow: a grant whose org (the reply's
``active_organization.slug`` or the token's ``org`` claim, read without verification)
differs from the org the flow asked for raises :class:`AuthenticationError`, so nothing is
ever uploaded under an org the user did not ask for. With no org asked, the reply's org is
adopted (as pygraphistry does).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urljoin

import attrs
import jwt

from graphistry_fp.errors import AuthenticationError, PermissionDeniedError, ProtocolError

from .flows import Flow, Grant, Request, error_for, expect_json, server_message

#: The form body of the start call (PROTOCOL.md 2.6): the value pygraphistry sends, since
#: servers may key their behaviour on it.
CLIENT_TYPE = "pygraphistry"
#: Backoff of the poll loop: the first pause, the growth factor, the longest pause.
POLL_FIRST_S = 0.25
POLL_FACTOR = 2.0
POLL_CAP_S = 2.0

_ERROR_STATUSES = frozenset({"ERR", "ERROR", "FAIL", "FAILED"})


@attrs.frozen
class SSOStarted:
    """A started flow: the state to poll and the URL the user must open.

    Both are short-lived and single-use; they are kept out of ``repr`` all the same.
    """

    state: str = attrs.field(repr=False)
    auth_url: str = attrs.field(repr=False)


def start_path(org_name: str | None, idp_name: str | None) -> str:
    """The start path: site-wide, org, or org + IdP (PROTOCOL.md 2.6).

    Raises:
        ValueError: an IdP without an org (pygraphistry crashes there; the client refuses it
            at construction).
    """
    if org_name is None:
        if idp_name is not None:
            raise ValueError("an IdP needs an org: pass org_name with idp_name")
        return "/api/v2/g/sso/oidc/login/"
    org = quote(org_name, safe="")
    if idp_name is None:
        return f"/api/v2/o/{org}/sso/oidc/login/"
    return f"/api/v2/o/{org}/sso/oidc/login/{quote(idp_name, safe='')}/"


def poll_path(state: str) -> str:
    """The path that redeems ``state`` (PROTOCOL.md 2.7)."""
    return f"/api/v2/o/sso/oidc/jwt/{quote(state, safe='')}/"


def poll_delays(
    first: float = POLL_FIRST_S, factor: float = POLL_FACTOR, cap: float = POLL_CAP_S
) -> Iterator[float]:
    """The pauses before each poll: ``first``, growing by ``factor`` up to ``cap``, forever."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * factor)


def token_org(token: str) -> str | None:
    """The ``org`` claim of a JWT, read without verifying it (we do not hold the key)."""
    try:
        claims: dict[str, object] = jwt.decode(
            token, options={"verify_signature": False, "verify_exp": False}
        )
    except jwt.PyJWTError:
        return None
    org = claims.get("org")
    return org if isinstance(org, str) and org else None


def _status(obj: Mapping[str, Any]) -> str | None:
    status = obj.get("status")
    return str(status).upper() if status is not None else None


def _where(org_name: str | None, idp_name: str | None) -> str:
    if org_name is None:
        return "site-wide"
    return f"org {org_name!r}" + (f", IdP {idp_name!r}" if idp_name is not None else "")


def sso_grant(data: Mapping[str, Any], requested_org: str | None, status: int) -> Grant:
    """The grant a reply's ``data`` carries, checked against the org the flow asked for.

    Raises:
        ProtocolError: no usable token.
        PermissionDeniedError: the reply says the user is not a member of the org.
        AuthenticationError: the token is for another org than the one requested.
    """
    token = data.get("token")
    if not isinstance(token, str) or not token.strip():
        raise ProtocolError("single sign-on: the reply has no token", status=status)
    token = token.strip()
    active = data.get("active_organization")
    slug: str | None = None
    if isinstance(active, Mapping):
        raw = active.get("slug")
        slug = raw if isinstance(raw, str) and raw else None
        if active.get("is_found") is False or active.get("is_member") is False:
            org = requested_org or slug
            raise PermissionDeniedError(
                f"single sign-on: the user is not a member of org {org!r}; ask an admin "
                "for access or log in to another org",
                status=status,
            )
    elif active is not None:
        raise ProtocolError("single sign-on: active_organization is not an object", status=status)
    claim = token_org(token)
    if requested_org is not None:
        for label, got in (("the reply names", slug), ("the token is for", claim)):
            if got is not None and got != requested_org:
                raise AuthenticationError(
                    f"single sign-on: org {requested_org!r} was requested but {label} org "
                    f"{got!r}; nothing was uploaded. Log in again to {requested_org!r} "
                    f"(client.login()), or create ClientSSO(org_name={got!r}) to use that org",
                    status=status,
                )
        return Grant(token=token, org_name=requested_org)
    return Grant(token=token, org_name=slug or claim)


def sso_start(
    org_name: str | None, idp_name: str | None, base_url: str
) -> Flow[SSOStarted | Grant]:
    """``POST`` the start path with form ``client-type=pygraphistry`` (PROTOCOL.md 2.6).

    Args:
        org_name, idp_name: where to sign in (None, None: site-wide).
        base_url: resolves a relative ``auth_url`` (the browser-facing base URL).

    Returns:
        :class:`SSOStarted`, or a :class:`~.flows.Grant` when the user is already signed in.
    """
    where = _where(org_name, idp_name)
    request = Request(
        "POST",
        start_path(org_name, idp_name),
        form={"client-type": CLIENT_TYPE},
        what=f"single sign-on start ({where})",
    )
    response = yield request
    if response.status in (400, 401, 404):
        hint = "check org_name and idp_name" if org_name is not None else "check the server"
        raise AuthenticationError(
            f"{request.what}: the server refused to start single sign-on "
            f"({server_message(response)}); {hint}",
            status=response.status,
        )
    if not response.ok:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    status = _status(obj)
    if status is None:
        raise ProtocolError(f"{request.what}: the reply has no status", status=response.status)
    if status != "OK":
        raise AuthenticationError(
            f"{request.what}: the server refused to start single sign-on "
            f"({server_message(response)})",
            status=response.status,
        )
    data = obj.get("data")
    if not isinstance(data, Mapping):
        raise ProtocolError(f"{request.what}: the reply has no data object", status=response.status)
    if data.get("token"):
        return sso_grant(data, org_name, response.status)
    state, auth_url = data.get("state"), data.get("auth_url")
    if not isinstance(state, str) or not state or not isinstance(auth_url, str) or not auth_url:
        raise ProtocolError(
            f"{request.what}: the reply has neither a token nor a state and auth_url",
            status=response.status,
        )
    return SSOStarted(state=state, auth_url=urljoin(base_url.rstrip("/") + "/", auth_url))


def sso_poll(state: str, requested_org: str | None) -> Flow[Grant | None]:
    """One ``GET`` of the state (PROTOCOL.md 2.7): a Grant, or None while still pending.

    Sent once (not retried by the transport): the driver's loop is the retry.

    Raises:
        AuthenticationError: the state is unknown, used or expired (404, 410, an error
            status): start again; or the token is for another org than requested.
        RateLimitError, ServerError: transient; the driver keeps polling until its deadline.
    """
    request = Request("GET", poll_path(state), idempotent=False, what="single sign-on poll")
    response = yield request
    if response.status in (400, 401, 404, 410):
        raise AuthenticationError(
            f"{request.what}: the login request is unknown, already used or expired "
            f"({server_message(response)}); log in again",
            status=response.status,
        )
    if not response.ok:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    status = _status(obj)
    if status in _ERROR_STATUSES:
        raise AuthenticationError(
            f"{request.what}: single sign-on failed ({server_message(response)}); log in again",
            status=response.status,
        )
    data = obj.get("data")
    if isinstance(data, Mapping) and data.get("token"):
        return sso_grant(data, requested_org, response.status)
    return None  # pending: no token and no error
