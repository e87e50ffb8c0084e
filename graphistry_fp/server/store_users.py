"""Users, orgs, memberships and personal keys; the token-signing secret.

The ``--user`` / ``--personal-key`` flags (or the ``LocalServer`` arguments) given at start
are the truth: :meth:`UserStore.sync` makes the database match them, so on a reused data
dir a user that is no longer listed is disabled, a key that is no longer listed is deleted
and a membership that is no longer listed is dropped.

Each user has a *token version*, carried in every token issued to them; a token whose
version is not the user's current one is refused. The version goes up when the user's
password changes, when the user is disabled, and when one of their keys is dropped or
changes its secret, so those events revoke every token issued before them.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence

from .db import Database
from .hashing import burn_time, check_secret, hash_secret
from .specs import KeySpec, UserSpec


class UserStore(Database):
    """The user half of the server's database (see :class:`~.store.Store`)."""

    # -- server identity ---------------------------------------------------------------
    def jwt_secret(self) -> bytes:
        """The token-signing secret: made once, kept so tokens survive a restart."""
        with self._tx() as cur:
            row = cur.execute("SELECT value FROM meta WHERE key='jwt_secret'").fetchone()
            if row is None:
                row = (secrets.token_hex(32),)
                cur.execute("INSERT INTO meta VALUES ('jwt_secret', ?)", row)
        return bytes.fromhex(row[0])

    # -- the flags are the truth ---------------------------------------------------------
    def sync(self, users: Sequence[UserSpec], keys: Sequence[KeySpec]) -> None:
        """Make the users, memberships and keys exactly ``users`` and ``keys``.

        Raises:
            ValueError: a key names a user not in ``users``.
        """
        names = {user.name for user in users}
        for key in keys:
            if key.owner not in names:
                raise ValueError(f"personal key {key.key_id!r} names unknown user {key.owner!r}")
        revoked: set[str] = set()
        with self._tx() as cur:
            for user in users:
                if self._put_user(cur, user):
                    revoked.add(user.name)
            for (name,) in cur.execute("SELECT name FROM users WHERE disabled=0").fetchall():
                if name not in names:
                    cur.execute("UPDATE users SET disabled=1 WHERE name=?", (name,))
                    cur.execute("DELETE FROM memberships WHERE username=?", (name,))
                    revoked.add(name)
            revoked |= self._sync_keys(cur, keys)
            cur.executemany(
                "UPDATE users SET token_version=token_version+1 WHERE name=?",
                [(name,) for name in sorted(revoked)],
            )

    def _put_user(self, cur: sqlite3.Cursor, user: UserSpec) -> bool:
        """Create or update one user; True when their earlier tokens must die."""
        row = cur.execute(
            "SELECT password_hash, disabled, active_org FROM users WHERE name=?", (user.name,)
        ).fetchone()
        if row is None:
            cur.execute(
                "INSERT INTO users (name, password_hash, default_org, active_org) "
                "VALUES (?, ?, ?, ?)",
                (user.name, hash_secret(user.password), user.default_org, user.default_org),
            )
            changed = False
        else:
            changed = bool(row[1]) or not check_secret(user.password, row[0])
            password_hash = hash_secret(user.password) if changed else row[0]
            active = row[2] if row[2] in user.orgs else user.default_org
            cur.execute(
                "UPDATE users SET password_hash=?, default_org=?, active_org=?, disabled=0 "
                "WHERE name=?",
                (password_hash, user.default_org, active, user.name),
            )
        cur.execute(
            f"DELETE FROM memberships WHERE username=? AND org NOT IN "
            f"({', '.join('?' * len(user.orgs))})",
            (user.name, *user.orgs),
        )
        cur.executemany(
            "INSERT OR IGNORE INTO memberships VALUES (?, ?)",
            [(user.name, org) for org in user.orgs],
        )
        return changed

    def _sync_keys(self, cur: sqlite3.Cursor, keys: Sequence[KeySpec]) -> set[str]:
        """Keys become exactly ``keys``; returns the owners of keys dropped or changed."""
        stored = {
            row[0]: (row[1], row[2])
            for row in cur.execute("SELECT key_id, username, secret_hash FROM personal_keys")
        }
        given = {key.key_id: key for key in keys}
        revoked = {owner for key_id, (owner, _) in stored.items() if key_id not in given}
        cur.executemany(
            "DELETE FROM personal_keys WHERE key_id=?",
            [(key_id,) for key_id in stored if key_id not in given],
        )
        for key in given.values():
            old = stored.get(key.key_id)
            if old is not None and old[0] == key.owner and check_secret(key.secret, old[1]):
                continue
            if old is not None:
                revoked.add(old[0])
            cur.execute(
                "INSERT OR REPLACE INTO personal_keys VALUES (?, ?, ?)",
                (key.key_id, key.owner, hash_secret(key.secret)),
            )
        return revoked

    # -- reads -------------------------------------------------------------------------
    def user_exists(self, name: str) -> bool:
        """True when ``name`` is an enabled user."""
        return self._one("SELECT 1 FROM users WHERE name=? AND disabled=0", name) is not None

    def token_version(self, name: str) -> int | None:
        """The current token version of an enabled user (None: no such enabled user)."""
        row = self._one("SELECT token_version FROM users WHERE name=? AND disabled=0", name)
        return None if row is None else int(row[0])

    def check_password(self, name: str, password: str) -> bool:
        """True when ``password`` is enabled user ``name``'s password."""
        row = self._one("SELECT password_hash FROM users WHERE name=? AND disabled=0", name)
        if row is None:
            burn_time(password)
            return False
        return check_secret(password, row[0])

    def check_key(self, key_id: str, secret: str) -> str | None:
        """The owner of personal key ``key_id`` when ``secret`` matches, else None."""
        row = self._one(
            "SELECT k.username, k.secret_hash FROM personal_keys k JOIN users u "
            "ON u.name = k.username WHERE k.key_id=? AND u.disabled=0",
            key_id,
        )
        if row is None:
            burn_time(secret)
            return None
        return str(row[0]) if check_secret(secret, row[1]) else None

    def org_exists(self, org: str) -> bool:
        """True when some user belongs to ``org``."""
        return self._one("SELECT 1 FROM memberships WHERE org=?", org) is not None

    def is_member(self, username: str, org: str) -> bool:
        """True when ``username`` belongs to ``org``."""
        return (
            self._one("SELECT 1 FROM memberships WHERE username=? AND org=?", username, org)
            is not None
        )

    def active_org(self, username: str) -> str | None:
        """The org ``username`` last logged into or switched to (None: unknown user)."""
        row = self._one("SELECT active_org FROM users WHERE name=?", username)
        return None if row is None else str(row[0])

    def default_org(self, username: str) -> str:
        """The org a login without ``org_name`` lands in."""
        row = self._one("SELECT default_org FROM users WHERE name=?", username)
        if row is None:
            raise KeyError(username)
        return str(row[0])

    def set_active_org(self, username: str, org: str) -> None:
        """Record ``org`` as ``username``'s active org (the caller checked membership)."""
        with self._tx() as cur:
            cur.execute("UPDATE users SET active_org=? WHERE name=?", (org, username))
