"""The file API (create, upload with erase) and file-mode datasets."""

from __future__ import annotations

import pytest

from graphistry_fp.server import LocalServer
from tests.support.server import EDGES_IPC, login, post


def _file(srv: LocalServer, token: str) -> str:
    reply = post(srv, "/api/v2/files/", token, json={"file_type": "arrow", "name": "t edges"})
    assert 200 == reply.status_code, reply.text
    file_id: str = reply.json()["file_id"]
    return file_id


def test_file_upload_then_dataset(srv: LocalServer) -> None:
    """A valid upload is is_valid; a dataset naming the file holds its rows."""
    token = login(srv, "alice", "alice-pw")
    file_id = _file(srv, token)
    reply = post(srv, f"/api/v2/upload/files/{file_id}?erase=true", token, data=EDGES_IPC)
    assert (True, True, {}) == tuple(reply.json()[k] for k in ("is_valid", "is_uploaded", "errors"))
    body = {"edge_files": [file_id], "node_files": [], "name": "from files"}
    created = post(srv, "/api/v2/upload/datasets/", token, json=body).json()
    record = srv.dataset(created["data"]["dataset_id"])
    assert (3, None, "alice") == (record.edges_rows, record.nodes_rows, record.edges_uploader)


@pytest.mark.parametrize(("erase", "kept"), [("true", False), ("false", True)])
def test_invalid_file_upload(srv: LocalServer, erase: str, kept: bool) -> None:
    """Invalid bytes: 400 with is_valid false; erase decides whether the bytes are kept."""
    token = login(srv, "alice", "alice-pw")
    file_id = _file(srv, token)
    reply = post(srv, f"/api/v2/upload/files/{file_id}?erase={erase}", token, data=b"not arrow")
    assert (400, False, kept) == (
        reply.status_code,
        reply.json()["is_valid"],
        reply.json()["is_uploaded"],
    )
    assert kept == (srv.data_dir / "files" / f"{file_id}.arrow").exists()


def test_upload_to_another_users_file_403(srv: LocalServer) -> None:
    """Only a file's creator may upload its bytes."""
    file_id = _file(srv, login(srv, "alice", "alice-pw"))
    reply = post(srv, f"/api/v2/upload/files/{file_id}", login(srv, "bob", "bob-pw"), data=EDGES_IPC)
    assert 403 == reply.status_code


def test_dataset_from_another_users_file_403(srv: LocalServer) -> None:
    """A dataset may not take in another user's file (pygraphistry's shared file cache)."""
    alice = login(srv, "alice", "alice-pw")
    file_id = _file(srv, alice)
    assert 200 == post(srv, f"/api/v2/upload/files/{file_id}", alice, data=EDGES_IPC).status_code
    bob = login(srv, "bob", "bob-pw")
    before = len(srv.datasets())
    reply = post(srv, "/api/v2/upload/datasets/", bob, json={"edge_files": [file_id]})
    assert (403, False) == (reply.status_code, reply.json()["success"])
    assert before == len(srv.datasets())  # refused before anything was created


def test_unknown_file_in_dataset_400(srv: LocalServer) -> None:
    """A file id the server never issued is a clear failure, not a crash."""
    token = login(srv, "alice", "alice-pw")
    reply = post(srv, "/api/v2/upload/datasets/", token, json={"edge_files": ["fnope"]})
    assert (400, False) == (reply.status_code, reply.json()["success"])


def test_refresh_paths(srv: LocalServer) -> None:
    """Both the client's refresh path and the documented /api-token-refresh/ work."""
    token = login(srv, "alice", "alice-pw")
    for path in ("/api/v2/auth/token/refresh", "/api-token-refresh/"):
        assert post(srv, path, json={"token": token}).json()["token"]
