"""Small HTTP helpers for the server tests (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import requests

from graphistry_fp.server import LocalServer

TIMEOUT = 30


def arrow_file_bytes(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC *file* (what pygraphistry uploads)."""
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


EDGES = arrow_file_bytes(pa.table({"s": [1, 2, 3], "d": [2, 3, 1]}))


def post(srv: LocalServer, path: str, token: str | None = None, **kw: Any) -> requests.Response:
    """POST to ``srv`` with an optional Bearer token."""
    headers = dict(kw.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(srv.url + path, headers=headers, timeout=TIMEOUT, **kw)


def get(srv: LocalServer, path: str, token: str | None = None, **kw: Any) -> requests.Response:
    """GET from ``srv`` with an optional Bearer token."""
    headers = dict(kw.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
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
