"""Parsing of the ``--user`` and ``--personal-key`` strings (DESIGN.md section 7).

The CLI flags and :class:`~graphistry_fp.server.LocalServer` take the same strings, so one
parser serves both:

* ``NAME:PASSWORD[:ORG,ORG...]``: a user, a member of each listed org and of a *personal*
  org named after the user. The first listed org is the active org a fresh login gets; with
  no orgs listed it is the personal org. A password cannot contain ``:``.
* ``NAME:KEY_ID:SECRET``: a personal key of user NAME (who must be listed as a user).

Names, org slugs and key ids are restricted to URL-safe characters because they travel
unescaped in paths (``/api/v2/o/<slug>/switch/``) and in JWT claims.
"""

from __future__ import annotations

import re

import attrs

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _check_slug(kind: str, value: str, spec: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"invalid {kind} {value!r} in {spec!r}: use 1-64 letters, digits, '_', '.' or '-'"
        )
    return value


@attrs.frozen(kw_only=True)
class UserSpec:
    """One user of the server: a name, a password and the orgs they belong to.

    ``orgs`` lists the named orgs first (the first is the default active org) and always
    ends with the personal org named after the user.
    """

    name: str
    password: str = attrs.field(repr=False)
    orgs: tuple[str, ...]

    @property
    def default_org(self) -> str:
        """The org a login without ``org_name`` starts in."""
        return self.orgs[0]


@attrs.frozen(kw_only=True)
class KeySpec:
    """A personal key: its owner, its public id and its secret."""

    owner: str
    key_id: str
    secret: str = attrs.field(repr=False)


def parse_user(spec: str) -> UserSpec:
    """Parse ``NAME:PASSWORD[:ORG,ORG...]``.

    Raises:
        ValueError: a part is missing or a name or org is not URL-safe.

    >>> parse_user("alice:pw:acme,shared").orgs
    ('acme', 'shared', 'alice')
    """
    parts = spec.split(":", 2)
    if len(parts) < 2 or not parts[1]:
        raise ValueError(f"invalid user {spec!r}: expected NAME:PASSWORD[:ORG,ORG...]")
    name = _check_slug("user name", parts[0], spec)
    listed = [o for o in parts[2].split(",") if o] if len(parts) == 3 else []
    orgs: list[str] = []
    for org in [*listed, name]:
        if _check_slug("org", org, spec) not in orgs:
            orgs.append(org)
    return UserSpec(name=name, password=parts[1], orgs=tuple(orgs))


def parse_key(spec: str) -> KeySpec:
    """Parse ``NAME:KEY_ID:SECRET``.

    Raises:
        ValueError: a part is missing or the name or key id is not URL-safe.
    """
    parts = spec.split(":", 2)
    if len(parts) != 3 or not parts[2]:
        raise ValueError(f"invalid personal key {spec!r}: expected NAME:KEY_ID:SECRET")
    return KeySpec(
        owner=_check_slug("user name", parts[0], spec),
        key_id=_check_slug("key id", parts[1], spec),
        secret=parts[2],
    )
