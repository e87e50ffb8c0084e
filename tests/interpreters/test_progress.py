"""Upload progress: ``on_progress=`` events and the tqdm bar (DESIGN.md 3).

Events are checked against the local server: their byte counts rise with every event and
the last one equals the body the server stored (its Arrow file is the body, byte for
byte). The bar is checked in child processes whose stderr is a pseudo-terminal (``pty``)
or a pipe: it shows on the terminal for an upload over 16 MiB, never in a pipe, and never
with ``progress=False``.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import pty
import struct
import subprocess
import sys
import termios
import textwrap
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import graphistry_fp as graphistry
from graphistry_fp import ConfigError
from graphistry_fp.effects.stream import BATCH_ROWS
from graphistry_fp.interpreters.progress import ProgressEvent
from graphistry_fp.server import LocalServer
from tests.support.clients import user_client

REPO = Path(__file__).resolve().parents[2]


def edges(rows: int) -> pa.Table:
    rng = np.random.default_rng(3)
    return pa.table({"s": rng.integers(0, 100, rows), "d": rng.integers(0, 100, rows),
                     "w": rng.random(rows)})  # fmt: skip


def stored_size(srv: LocalServer, dataset_id: str, kind: str) -> int:
    return (srv.data_dir / "datasets" / dataset_id / f"{kind}.arrow").stat().st_size


def check_events(events: list[ProgressEvent], size: int, total: int | None) -> None:
    """Monotonic counts ending at ``size``; the same total and table in every event."""
    counts = [e.bytes_sent for e in events]
    assert [] == [(a, b) for a, b in itertools.pairwise(counts) if b <= a]
    assert size == counts[-1]
    assert {total} == {e.total_bytes for e in events}
    elapsed = [e.elapsed for e in events]
    assert elapsed == sorted(elapsed)


def test_events_of_a_streamed_dataset_end_at_the_stored_body_size(
    srv: LocalServer, tmp_path: Path
) -> None:
    """A streamed dataset reports rising byte counts (total unknown) ending at the size of
    the body the server stored, with the dataset id and the table's name."""
    pq.write_table(edges(3 * BATCH_ROWS), tmp_path / "e.parquet", row_group_size=BATCH_ROWS)
    events: list[ProgressEvent] = []
    with user_client(srv, on_progress=events.append) as client:
        result = client.run(graphistry.edges(ds.dataset(tmp_path), "s", "d").plan())
    check_events(events, stored_size(srv, result.dataset_id, "edges"), None)
    assert {("edges", result.dataset_id, 1)} == {(e.table, e.dataset_id, e.attempt) for e in events}


def test_events_of_in_memory_tables_know_the_total(srv: LocalServer) -> None:
    """In-memory edges and nodes report their known total; each table's events end at
    the size the server stored; nodes are reported from the upload worker thread."""
    events: list[ProgressEvent] = []
    threads: dict[str, set[str]] = {"edges": set(), "nodes": set()}

    def record(event: ProgressEvent) -> None:
        events.append(event)
        threads[event.table].add(threading.current_thread().name)

    nodes = pa.table({"n": np.arange(100), "v": np.arange(100) * 1.5})
    with user_client(srv, on_progress=record) as client:
        plan = graphistry.edges(edges(300_000), "s", "d").nodes(nodes, "n").plan()
        result = client.run(plan)
    for kind in ("edges", "nodes"):
        size = stored_size(srv, result.dataset_id, kind)
        check_events([e for e in events if e.table == kind], size, size)
    assert {threading.current_thread().name} == threads["edges"]
    assert all(name.startswith("graphistry_fp-upload") for name in threads["nodes"])


def test_a_retry_starts_a_new_attempt_from_zero(srv: LocalServer, tmp_path: Path) -> None:
    """A 503 after the body was sent: the retry's events are attempt 2, rising from the
    start again and ending at the stored size."""
    pq.write_table(edges(2 * BATCH_ROWS), tmp_path / "e.parquet", row_group_size=BATCH_ROWS)
    srv.inject_fault("/api/v2/upload/datasets/ds", status=503, method="POST")
    events: list[ProgressEvent] = []
    with user_client(srv, on_progress=events.append) as client:
        result = client.run(graphistry.edges(ds.dataset(tmp_path), "s", "d").plan())
    second = [e for e in events if e.attempt == 2]
    assert {1, 2} == {e.attempt for e in events}
    check_events(second, stored_size(srv, result.dataset_id, "edges"), None)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [({"on_progress": "print"}, "on_progress"), ({"progress": "yes"}, "progress")],
)
def test_bad_progress_options_are_config_errors(
    srv: LocalServer, options: dict[str, object], fragment: str
) -> None:
    """A non-callable on_progress or a non-bool progress is refused at construction."""
    with pytest.raises(ConfigError) as info:
        user_client(srv, **options)
    assert fragment in str(info.value)


CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np, pyarrow as pa, pyarrow.dataset as ds, pyarrow.parquet as pq
    import graphistry_fp as graphistry
    from graphistry_fp.interpreters.clients import ClientUserPass
    from graphistry_fp.server import LocalServer

    source, progress, folder = sys.argv[1], sys.argv[2] == "on", sys.argv[3]
    rows = 1_000_000  # 24 MB of Arrow: over the 16 MiB threshold
    rng = np.random.default_rng(0)
    table = pa.table({"s": rng.integers(0, 9, rows), "d": rng.integers(0, 9, rows),
                      "w": rng.random(rows)})
    if source == "dataset":
        pq.write_table(table, folder + "/e.parquet")
        table = ds.dataset(folder)
    with LocalServer(users=["u:pw:o"]) as srv:
        c = ClientUserPass("u", "pw", server=srv.server, protocol="http", progress=progress)
        print(c.run(graphistry.edges(table, "s", "d").plan()).dataset_id, flush=True)
    """
)


def run_child(args: list[str], terminal: bool) -> tuple[int, str]:
    """Run the child with stderr on a pseudo-terminal or a pipe; (exit code, stderr)."""
    argv = [sys.executable, "-c", CHILD, *args]
    if not terminal:
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stderr
    primary, secondary = pty.openpty()
    # A fresh pty is 0x0; tqdm hides bars below a terminal's last row, so give it a size.
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    out = bytearray()
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        out += data
    os.close(primary)
    return proc.wait(timeout=120), out.decode(errors="replace")


@pytest.mark.parametrize("source", ["table", "dataset"])
def test_bar_shows_on_a_terminal(tmp_path: Path, source: str) -> None:
    """Under a pseudo-terminal, an upload over 16 MiB draws a tqdm bar on stderr, for an
    in-memory table (total known: it reaches 100%) and a streamed dataset alike."""
    code, err = run_child([source, "on", str(tmp_path)], terminal=True)
    assert 0 == code, err[-2000:]
    assert "upload edges" in err
    if source == "table":
        assert "100%" in err


@pytest.mark.parametrize(("progress", "terminal"), [("on", False), ("off", True)])
def test_no_bar_in_a_pipe_or_when_turned_off(tmp_path: Path, progress: str, terminal: bool) -> None:
    """With stderr a pipe (a service log), or with progress=False, nothing is drawn."""
    code, err = run_child(["table", progress, str(tmp_path)], terminal=terminal)
    assert 0 == code, err[-2000:]
    assert "upload edges" not in err


def test_the_hook_counts_sync_and_async_bodies_alike() -> None:
    """``track`` and ``atrack`` (the async drivers' twin) report the same rising counts,
    each chunk once it has been taken, the last equal to the body's size."""
    import asyncio

    from graphistry_fp.interpreters.progress import ProgressOptions, UploadProgress, atrack, track

    chunks = [b"ab", memoryview(b"cdef"), b"", b"g"]
    seen: dict[str, list[int]] = {"sync": [], "async": []}

    def counter(kind: str) -> Any:
        options = ProgressOptions(on_progress=lambda e: seen[kind].append(e.bytes_sent), bar=False)
        return UploadProgress("edges", 7, "ds1", options).attempt()

    assert chunks == list(track(chunks, counter("sync")))

    async def body() -> Any:
        for chunk in chunks:
            yield chunk

    async def drain() -> list[Any]:
        return [chunk async for chunk in atrack(body(), counter("async"))]

    assert chunks == asyncio.run(drain())
    assert {"sync": [2, 6, 7], "async": [2, 6, 7]} == seen


def test_dry_run_client_takes_the_same_options() -> None:
    """DryRunClient accepts on_progress/progress like every client (and refuses bad
    ones); it sends no bytes, so the callback is never called."""
    calls: list[ProgressEvent] = []
    client = graphistry.DryRunClient(on_progress=calls.append, progress=False)
    client.run(graphistry.edges(edges(10), "s", "d").plan())
    assert [] == calls
    with pytest.raises(ConfigError):
        graphistry.DryRunClient(on_progress=3)
