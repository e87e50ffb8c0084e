"""The SQLite connection under the store: schema, upgrades of older files, private modes.

One stdlib ``sqlite3`` connection shared by every thread behind one lock: requests run
both on the event loop and in starlette's thread pool, and every statement is tiny, so a
lock is simpler than a connection per thread and costs nothing measurable.

The database holds the token-signing secret and the password hashes, so its file is
created ``0600`` before SQLite opens it (SQLite gives its ``-wal`` and ``-shm`` files the
mode of the database file), whatever the process umask.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PRIVATE_FILE_MODE = 0o600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
    default_org TEXT NOT NULL, active_org TEXT NOT NULL,
    token_version INTEGER NOT NULL DEFAULT 0, disabled INTEGER NOT NULL DEFAULT 0);
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

#: Columns added since the first release: a data dir made by an older server gets them.
_ADDED_COLUMNS = {
    "users": {
        "token_version": "INTEGER NOT NULL DEFAULT 0",
        "disabled": "INTEGER NOT NULL DEFAULT 0",
    },
}


def create_private_file(path: Path) -> None:
    """Create ``path`` with mode 0600 if missing; tighten it to 0600 if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)


class Database:
    """The SQLite database file of one server, with its lock and transaction helper."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.RLock()
        create_private_file(path)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        with self._lock:
            # Commits run on the event loop: WAL with synchronous=NORMAL makes one cost
            # ~0.04 ms instead of ~0.7 ms (an fsync each). A crash of the server loses
            # nothing; a power cut may lose the last transactions, fine for a local server.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._upgrade()
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.chmod(side, PRIVATE_FILE_MODE)

    def _upgrade(self) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, decl in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")

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
