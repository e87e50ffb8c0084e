"""Frozen records the server hands to tests and tools: datasets and served requests."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen(kw_only=True)
class DatasetRecord:
    """One stored dataset, as ``LocalServer.datasets()`` reports it.

    Attributes:
        dataset_id: the URL-safe id the create call returned.
        owner: the user whose token created it (only they may upload to or share it).
        org: the org it was created in (``org_name`` of the body, else the token's org).
        name, description: as sent by the client.
        node_encodings, edge_encodings, metadata: the parsed JSON objects sent at creation.
        edges_rows, nodes_rows: row counts of the uploaded Arrow tables (None until uploaded).
        edges_uploader, nodes_uploader: the user whose token uploaded each table.
        privacy: the sharing mode (``"private"``, ``"organization"``, ``"public"``), or None
            until a share link call sets it.
        share: the whole body of the last share call (mode, notify, invited_users, ...).
        created_at: creation time, seconds since the epoch.
    """

    dataset_id: str
    owner: str
    org: str
    name: str
    description: str
    node_encodings: dict[str, Any] = attrs.field(eq=True, hash=False)
    edge_encodings: dict[str, Any] = attrs.field(eq=True, hash=False)
    metadata: dict[str, Any] = attrs.field(eq=True, hash=False)
    edges_rows: int | None
    nodes_rows: int | None
    edges_uploader: str | None
    nodes_uploader: str | None
    privacy: str | None
    share: dict[str, Any] | None = attrs.field(eq=True, hash=False)
    created_at: float


@attrs.frozen(kw_only=True)
class FileRecord:
    """One file of the file API (``as_files=True`` uploads)."""

    file_id: str
    owner: str
    org: str
    name: str
    file_type: str
    rows: int | None
    uploaded: bool
    created_at: float


@attrs.frozen(kw_only=True)
class RequestRecord:
    """One request the server answered, in arrival order (``LocalServer.request_log()``).

    ``status`` is None when an injected ``reset`` fault closed the connection with no reply;
    ``username`` is the user of a valid token or of a successful login, else None.
    """

    method: str
    path: str
    status: int | None
    username: str | None
