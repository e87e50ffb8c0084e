"""Sans-I/O single sign-on flows (PROTOCOL.md 2.6, 2.7, 3.5), like the auth flows.

Theory of operation. An SSO login is one *start* (``POST`` to the site-wide, org or org+IdP
path) that answers with a ``state`` and an ``auth_url`` for the user's browser (or, when
the user is already signed in, a token at once), then any number of *polls* of the state
(``GET /api/v2/o/sso/oidc/jwt/<state>/``) until one carries the token. :func:`sso_start`
and :func:`sso_poll` are one exchange each; :func:`await_approval` is the poll loop with
its backoff and deadline, and :func:`sso_login` the whole login. The loop needs a clock,
pauses and the user: it asks for them as steps (``NOW``, ``Sleep``, ``Prompt``) that the
runner (:func:`~.wire.run_flow`) performs, so the same flow runs under a sync or an async
runner, or under a test's fake clock.

What the replies mean:

* start: ``{"status": "OK", "data": {"state", "auth_url"}}`` -> :class:`SSOStarted`;
  ``{"status": "OK", "data": {"token", ...}}`` -> a :class:`~.grants.Grant` (already signed
  in); 404 or ``{"status": "ERR"}`` -> :class:`AuthenticationError` naming the org/IdP.
* poll: a 2xx reply with no token and no error status (``{"status": "PENDING"}``) -> None,
  keep polling; ``{"status": "OK", "data": {"token"}}`` -> a Grant; 404/410 or an error
  status -> :class:`AuthenticationError` at once (the state is unknown, used or expired);
  429/5xx -> the typed error, which the poll loop treats as transient until its deadline.

The org is kept through the whole flow: a grant whose org (the reply's
``active_organization.slug`` or the token's ``org`` claim; see ``grants``)
differs from the org the flow asked for raises :class:`AuthenticationError`, so nothing is
ever uploaded under an org the user did not ask for. With no org asked, the reply's org is
adopted (as pygraphistry does).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urljoin

import attrs

from graphistry_fp.errors import (
    AuthenticationError,
    ProtocolError,
    RateLimitError,
    ServerError,
    SSOTimeoutError,
    TransportError,
)

from .grants import Grant, parse_grant
from .replies import error_for, expect_json, server_message
from .wire import NOW, Flow, Prompt, Request, Response, Sleep

#: The form body of the start call (PROTOCOL.md 2.6): the value pygraphistry sends, since
#: servers may key their behaviour on it.
CLIENT_TYPE = "pygraphistry"
#: Backoff of the poll loop: the first pause, the growth factor, the longest pause.
POLL_FIRST_S = 0.25
POLL_FACTOR = 2.0
POLL_CAP_S = 2.0

#: A last poll is sent this long before the deadline when the backoff would overshoot it.
FINAL_POLL_MARGIN_S = 0.1
#: A poll request may take this much longer than the time left before the deadline.
POLL_TIMEOUT_SLACK_S = 0.5

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


def _status(obj: Mapping[str, Any]) -> str | None:
    status = obj.get("status")
    return str(status).upper() if status is not None else None


def _where(org_name: str | None, idp_name: str | None) -> str:
    if org_name is None:
        return "site-wide"
    return f"org {org_name!r}" + (f", IdP {idp_name!r}" if idp_name is not None else "")


def _refused(
    request: Request, response: Response, text: str, advice: str = ""
) -> AuthenticationError:
    """``AuthenticationError``: ``request`` was refused (``text``), quoting the server's
    message, then ``advice``."""
    tail = f"; {advice}" if advice else ""
    return AuthenticationError(
        f"{request.what}: {text} ({server_message(response)}){tail}", status=response.status
    )


def _reply(request: Request, response: Response) -> tuple[Mapping[str, Any], str | None]:
    """The JSON object of a 2xx reply and its status (the typed error for another reply)."""
    if not response.ok:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    return obj, _status(obj)


def _sso_grant(data: Mapping[str, Any], requested_org: str | None, status: int) -> Grant:
    return parse_grant(data, requested_org, what="single sign-on", status=status, sso=True)


def sso_start(
    org_name: str | None, idp_name: str | None, base_url: str
) -> Flow[SSOStarted | Grant]:
    """``POST`` the start path with form ``client-type=pygraphistry`` (PROTOCOL.md 2.6).

    Args:
        org_name, idp_name: where to sign in (None, None: site-wide).
        base_url: resolves a relative ``auth_url`` (the browser-facing base URL).

    Returns:
        :class:`SSOStarted`, or a :class:`~.grants.Grant` when the user is already signed in.
    """
    where = _where(org_name, idp_name)
    request = Request(
        "POST",
        start_path(org_name, idp_name),
        form={"client-type": CLIENT_TYPE},
        what=f"single sign-on start ({where})",
    )
    response: Response = yield request
    refusal = "the server refused to start single sign-on"
    if response.status in (400, 401, 404):
        hint = "check org_name and idp_name" if org_name is not None else "check the server"
        raise _refused(request, response, refusal, hint)
    obj, status = _reply(request, response)
    if status is None:
        raise ProtocolError(f"{request.what}: the reply has no status", status=response.status)
    if status != "OK":
        raise _refused(request, response, refusal)
    data = obj.get("data")
    if not isinstance(data, Mapping):
        raise ProtocolError(f"{request.what}: the reply has no data object", status=response.status)
    if data.get("token"):
        return _sso_grant(data, org_name, response.status)
    state, auth_url = data.get("state"), data.get("auth_url")
    if not isinstance(state, str) or not state or not isinstance(auth_url, str) or not auth_url:
        raise ProtocolError(
            f"{request.what}: the reply has neither a token nor a state and auth_url",
            status=response.status,
        )
    return SSOStarted(state=state, auth_url=urljoin(base_url.rstrip("/") + "/", auth_url))


def sso_poll(
    state: str, requested_org: str | None, timeout: float | None = None
) -> Flow[Grant | None]:
    """One ``GET`` of the state (PROTOCOL.md 2.7): a Grant, or None while still pending.

    Sent once (not retried by the transport): the poll loop is the retry. ``timeout`` caps
    the request's connect and read timeouts (the time left before the loop's deadline).

    Raises:
        AuthenticationError: the state is unknown, used or expired (404, 410, an error
            status): start again; or the token is for another org than requested.
        RateLimitError, ServerError: transient; the poll loop keeps polling until its deadline.
    """
    request = Request(
        "GET", poll_path(state), idempotent=False, what="single sign-on poll", timeout=timeout
    )
    response: Response = yield request
    if response.status in (400, 401, 404, 410):
        raise _refused(
            request, response, "the login request is unknown, already used or expired",
            "log in again",
        )  # fmt: skip
    obj, status = _reply(request, response)
    if status in _ERROR_STATUSES:
        raise _refused(request, response, "single sign-on failed", "log in again")
    data = obj.get("data")
    if isinstance(data, Mapping) and data.get("token"):
        return _sso_grant(data, requested_org, response.status)
    return None  # pending: no token and no error


def timed_out(timeout: float | None, last_error: Exception | None) -> SSOTimeoutError:
    """The error of a login not approved within ``timeout`` seconds."""
    why = f" (the last poll failed: {last_error})" if last_error is not None else ""
    return SSOTimeoutError(
        f"single sign-on was not approved within {timeout:g} s{why}; nothing "
        "was uploaded. Call client.login() (or plot again) for a new sign-in URL, and "
        "approve it in the browser in time (or pass a larger sso_timeout)"
    )


def await_approval(state: str, requested_org: str | None, timeout: float | None) -> Flow[Grant]:
    """Poll ``state`` with backoff until a grant arrives or ``timeout`` seconds pass.

    The clock and the pauses are steps (:data:`~.wire.NOW`, :class:`~.wire.Sleep`) the
    runner performs. Transport errors, 429 and 5xx are transient: polling goes on until
    the deadline; when the backoff would overshoot it, one last poll is sent just before.

    Raises:
        SSOTimeoutError: no approval before the deadline.
        AuthenticationError: the state is unknown, used or expired, or another org.
    """
    deadline = None if timeout is None else (yield NOW) + timeout
    delays = poll_delays()
    last_error: Exception | None = None
    while True:
        pause, final = next(delays), False
        if deadline is not None:
            left = deadline - (yield NOW)
            if left <= pause + FINAL_POLL_MARGIN_S:
                # The backoff would overshoot: one last poll just before the deadline.
                pause, final = max(0.0, left - FINAL_POLL_MARGIN_S), True
        yield Sleep(pause)
        cap: float | None = None
        if deadline is not None:
            now: float = yield NOW
            if now >= deadline:
                raise timed_out(timeout, last_error)
            cap = max(0.05, deadline - now) + POLL_TIMEOUT_SLACK_S
        try:
            grant = yield from sso_poll(state, requested_org, cap)
        except (TransportError, ServerError, RateLimitError) as error:
            last_error = error  # transient: keep polling until the deadline
            grant = None
        if grant is not None:
            return grant
        if final and deadline is not None:
            yield Sleep(max(0.0, deadline - (yield NOW)))
            raise timed_out(timeout, last_error)


def sso_login(
    org_name: str | None, idp_name: str | None, base_url: str, timeout: float | None
) -> Flow[Grant]:
    """The whole interactive login: start, hand the URL to the user, poll until approved.

    The deadline counts from when the runner has performed the :class:`~.wire.Prompt`.
    """
    started = yield from sso_start(org_name, idp_name, base_url)
    if isinstance(started, Grant):
        return started  # already signed in: the start reply carried the token
    yield Prompt(started.auth_url)
    return (yield from await_approval(started.state, org_name, timeout))
