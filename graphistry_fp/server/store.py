"""The server's database: users, orgs, memberships, keys, datasets, files, SSO states.

One stdlib ``sqlite3`` connection shared by every thread behind one lock: requests run
both on the event loop and in starlette's thread pool, and every statement here is tiny,
so a lock is simpler than a connection per thread and costs nothing measurable. The big
payloads (Arrow tables) never enter the database; they live as files beside it.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .hashing import burn_time, check_secret, hash_secret
from .records import DatasetRecord, FileRecord
from .specs import KeySpec, UserSpec

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
    default_org TEXT NOT NULL, active_org TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
    username TEXT NOT NULL, org TEXT NOT NULL, PRIMARY KEY (username, org));
CREATE TABLE IF NOT EXISTS personal_keys (
    key_id TEXT PRIMARY KEY, username TEXT NOT NULL, secret_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
    dataset_id TEXT PRIMARY KEY, owner TEXT NOT NULL, org TEXT NOT NULL,
    name TEXT NOT NULL, description TEXT NOT NULL,
    node_encodings TEXT NOT NULL, edge_encodings TEXT NOT NULL, metadata TEXT NOT NULL,
    edges_rows INTEGER, nodes_rows INTEGER, edges_uploader TEXT, nodes_uploader TEXT,
    privacy TEXT, share TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY, owner TEXT NOT NULL, org TEXT NOT NULL, name TEXT NOT NULL,
    file_type TEXT NOT NULL, rows INTEGER, uploaded INTEGER NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sso_states (
    state TEXT PRIMARY KEY, org TEXT, idp TEXT, expires_at REAL NOT NULL,
    username TEXT, approved_org TEXT);
"""

_DATASET_COLUMNS = (
    "dataset_id, owner, org, name, description, node_encodings, edge_encodings, metadata, "
    "edges_rows, nodes_rows, edges_uploader, nodes_uploader, privacy, share, created_at"
)


def _dataset(row: tuple[Any, ...]) -> DatasetRecord:
    share = json.loads(row[13]) if row[13] else None
    return DatasetRecord(
        dataset_id=row[0], owner=row[1], org=row[2], name=row[3], description=row[4],
        node_encodings=json.loads(row[5]), edge_encodings=json.loads(row[6]),
        metadata=json.loads(row[7]), edges_rows=row[8], nodes_rows=row[9],
        edges_uploader=row[10], nodes_uploader=row[11], privacy=row[12], share=share,
        created_at=row[14],
    )  # fmt: skip


