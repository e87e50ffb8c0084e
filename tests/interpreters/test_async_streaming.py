"""Streamed datasets and upload progress (issue 15) on the async driver, against the local
server: ``arun`` streams a ``pyarrow.dataset.Dataset`` with its chunks produced off the
loop, retries by re-reading it, resends a refused chunked body with a counted length,
names the dataset of a reset upload, and reports progress events as ``run`` does."""

from __future__ import annotations

import asyncio
import itertools
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import graphistry_fp as graphistry
from graphistry_fp import TransportError
from graphistry_fp.effects.stream import BATCH_ROWS
from graphistry_fp.effects.tables import table_digest
from graphistry_fp.interpreters import streaming
from graphistry_fp.interpreters.progress import ProgressEvent
from graphistry_fp.server import LocalServer
from tests.support.clients import user_client

UPLOAD_PATH = "/api/v2/upload/datasets/ds"


def edges_table(rows: int) -> pa.Table:
    rng = np.random.default_rng(5)
    return pa.table({
        "src": rng.integers(0, max(1, rows // 10), rows, dtype=np.int64),
        "dst": rng.integers(0, max(1, rows // 10), rows, dtype=np.int64),
        "weight": rng.random(rows),
    })  # fmt: skip


def folder_of(path: Path, table: pa.Table, files: int = 1) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    step = -(-table.num_rows // files)
    for index in range(files):
        pq.write_table(table.slice(index * step, step), path / f"p{index}.parquet",
                       row_group_size=BATCH_ROWS)  # fmt: skip
    return path


def stored(srv: LocalServer, dataset_id: str, kind: str = "edges") -> pa.Table:
    path = srv.data_dir / "datasets" / dataset_id / f"{kind}.arrow"
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """Per read of a dataset, the threads its batches were read on."""
    opened: list[set[str]] = []
    real = streaming.dataset_batches

    def spy(table: Any) -> Any:
        threads: set[str] = set()
        opened.append(threads)
        for batch in real(table):
            threads.add(threading.current_thread().name)
            yield batch

    monkeypatch.setattr(streaming, "dataset_batches", spy)
    return opened


def test_dataset_streams_through_arun_off_the_loop(
    srv: LocalServer, tmp_path: Path, reads: list[set[str]]
) -> None:
    """A two-file Parquet dataset uploaded with arun is stored row for row, and its files
    were read on a worker thread, never on the loop's."""
    table = edges_table(3 * BATCH_ROWS + 7)
    folder = folder_of(tmp_path / "e", table, files=2)
    client = user_client(srv)
    result = asyncio.run(client.arun(graphistry.edges(ds.dataset(folder), "src", "dst").plan()))
    assert table_digest(table) == table_digest(stored(srv, result.dataset_id))
    assert 1 == len(reads) and reads[0] and threading.main_thread().name not in reads[0]


def test_503_retried_by_re_reading_and_411_resent_counted(
    srv: LocalServer, tmp_path: Path, reads: list[set[str]]
) -> None:
    """A 503 on the streamed upload, then a 411 (chunked refused): arun retries by
    re-reading, then counts the body and resends it with a length; the table is stored."""
    table = edges_table(BATCH_ROWS + 9)
    folder = folder_of(tmp_path / "r", table)
    srv.inject_fault(UPLOAD_PATH, status=503, method="POST")
    srv.inject_fault(UPLOAD_PATH, status=411, method="POST", body={"detail": "Length Required"})
    client = user_client(srv)
    result = asyncio.run(client.arun(graphistry.edges(ds.dataset(folder), "src", "dst").plan()))
    assert table_digest(table) == table_digest(stored(srv, result.dataset_id))
    assert 4 == len(reads)  # 503'd attempt, 411'd attempt, the count, the counted send


def test_reset_mid_body_names_the_dataset(srv: LocalServer, tmp_path: Path) -> None:
    """The server resetting every attempt of a streamed upload: a TransportError carrying
    the dataset id, whose record has no edges."""
    folder = folder_of(tmp_path / "x", edges_table(8 * BATCH_ROWS))
    srv.inject_fault(UPLOAD_PATH, reset=True, count=2, method="POST", delay_s=0.2)
    client = user_client(srv, max_retries=1)
    with pytest.raises(TransportError) as info:
        asyncio.run(client.arun(graphistry.edges(ds.dataset(folder), "src", "dst").plan()))
    assert info.value.dataset_id is not None and info.value.dataset_id.startswith("ds")
    assert None is srv.dataset(info.value.dataset_id).edges_rows


def test_progress_events_from_arun(srv: LocalServer, tmp_path: Path) -> None:
    """arun reports progress like run: an in-memory table's events rise to its stored size
    with the total known; a streamed dataset's to its stored size with no total."""
    events: list[ProgressEvent] = []
    client = user_client(srv, on_progress=events.append)
    memory = asyncio.run(client.arun(graphistry.edges(edges_table(300_000), "src", "dst").plan()))
    folder = folder_of(tmp_path / "p", edges_table(2 * BATCH_ROWS))
    streamed = asyncio.run(client.arun(graphistry.edges(ds.dataset(folder), "src", "dst").plan()))
    for result, total_known in ((memory, True), (streamed, False)):
        mine = [e for e in events if e.dataset_id == result.dataset_id]
        size = (srv.data_dir / "datasets" / result.dataset_id / "edges.arrow").stat().st_size
        counts = [e.bytes_sent for e in mine]
        assert [] == [(a, b) for a, b in itertools.pairwise(counts) if b <= a]
        assert size == counts[-1]
        assert {size if total_known else None} == {e.total_bytes for e in mine}
