"""Streaming a ``pyarrow.dataset.Dataset`` into the upload body, against the local server.

The big case writes a 5,000,000-edge Parquet dataset (4 files, row groups of 64k rows)
and uploads it from a *separate* client process (so the client's memory is measured alone,
with the kernel's RSS high-water mark as ``benchmarks/upload.py`` does); the server
stores it, and its stored Arrow file equals the source row for row (content digest). The
20M point is measured by ``benchmarks/stream.py``. The other cases use small datasets:
nulls found while streaming, a 503 retried by re-reading the files, a reset mid-body,
other file formats.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.dataset as ds
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

import graphistry_fp as graphistry
from graphistry_fp import PlanError, TransportError
from graphistry_fp.effects.stream import BATCH_ROWS
from graphistry_fp.effects.tables import table_digest
from graphistry_fp.interpreters import streaming
from graphistry_fp.server import LocalServer
from tests.support.clients import user_client

REPO = Path(__file__).resolve().parents[2]
BIG_EDGES = 5_000_000
RSS_LIMIT = 128 * 2**20
UPLOAD_PATH = "/api/v2/upload/datasets/ds"  # the table uploads, not the create


def edges_table(rows: int, seed: int = 0) -> pa.Table:
    """int64 src, int64 dst, float64 weight."""
    rng = np.random.default_rng(seed)
    return pa.table({
        "src": rng.integers(0, max(1, rows // 10), rows, dtype=np.int64),
        "dst": rng.integers(0, max(1, rows // 10), rows, dtype=np.int64),
        "weight": rng.random(rows),
    })  # fmt: skip


def stored(srv: LocalServer, dataset_id: str, kind: str = "edges") -> pa.Table:
    """The table the server stored for ``dataset_id``."""
    path = srv.data_dir / "datasets" / dataset_id / f"{kind}.arrow"
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def write_parquet(folder: Path, table: pa.Table, files: int = 1) -> Path:
    """``table`` as ``files`` Parquet files (row groups of 64k rows) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    step = -(-table.num_rows // files)
    for index in range(files):
        part = table.slice(index * step, step)
        pq.write_table(part, folder / f"part-{index:03d}.parquet", row_group_size=BATCH_ROWS)
    return folder


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The big Parquet folder and the digest of its rows."""
    table = edges_table(BIG_EDGES)
    folder = write_parquet(tmp_path_factory.mktemp("big") / "edges", table, files=4)
    return folder, table_digest(table)


CHILD = textwrap.dedent(
    """
    import json, sys
    import pyarrow.dataset as ds
    import graphistry_fp as graphistry
    from graphistry_fp.interpreters.clients import ClientUserPass
    from benchmarks._measure import peak_extra_rss

    server, small, big = sys.argv[1:4]
    c = ClientUserPass("alice", "alice-pw", server=server, protocol="http", progress=False)
    c.run(graphistry.edges(ds.dataset(small), "src", "dst").name("warm-up").plan())
    plan = graphistry.edges(ds.dataset(big), "src", "dst").name("big").plan()
    result, seconds, extra, how = peak_extra_rss(lambda: c.run(plan))
    print(json.dumps({"dataset_id": result.dataset_id, "extra": extra, "how": how,
                      "seconds": seconds}))
    """
)


def test_big_dataset_streams_with_bounded_client_memory(
    srv: LocalServer, big_dataset: tuple[Path, str], tmp_path: Path
) -> None:
    """5M edges stream from a separate client process whose peak RSS grows by less than
    128 MB during the run; the server's stored table equals the source row for row."""
    folder, digest = big_dataset
    small = write_parquet(tmp_path / "small", edges_table(1000, seed=1))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, srv.server, str(small), str(folder)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert 0 == done.returncode, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert BIG_EDGES == srv.dataset(report["dataset_id"]).edges_rows
    assert digest == table_digest(stored(srv, report["dataset_id"]))
    assert report["extra"] < RSS_LIMIT, report


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a dataset was opened for reading (a spy on the real reader)."""
    opened: list[int] = []
    real = streaming.dataset_batches

    def spy(table: Any) -> Any:
        opened.append(1)
        return real(table)

    monkeypatch.setattr(streaming, "dataset_batches", spy)
    return opened


def test_null_in_third_batch_fails_typed_naming_column_and_batch(
    srv: LocalServer, tmp_path: Path
) -> None:
    """A null source id in the 3rd batch stops the stream with a PlanError naming the
    column and batch 3, carrying the dataset id; the server stored no edges."""
    table = edges_table(5 * BATCH_ROWS)
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[2 * BATCH_ROWS + 7] = True
    src = pa.array(table.column("src").to_numpy(), mask=mask)
    table = table.set_column(0, "src", src)
    folder = write_parquet(tmp_path / "nulls", table)
    with user_client(srv) as client, pytest.raises(PlanError) as info:
        client.run(graphistry.edges(ds.dataset(folder), "src", "dst").plan())
    message = str(info.value)
    assert [] == [f for f in ("'src'", "source", "batch 3", "1 null") if f not in message]
    dataset_id = info.value.dataset_id
    assert dataset_id is not None
    assert None is srv.dataset(dataset_id).edges_rows


def test_empty_dataset_fails_typed_before_the_upload_completes(
    srv: LocalServer, tmp_path: Path
) -> None:
    """A dataset with no rows is the core table's 'no rows' PlanError, found at run time."""
    folder = write_parquet(tmp_path / "empty", edges_table(0))
    with user_client(srv) as client, pytest.raises(PlanError) as info:
        client.run(graphistry.edges(ds.dataset(folder), "src", "dst").plan())
    assert "no rows" in str(info.value)
    assert None is srv.dataset(str(info.value.dataset_id)).edges_rows


def test_503_on_the_upload_is_retried_by_re_reading_the_dataset(
    srv: LocalServer, tmp_path: Path, counted_reads: list[int]
) -> None:
    """A 503 on the streamed upload is retried; the retry reads the files from the start,
    and the stored table equals the source."""
    table = edges_table(3 * BATCH_ROWS + 11)
    folder = write_parquet(tmp_path / "retry", table, files=2)
    srv.inject_fault(UPLOAD_PATH, status=503, method="POST")
    with user_client(srv) as client:
        result = client.run(graphistry.edges(ds.dataset(folder), "src", "dst").plan())
    assert 2 == len(counted_reads)
    assert table_digest(table) == table_digest(stored(srv, result.dataset_id))


def test_reset_mid_body_is_a_transport_error_with_the_dataset_id(
    srv: LocalServer, tmp_path: Path, counted_reads: list[int]
) -> None:
    """The server resetting the connection during every attempt's body gives a
    TransportError carrying the dataset id, after re-reading the dataset per attempt."""
    folder = write_parquet(tmp_path / "reset", edges_table(8 * BATCH_ROWS))
    # The server reads nothing for 0.2 s, then resets: by then the client has filled the
    # socket buffers with part of the 12 MB body and is blocked in the middle of it.
    srv.inject_fault(UPLOAD_PATH, reset=True, count=2, method="POST", delay_s=0.2)
    with user_client(srv, max_retries=1) as client, pytest.raises(TransportError) as info:
        client.run(graphistry.edges(ds.dataset(folder), "src", "dst").plan())
    assert info.value.dataset_id is not None
    assert info.value.dataset_id.startswith("ds")
    assert 2 == len(counted_reads)
    assert None is srv.dataset(info.value.dataset_id).edges_rows


@pytest.mark.parametrize("file_format", ["feather", "csv", "parquet-union"])
def test_other_formats_and_nodes_stream_in_order(
    srv: LocalServer, tmp_path: Path, file_format: str
) -> None:
    """Arrow/Feather and CSV folders, and a union of datasets, stream edges and nodes; the
    stored tables equal the sources in order."""
    edges = edges_table(2 * BATCH_ROWS + 5)
    nodes = pa.table({"id": np.arange(1000, dtype=np.int64), "name": [f"n{i}" for i in range(1000)]})
    data: list[Any] = []
    for name, table in (("edges", edges), ("nodes", nodes)):
        folder = tmp_path / name
        folder.mkdir()
        if file_format == "feather":
            feather.write_feather(table, folder / "t.arrow")
            data.append(ds.dataset(folder, format="ipc"))
        elif file_format == "csv":
            pa_csv.write_csv(table, folder / "t.csv")
            data.append(ds.dataset(folder, format="csv"))
        else:
            half = table.num_rows // 2
            pq.write_table(table.slice(0, half), folder / "a.parquet")
            pq.write_table(table.slice(half), folder / "b.parquet")
            data.append(ds.dataset([ds.dataset(folder / "a.parquet"), ds.dataset(folder / "b.parquet")]))
    with user_client(srv) as client:
        result = client.run(graphistry.edges(data[0], "src", "dst").nodes(data[1], "id").plan())
    assert table_digest(edges) == table_digest(stored(srv, result.dataset_id, "edges"))
    assert table_digest(nodes) == table_digest(stored(srv, result.dataset_id, "nodes"))
    record = srv.dataset(result.dataset_id)
    assert "name" == record.node_encodings["bindings"]["node_title"]


def test_counted_length_sends_content_length(
    srv: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted_reads: list[int]
) -> None:
    """With ``COUNT_FIRST`` a counting pass sizes the body (two reads), and the upload is
    stored the same as with chunked transfer encoding."""
    monkeypatch.setattr(streaming, "COUNT_FIRST", True)
    table = edges_table(BATCH_ROWS + 3)
    folder = write_parquet(tmp_path / "counted", table)
    with user_client(srv) as client:
        result = client.run(graphistry.edges(ds.dataset(folder), "src", "dst").plan())
    assert 2 == len(counted_reads)
    assert table_digest(table) == table_digest(stored(srv, result.dataset_id))


def test_filtered_dataset_streams_only_the_kept_rows(srv: LocalServer, tmp_path: Path) -> None:
    """``dataset.filter(expr)`` is applied while streaming (the scanner path)."""
    table = edges_table(BATCH_ROWS + 100)
    folder = write_parquet(tmp_path / "filtered", table)
    data = ds.dataset(folder).filter(ds.field("weight") > 0.5)
    with user_client(srv) as client:
        result = client.run(graphistry.edges(data, "src", "dst").plan())
    expected = table.filter(pa.compute.greater(table.column("weight"), 0.5))
    assert table_digest(expected) == table_digest(stored(srv, result.dataset_id))


def test_a_file_gone_at_run_time_is_a_plan_error(srv: LocalServer, tmp_path: Path) -> None:
    """A file deleted between plan() and the run: a PlanError saying the dataset could not
    be read (not a raw Arrow or OS error), carrying the dataset id."""
    folder = write_parquet(tmp_path / "gone", edges_table(1000), files=2)
    plan = graphistry.edges(ds.dataset(folder), "src", "dst").plan()
    (folder / "part-001.parquet").unlink()
    with user_client(srv) as client, pytest.raises(PlanError) as info:
        client.run(plan)
    assert "reading the edges dataset failed after 1 batch(es)" in str(info.value)
    assert info.value.dataset_id is not None


def test_a_file_of_another_type_is_a_plan_error(srv: LocalServer, tmp_path: Path) -> None:
    """A second file whose column cannot be cast to the dataset's schema: a PlanError
    naming the batch, not a raw Arrow error."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    pq.write_table(pa.table({"src": [1, 2], "dst": [2, 1]}), folder / "a.parquet")
    pq.write_table(pa.table({"src": ["x", "y"], "dst": [2, 1]}), folder / "b.parquet")
    with user_client(srv) as client, pytest.raises(PlanError) as info:
        client.run(graphistry.edges(ds.dataset(folder), "src", "dst").plan())
    assert "batch 2 of the edges dataset does not fit its schema" in str(info.value)


def test_411_length_required_resends_with_a_counted_length(
    srv: LocalServer, tmp_path: Path, counted_reads: list[int]
) -> None:
    """A server or proxy that refuses chunked bodies (411): the run counts the body (one
    more read) and resends it with a Content-Length; the table is stored."""
    table = edges_table(BATCH_ROWS + 9)
    folder = write_parquet(tmp_path / "411", table)
    srv.inject_fault(UPLOAD_PATH, status=411, method="POST", body={"detail": "Length Required"})
    with user_client(srv) as client:
        result = client.run(graphistry.edges(ds.dataset(folder), "src", "dst").plan())
    assert 3 == len(counted_reads)
    assert table_digest(table) == table_digest(stored(srv, result.dataset_id))


def test_async_drivers_get_the_same_bytes_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``achunks`` yields exactly the bytes of the sync body, each produced off the event
    loop's thread (reading and encoding never hold the loop)."""
    import asyncio
    import threading

    folder = write_parquet(tmp_path / "async", edges_table(2 * BATCH_ROWS + 1))
    upload = next(graphistry.edges(ds.dataset(folder), "src", "dst").plan().uploads())
    body = streaming.stream_body(upload)
    expected = b"".join(bytes(chunk) for chunk in body.chunks())
    producers: set[str] = set()
    real = streaming.dataset_batches

    def spy(table: Any) -> Any:
        for batch in real(table):
            producers.add(threading.current_thread().name)
            yield batch

    async def drain() -> bytes:
        return b"".join([bytes(chunk) async for chunk in streaming.achunks(body)])

    monkeypatch.setattr(streaming, "dataset_batches", spy)
    got = asyncio.run(drain())
    assert expected == got
    assert threading.main_thread().name not in producers


def test_hive_partitioned_folder_streams_its_partition_column(
    srv: LocalServer, tmp_path: Path
) -> None:
    """A hive-partitioned folder (``day=1/``, ``day=2/``) streams through the scanner; the
    partition column arrives as a column, every row once."""
    table = edges_table(1000).append_column("day", pa.array([1, 2] * 500, pa.int32()))
    pq.write_to_dataset(table, tmp_path / "hive", partition_cols=["day"])
    data = ds.dataset(tmp_path / "hive", partitioning="hive")
    with user_client(srv) as client:
        result = client.run(graphistry.edges(data, "src", "dst").bind(edge_color="day").plan())
    got = stored(srv, result.dataset_id)
    assert ["src", "dst", "weight", "day"] == got.column_names
    key = ["src", "dst", "weight", "day"]
    assert table.sort_by([(k, "ascending") for k in key]).to_pylist() == got.sort_by(
        [(k, "ascending") for k in key]).to_pylist()  # fmt: skip


def test_a_stream_sizes_the_request_deadline_by_its_files(tmp_path: Path) -> None:
    """The transport's overall deadline grows with the body; a chunked stream, whose size
    is unknown, is counted as twice its files' bytes on disk; a counted one, its length."""
    folder = write_parquet(tmp_path / "sized", edges_table(3000), files=3)
    upload = next(graphistry.edges(ds.dataset(folder), "src", "dst").plan().uploads())
    body = streaming.stream_body(upload)
    on_disk = sum(path.stat().st_size for path in folder.iterdir())
    assert 2 * on_disk == streaming.body_size(body)
    counted = body.counted()
    assert sum(memoryview(c).nbytes for c in counted.chunks()) == streaming.body_size(counted)


def test_arun_streams_a_dataset_with_progress_and_typed_nulls(
    srv: LocalServer, tmp_path: Path
) -> None:
    """``await client.arun(plan)`` streams a dataset too (off the loop, over the async transport): the
    stored table equals the source and progress events end at its size; a null id is
    the same PlanError naming column and batch, carrying the dataset id."""
    import asyncio

    from graphistry_fp.interpreters.progress import ProgressEvent

    table = edges_table(3 * BATCH_ROWS + 1)
    good = write_parquet(tmp_path / "good", table, files=2)
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[BATCH_ROWS + 1] = True
    bad = write_parquet(tmp_path / "bad", table.set_column(
        1, "dst", pa.array(table.column("dst").to_numpy(), mask=mask)))  # fmt: skip
    events: list[ProgressEvent] = []

    async def main() -> tuple[str, BaseException | None]:
        async with user_client(srv, on_progress=events.append) as client:
            result = await client.arun(graphistry.edges(ds.dataset(good), "src", "dst").plan())
            try:
                await client.arun(graphistry.edges(ds.dataset(bad), "src", "dst").plan())
            except PlanError as error:
                return result.dataset_id, error
            return result.dataset_id, None

    dataset_id, error = asyncio.run(main())
    assert table_digest(table) == table_digest(stored(srv, dataset_id))
    size = (srv.data_dir / "datasets" / dataset_id / "edges.arrow").stat().st_size
    assert size == max(e.bytes_sent for e in events if e.dataset_id == dataset_id)
    assert isinstance(error, PlanError)
    assert "'dst'" in str(error) and "batch 2" in str(error)
    assert error.dataset_id is not None
