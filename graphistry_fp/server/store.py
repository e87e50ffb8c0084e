"""The server's database: users, orgs, memberships, keys, datasets, files, SSO states.

The connection and schema live in :mod:`.db`, users and keys in :mod:`.store_users`. The
big payloads (Arrow tables) never enter the database; they live as files beside it.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from .records import DatasetRecord, FileRecord
from .store_users import UserStore

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


class Store(UserStore):
    """The SQLite database of one server (``<data dir>/server.sqlite3``): the users half
    in :class:`~.store_users.UserStore`, datasets, files and SSO states here."""

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

    def dataset_owner(self, dataset_id: str) -> str | None:
        """The owner of dataset ``dataset_id``, or None when there is no such dataset."""
        row = self._one("SELECT owner FROM datasets WHERE dataset_id=?", dataset_id)
        return None if row is None else str(row[0])

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

    def approve_sso_state(self, state: str, username: str, org: str) -> bool:
        """Mark ``state`` approved by ``username`` into ``org``, once: False when it was
        already approved (a second approval must not hand the waiting client to another
        user)."""
        with self._tx() as cur:
            cur.execute(
                "UPDATE sso_states SET username=?, approved_org=? "
                "WHERE state=? AND username IS NULL",
                (username, org, state),
            )
            return cur.rowcount == 1

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
