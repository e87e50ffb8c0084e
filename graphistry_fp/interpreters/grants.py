"""Parsing what a server grants: the token reply, and the claims a JWT carries.

Theory of operation. Every login (username/password, personal key, single sign-on) ends in
a reply that carries a ``token`` and, usually, ``active_organization`` (``slug``,
``is_found``, ``is_member``). :func:`parse_grant` reads that object once for all of them and
checks it against the org the client asked for; :func:`claims` reads a JWT's ``org``,
``exp`` and ``iat`` claims without verifying the signature (the client does not hold the
server's key). Nothing here performs I/O.

The org rule: a password or personal-key login whose reply names another org than the one
asked for is a :class:`~graphistry_fp.errors.PermissionDeniedError`; a single sign-on grant
is also checked against the token's ``org`` claim and refused with
:class:`~graphistry_fp.errors.AuthenticationError` (the user must sign in again). With no
org asked, the reply's org (for SSO, else the token's claim) is adopted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import jwt

from graphistry_fp.errors import AuthenticationError, PermissionDeniedError, ProtocolError

from .limits import check_token


@attrs.frozen
class Grant:
    """A token a server granted, and the org the reply names (``active_organization.slug``)."""

    token: str = attrs.field(repr=False)
    org_name: str | None = None


@attrs.frozen
class Claims:
    """The claims of a JWT this library reads (None when absent or unreadable)."""

    org: str | None = None
    exp: float | None = None
    iat: float | None = None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def claims(token: str) -> Claims:
    """The ``org``, ``exp`` and ``iat`` claims of a JWT, read without verifying it."""
    try:
        raw: dict[str, object] = jwt.decode(
            token,
            options={"verify_signature": False, "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        return Claims()
    org = raw.get("org")
    return Claims(
        org=org if isinstance(org, str) and org else None,
        exp=_number(raw.get("exp")),
        iat=_number(raw.get("iat")),
    )


def parse_grant(
    data: Mapping[str, Any],
    requested_org: str | None,
    *,
    what: str,
    status: int,
    sso: bool = False,
) -> Grant:
    """The grant a reply object carries, checked against the org the client asked for.

    Args:
        data: the reply's JSON object (for SSO, its ``data`` object).
        requested_org: the org asked for, or None to adopt the reply's.
        what: the step's name, for messages.
        status: the reply's HTTP status, carried by the errors.
        sso: apply the single sign-on org rule (see the module docstring).

    Raises:
        ProtocolError: no usable token (none, or not a plausible JWT:
            ``limits.check_token``), or ``active_organization`` is not an object.
        PermissionDeniedError: the user is not a member of the org (or, outside SSO, the
            reply names another org).
        AuthenticationError: (SSO) the reply or the token is for another org.
    """
    token = data.get("token")
    if not isinstance(token, str) or not token.strip():
        raise ProtocolError(f"{what}: the reply has no token", status=status)
    token = check_token(token.strip(), what, status)
    active = data.get("active_organization")
    slug: str | None = None
    if isinstance(active, Mapping):
        raw = active.get("slug")
        slug = raw if isinstance(raw, str) and raw else None
        refused = active.get("is_found") is False or active.get("is_member") is False
        if refused and sso:
            raise PermissionDeniedError(
                f"{what}: the user is not a member of org {requested_org or slug!r}; ask an "
                "admin for access or log in to another org",
                status=status,
            )
        if refused and requested_org is not None:
            raise PermissionDeniedError(
                f"{what}: the user is not a member of org {requested_org!r}", status=status
            )
    elif active is not None:
        raise ProtocolError(f"{what}: active_organization is not an object", status=status)
    if not sso:
        if requested_org is not None and slug is not None and slug != requested_org:
            raise PermissionDeniedError(
                f"{what}: asked for org {requested_org!r}, the server chose {slug!r}",
                status=status,
            )
        return Grant(token=token, org_name=requested_org or slug)
    claim = claims(token).org
    if requested_org is not None:
        for label, got in (("the reply names", slug), ("the token is for", claim)):
            if got is not None and got != requested_org:
                raise AuthenticationError(
                    f"{what}: org {requested_org!r} was requested but {label} org "
                    f"{got!r}; nothing was uploaded. Log in again to {requested_org!r} "
                    f"(client.login()), or create ClientSSO(org_name={got!r}) to use that org",
                    status=status,
                )
        return Grant(token=token, org_name=requested_org)
    return Grant(token=token, org_name=slug or claim)
