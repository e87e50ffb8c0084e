"""Issue 14 (server CPU): how an Arrow upload is received, checked and stored.

Bodies up to ``bodies.MEMORY_BODY_BYTES`` are received in memory and checked, written and
fsynced on the server's disk threads in one trip; bigger ones (by Content-Length, or a
chunked body growing past the limit) are streamed to a scratch file first. Both ways
must store the same table, refuse the same bad bodies and leave no scratch file behind.
The limit is lowered here (the server runs in this process) so small tables take the
streamed path.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import requests

from graphistry_fp.server import LocalServer, bodies
from tests.server.test_hardening_arrow import compressed_file_bytes
from tests.support.server import (
    TIMEOUT,
    arrow_file_bytes,
    assert_fsynced_before_published,
    create_dataset,
    login,
    post,
    spy_on_publishing,
)

#: 2,000 rows of two int64 columns: about 32 KB as an IPC file.
TABLE = pa.table({"s": list(range(2000)), "d": list(range(1, 2001))})
BODY = arrow_file_bytes(TABLE)


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> LocalServer:
    return graphistry_server_clean


@pytest.fixture(params=["memory", "streamed"])
def path_taken(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with the table received in memory, then streamed to disk."""
    if request.param == "streamed":
        monkeypatch.setattr(bodies, "MEMORY_BODY_BYTES", 4096)
    assert len(BODY) > 4096
    return str(request.param)


def _chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _upload(srv: LocalServer, token: str, dataset_id: str, body: object) -> requests.Response:
    """POST ``body`` as the edges of ``dataset_id`` (a generator goes out chunked)."""
    return requests.post(
        f"{srv.url}/api/v2/upload/datasets/{dataset_id}/edges/arrow",
        headers={"Authorization": f"Bearer {token}"},
        data=body,
        timeout=TIMEOUT,
    )


def _scratch_files(srv: LocalServer) -> list[Path]:
    return sorted((srv.data_dir / "tmp").glob("*"))


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_upload_is_stored_either_way(srv: LocalServer, path_taken: str, chunked: bool) -> None:
    """A table sent with a Content-Length or chunked, received in memory or streamed to
    disk, is stored byte for byte, counted right, and leaves no scratch file."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    reply = _upload(srv, token, dataset_id, _chunks(BODY) if chunked else BODY)
    assert (200, 2000, 2) == (
        reply.status_code,
        reply.json()["data"]["num_rows"],
        reply.json()["data"]["num_cols"],
    )
    assert BODY == srv._context().table_path(dataset_id, "edges").read_bytes()
    assert 2000 == srv.dataset(dataset_id).edges_rows
    assert [] == _scratch_files(srv)


@pytest.mark.parametrize(
    "body", [b"x" * 6000, compressed_file_bytes(2000)], ids=["not-arrow", "compressed"]
)
def test_bad_upload_is_refused_either_way(srv: LocalServer, path_taken: str, body: bytes) -> None:
    """Bytes that are not an Arrow file, and a compressed Arrow file, are refused with
    400 on both paths; nothing is stored and no scratch file stays behind."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    reply = _upload(srv, token, dataset_id, body)
    assert (400, False) == (reply.status_code, reply.json()["success"])
    assert not srv._context().table_path(dataset_id, "edges").exists()
    assert None is srv.dataset(dataset_id).edges_rows
    assert [] == _scratch_files(srv)


@pytest.mark.parametrize(("erase", "kept"), [("true", False), ("false", True)])
def test_invalid_file_api_upload_either_way(
    srv: LocalServer, path_taken: str, erase: str, kept: bool
) -> None:
    """The file API keeps invalid bytes only with ``erase=false``, on both paths."""
    token = login(srv, "alice", "alice-pw")
    file_id = post(srv, "/api/v2/files/", token, json={"name": "f"}).json()["file_id"]
    reply = post(srv, f"/api/v2/upload/files/{file_id}?erase={erase}", token, data=b"y" * 6000)
    assert (400, kept) == (reply.status_code, reply.json()["is_uploaded"])
    assert kept == (srv.data_dir / "files" / f"{file_id}.arrow").exists()
    assert [] == _scratch_files(srv)


def test_upload_to_an_unknown_dataset_is_404(srv: LocalServer) -> None:
    """An upload naming no dataset is 404 with ``success: false``, and stores nothing."""
    token = login(srv, "alice", "alice-pw")
    reply = _upload(srv, token, "dsnope", BODY)
    assert (404, False) == (reply.status_code, reply.json()["success"])
    assert not (srv.data_dir / "datasets" / "dsnope").exists()


def test_streamed_upload_is_fsynced_before_it_is_published(
    srv: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the streamed path too, the scratch file is fsynced before the rename that
    publishes it (the in-memory path: ``test_hardening_storage``)."""
    monkeypatch.setattr(bodies, "MEMORY_BODY_BYTES", 4096)
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    events = spy_on_publishing(monkeypatch)
    assert 200 == _upload(srv, token, dataset_id, BODY).status_code
    assert_fsynced_before_published(events)


def _disk_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("graphistry_fp-disk")]


def test_disk_threads_end_with_the_server(tmp_path: Path) -> None:
    """A small upload runs on the server's disk threads, and stopping the server ends
    them (after the work in hand)."""
    before = set(_disk_threads())
    with LocalServer(users=["alice:pw"], data_dir=tmp_path / "data") as srv:
        token = login(srv, "alice", "pw")
        dataset_id = create_dataset(srv, token)
        assert 200 == _upload(srv, token, dataset_id, BODY).status_code
        assert set(_disk_threads()) - before
    assert set() == set(_disk_threads()) - before