class Store:
    """The SQLite database of one server (``<data dir>/server.sqlite3``)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        with self._lock:
            # Commits run on the event loop: WAL with synchronous=NORMAL makes one cost
            # ~0.04 ms instead of ~0.7 ms (an fsync each). A crash of the server loses
            # nothing; a power cut may lose the last transactions, fine for a local server.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    def _one(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self._db.execute(sql, args).fetchone()
            return row

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._db.close()

    # -- server identity ---------------------------------------------------------------
    def jwt_secret(self) -> bytes:
        """The token-signing secret: made once, kept so tokens survive a restart."""
        with self._tx() as cur:
            row = cur.execute("SELECT value FROM meta WHERE key='jwt_secret'").fetchone()
            if row is None:
                row = (secrets.token_hex(32),)
                cur.execute("INSERT INTO meta VALUES ('jwt_secret', ?)", row)
        return bytes.fromhex(row[0])

    # -- users, orgs, keys -------------------------------------------------------------
    def put_user(self, user: UserSpec) -> None:
        """Create or update a user (new password, orgs added; the active org is kept)."""
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                "password_hash=excluded.password_hash, default_org=excluded.default_org",
                (user.name, hash_secret(user.password), user.default_org, user.default_org),
            )
            cur.executemany(
                "INSERT OR IGNORE INTO memberships VALUES (?, ?)",
                [(user.name, org) for org in user.orgs],
            )

    def put_key(self, key: KeySpec) -> None:
        """Create or replace a personal key.

        Raises:
            ValueError: the key's owner is not a user.
        """
        if not self.user_exists(key.owner):
            raise ValueError(f"personal key {key.key_id!r} names unknown user {key.owner!r}")
        with self._tx() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO personal_keys VALUES (?, ?, ?)",
                (key.key_id, key.owner, hash_secret(key.secret)),
            )

    def user_exists(self, name: str) -> bool:
        """True when ``name`` is a user."""
        return self._one("SELECT 1 FROM users WHERE name=?", name) is not None

    def check_password(self, name: str, password: str) -> bool:
        """True when ``password`` is ``name``'s password."""
        row = self._one("SELECT password_hash FROM users WHERE name=?", name)
        if row is None:
            burn_time(password)
            return False
        return check_secret(password, row[0])

    def check_key(self, key_id: str, secret: str) -> str | None:
        """The owner of personal key ``key_id`` when ``secret`` matches, else None."""
        row = self._one("SELECT username, secret_hash FROM personal_keys WHERE key_id=?", key_id)
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

    # -- datasets ----------------------------------------------------------------------
    def create_dataset(
        self,
        *,
        owner: str,
        org: str,
        name: str,
        description: str,
        node_encodings: dict[str, Any],
        edge_encodings: dict[str, Any],
        metadata: dict[str, Any],
    ) -> str:
        """Insert a dataset record and return its new URL-safe id."""
        dataset_id = "ds" + secrets.token_hex(10)
        with self._tx() as cur:
            cur.execute(
                f"INSERT INTO datasets ({_DATASET_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL, ?)",
                (
                    dataset_id, owner, org, name, description, json.dumps(node_encodings),
                    json.dumps(edge_encodings), json.dumps(metadata), time.time(),
                ),
            )  # fmt: skip
        return dataset_id

    def dataset(self, dataset_id: str) -> DatasetRecord | None:
        """The dataset ``dataset_id``, or None."""
        row = self._one(f"SELECT {_DATASET_COLUMNS} FROM datasets WHERE dataset_id=?", dataset_id)
        return None if row is None else _dataset(row)

    def datasets(self) -> list[DatasetRecord]:
        """Every dataset, oldest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_DATASET_COLUMNS} FROM datasets ORDER BY created_at, rowid"
            ).fetchall()
        return [_dataset(row) for row in rows]

    def set_table(self, dataset_id: str, kind: str, rows: int, uploader: str) -> None:
        """Record that ``uploader`` stored the ``kind`` ("edges"/"nodes") table."""
        if kind not in ("edges", "nodes"):
            raise ValueError(kind)
        with self._tx() as cur:
            cur.execute(
                f"UPDATE datasets SET {kind}_rows=?, {kind}_uploader=? WHERE dataset_id=?",
                (rows, uploader, dataset_id),
            )

    def set_share(self, dataset_id: str, mode: str, share: dict[str, Any]) -> None:
        """Record the sharing mode and settings of a dataset."""
        with self._tx() as cur:
            cur.execute(
                "UPDATE datasets SET privacy=?, share=? WHERE dataset_id=?",
                (mode, json.dumps(share), dataset_id),
            )

    # -- files -------------------------------------------------------------------------
    def create_file(self, *, owner: str, org: str, name: str, file_type: str) -> FileRecord:
        """Insert a file record (no bytes yet) and return it."""
        record = FileRecord(
            file_id="f" + secrets.token_hex(10), owner=owner, org=org, name=name,
            file_type=file_type, rows=None, uploaded=False, created_at=time.time(),
        )  # fmt: skip
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, NULL, 0, ?)",
                (record.file_id, owner, org, name, file_type, record.created_at),
            )
        return record

    def file(self, file_id: str) -> FileRecord | None:
        """The file ``file_id``, or None."""
        row = self._one("SELECT * FROM files WHERE file_id=?", file_id)
        if row is None:
            return None
        return FileRecord(
            file_id=row[0], owner=row[1], org=row[2], name=row[3], file_type=row[4],
            rows=row[5], uploaded=bool(row[6]), created_at=row[7],
        )  # fmt: skip

    def set_file_rows(self, file_id: str, rows: int | None, *, uploaded: bool) -> None:
        """Record a file's row count (None: not valid Arrow) and whether bytes are kept."""
        with self._tx() as cur:
            cur.execute(
                "UPDATE files SET rows=?, uploaded=? WHERE file_id=?",
                (rows, int(uploaded), file_id),
            )

    # -- SSO states --------------------------------------------------------------------
    def create_sso_state(self, *, org: str | None, idp: str | None, ttl_s: float) -> str:
        """Start an SSO flow; the state is redeemable once, until ``ttl_s`` from now."""
        state = secrets.token_urlsafe(24)
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO sso_states VALUES (?, ?, ?, ?, NULL, NULL)",
                (state, org, idp, time.time() + ttl_s),
            )
        return state

    def sso_state(self, state: str) -> tuple[str | None, str | None, float] | None:
        """``(requested org, approved user, expires_at)`` of a live or expired state."""
        row = self._one("SELECT org, username, expires_at FROM sso_states WHERE state=?", state)
        return None if row is None else (row[0], row[1], float(row[2]))

    def approve_sso_state(self, state: str, username: str, org: str) -> None:
        """Mark ``state`` approved by ``username`` into ``org``."""
        with self._tx() as cur:
            cur.execute(
                "UPDATE sso_states SET username=?, approved_org=? WHERE state=?",
                (username, org, state),
            )

    def redeem_sso_state(self, state: str) -> tuple[str, str] | None:
        """Consume an approved state: ``(username, org)``, or None if not approved."""
        with self._tx() as cur:
            row = cur.execute(
                "SELECT username, approved_org FROM sso_states WHERE state=? AND username IS NOT NULL",
                (state,),
            ).fetchone()
            if row is not None:
                cur.execute("DELETE FROM sso_states WHERE state=?", (state,))
        return None if row is None else (str(row[0]), str(row[1]))
