"""Reading the local server (settled request log, datasets) and raw HTTP against it."""

from __future__ import annotations

import io
import os
import re
import time
from collections import Counter
from typing import Any

import pyarrow as pa
import pytest
import requests

from graphistry_fp.server import LocalServer

#: A JWT as it appears on the wire or in text.
JWT_RE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")

TIMEOUT = 30  # seconds, for the raw HTTP helpers below


def settled_log(srv: LocalServer) -> list[Any]:
    """The server's request log once it stops growing (two reads 50 ms apart agree).

    A request the client abandoned (a timeout, a reset) can be logged after the client has
    moved on; waiting (up to 2 s) keeps such late entries out of the next assertion.
    """
    deadline = time.monotonic() + 2.0
    log = srv.request_log()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        again = srv.request_log()
        if len(again) == len(log):
            return again
        log = again
    return log


def _kind(path: str) -> str:
    if path in ("/api-token-auth/", "/api/v2/auth/pkey/jwt/"):
        return "login"
    if path.startswith("/api/v2/auth/token/refresh"):
        return "refresh"
    if path.endswith("/switch/"):
        return "switch"
    if path == "/api/v2/upload/datasets/":
        return "create"
    if path.endswith("/edges/arrow"):
        return "edges"
    if path.endswith("/nodes/arrow"):
        return "nodes"
    if path == "/api/v2/share/link/":
        return "share"
    return path


def requests_by_kind(srv: LocalServer, user: str | None = None) -> Counter[str]:
    """The server's settled request log (of ``user``, if given), counted by kind (login,
    refresh, switch, create, edges, nodes, share, else the path)."""
    return Counter(
        _kind(record.path) for record in settled_log(srv) if user is None or record.username == user
    )


def dataset_ids(srv: LocalServer) -> set[str]:
    """Every dataset id the server holds."""
    return {record.dataset_id for record in srv.datasets()}


def log_of(srv: LocalServer) -> list[tuple[str, str, int | None]]:
    """The server's request log as (method, path, status)."""
    return [(r.method, r.path, r.status) for r in srv.request_log()]


def paths_with(srv: LocalServer, mark: str) -> list[str]:
    """The logged request paths that contain ``mark``."""
    return [r.path for r in srv.request_log() if mark in r.path]


def arrow_file_bytes(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC *file* (what pygraphistry uploads)."""
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


#: A three-edge table (``s`` -> ``d``) as an upload body.
EDGES_IPC = arrow_file_bytes(pa.table({"s": [1, 2, 3], "d": [2, 3, 1]}))


def _headers(kw: dict[str, Any], token: str | None) -> dict[str, str]:
    headers = dict(kw.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def post(srv: LocalServer, path: str, token: str | None = None, **kw: Any) -> requests.Response:
    """POST to ``srv`` with an optional Bearer token."""
    headers = _headers(kw, token)
    return requests.post(srv.url + path, headers=headers, timeout=TIMEOUT, **kw)


def get(srv: LocalServer, path: str, token: str | None = None, **kw: Any) -> requests.Response:
    """GET from ``srv`` with an optional Bearer token."""
    headers = _headers(kw, token)
    return requests.get(srv.url + path, headers=headers, timeout=TIMEOUT, **kw)


def login(srv: LocalServer, username: str, password: str, org: str | None = None) -> str:
    """A token from a password login (asserting it succeeded)."""
    body = {"username": username, "password": password}
    if org is not None:
        body["org_name"] = org
    reply = post(srv, "/api-token-auth/", json=body)
    assert 200 == reply.status_code, reply.text
    token: str = reply.json()["token"]
    return token


def create_dataset(srv: LocalServer, token: str, **body: Any) -> str:
    """A new dataset id (asserting the create succeeded)."""
    body.setdefault("edge_encodings", {"bindings": {"source": "s", "destination": "d"}})
    reply = post(srv, "/api/v2/upload/datasets/", token, json=body)
    assert 200 == reply.status_code, reply.text
    dataset_id: str = reply.json()["data"]["dataset_id"]
    return dataset_id


def spy_on_publishing(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Spy on ``os.fsync`` (the path of each file synced) and ``os.replace`` (each source)
    from now on, the server running in this process: the list they append their events to."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], dest: str | os.PathLike[str]) -> None:
        events.append(("replace", str(source)))
        real_replace(source, dest)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


def assert_fsynced_before_published(events: list[tuple[str, str]]) -> None:
    """One upload's scratch file was renamed into place, and fsynced before that rename."""
    renamed = [name for kind, name in events if kind == "replace" and name.endswith(".upload")]
    assert 1 == len(renamed)
    assert ("fsync", renamed[0]) in events
    assert events.index(("fsync", renamed[0])) < events.index(("replace", renamed[0]))
