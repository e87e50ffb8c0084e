"""Issue 17, items 1 and 8: compressed Arrow bodies and duplicate columns are refused.

A compressed IPC file is a decompression bomb waiting to happen (25 KB standing for
800 MB), so the server refuses any compressed batch from its metadata alone; duplicate
column names made a dataset answer 500 for good, so they are refused at upload.
"""

from __future__ import annotations

import io
import shutil

import numpy as np
import pyarrow as pa
import pytest

from graphistry_fp.server import LocalServer
from tests.support.server import arrow_file_bytes, create_dataset, get, login, post


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> LocalServer:
    return graphistry_server_clean


def compressed_file_bytes(rows: int, codec: str = "zstd") -> bytes:
    """Two int64 columns of zeros as an IPC file with ``codec``-compressed buffers."""
    zeros = pa.array(np.zeros(rows, dtype=np.int64))
    table = pa.table({"s": zeros, "d": zeros})
    sink = io.BytesIO()
    options = pa.ipc.IpcWriteOptions(compression=codec)
    with pa.ipc.new_file(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue()


@pytest.mark.parametrize("codec", ["zstd", "lz4"])
def test_compressed_dataset_upload_is_400(srv: LocalServer, codec: str) -> None:
    """A compressed IPC body is refused with a 400 that says why, and nothing is stored.

    Fails before the fix: the body was accepted (200) and decompressed by the check."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    body = compressed_file_bytes(2_000_000, codec)
    assert len(body) < 200_000  # 32 MB of data in a small body: a (small) bomb
    reply = post(srv, f"/api/v2/upload/datasets/{dataset_id}/edges/arrow", token, data=body)
    assert (400, False) == (reply.status_code, reply.json()["success"])
    assert "compressed" in reply.json()["detail"]
    assert None is srv.dataset(dataset_id).edges_rows
    assert not srv._context().table_path(dataset_id, "edges").exists()


def test_compressed_file_api_upload_is_400(srv: LocalServer) -> None:
    """The file API refuses a compressed body the same way (``is_valid`` false).

    Fails before the fix: the file API accepted it with ``is_valid`` true."""
    token = login(srv, "alice", "alice-pw")
    created = post(srv, "/api/v2/files/", token, json={"name": "f", "file_type": "arrow"})
    file_id = created.json()["file_id"]
    reply = post(srv, f"/api/v2/upload/files/{file_id}", token, data=compressed_file_bytes(1000))
    assert (400, False) == (reply.status_code, reply.json()["is_valid"])
    assert "compressed" in reply.json()["detail"]


def test_viewer_refuses_a_stored_compressed_table(srv: LocalServer) -> None:
    """A compressed table already on disk (a data dir from before the fix) is never
    decompressed by the viewer: its data endpoint answers 409 JSON.

    Fails before the fix: the viewer read (and decompressed) the whole table."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    path = srv._context().table_path(dataset_id, "edges")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(compressed_file_bytes(1000))
    try:
        reply = get(srv, f"/graph/data/{dataset_id}.json")
        assert 409 == reply.status_code
        assert "compressed" in reply.json()["detail"]
    finally:
        shutil.rmtree(path.parent)


def test_viewer_reads_only_the_rows_it_shows(srv: LocalServer) -> None:
    """A table of many batches is shown as its first 30,000 rows with the right total."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    batch = pa.record_batch({"s": pa.array(range(10_000)), "d": pa.array(range(1, 10_001))})
    body = arrow_file_bytes(pa.Table.from_batches([batch] * 7))
    reply = post(srv, f"/api/v2/upload/datasets/{dataset_id}/edges/arrow", token, data=body)
    assert 200 == reply.status_code
    edges = get(srv, f"/graph/data/{dataset_id}.json").json()["edges"]
    assert (30_000, 70_000, True) == (edges["count"], edges["total"], edges["truncated"])
    assert list(range(10_000)) * 3 == edges["columns"]["s"]


def test_duplicate_column_names_are_400(srv: LocalServer) -> None:
    """An upload whose columns share a name is refused with 400, naming the column, and
    the dataset stays readable (its viewer data answers 200).

    Fails before the fix: the upload was accepted and the dataset's viewer data was a 500."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    table = pa.Table.from_arrays([pa.array([1]), pa.array([2]), pa.array([3])], ["s", "d", "s"])
    path = f"/api/v2/upload/datasets/{dataset_id}/edges/arrow"
    reply = post(srv, path, token, data=arrow_file_bytes(table))
    assert (400, False) == (reply.status_code, reply.json()["success"])
    assert "duplicate column names: 's'" in reply.json()["detail"]
    assert 200 == get(srv, f"/graph/data/{dataset_id}.json").status_code
