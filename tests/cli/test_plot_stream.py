"""``python -m graphistry_fp plot FOLDER_OR.parquet ...`` streams (README "Big graphs").

Parquet and Arrow inputs, files or folders, are opened as a ``pyarrow.dataset`` and
streamed by the client; the summary lines on stderr count the bytes sent; nulls found
while streaming are a one-line bad-input error; on a terminal the tqdm bar shows.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from graphistry_fp.effects.tables import table_digest
from graphistry_fp.server import LocalServer
from tests.cli.test_plot import alice, dataset_of, run

REPO = Path(__file__).resolve().parents[2]


def edges(rows: int) -> pa.Table:
    rng = np.random.default_rng(5)
    return pa.table({"a": rng.integers(0, 50, rows), "b": rng.integers(0, 50, rows),
                     "w": rng.random(rows)})  # fmt: skip


def stored(srv: LocalServer, dataset_id: str) -> pa.Table:
    with pa.memory_map(str(srv.data_dir / "datasets" / dataset_id / "edges.arrow")) as f:
        return pa.ipc.open_file(f).read_all()


def test_parquet_folder_streams_and_reports_bytes(
    graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A folder of 3 Parquet files uploads row for row; stderr says it is streamed and
    how many bytes went out."""
    table = edges(200_000)
    folder = tmp_path / "edges"
    folder.mkdir()
    for index, start in enumerate((0, 70_000, 140_000)):
        pq.write_table(table.slice(start, 70_000), folder / f"p{index}.parquet")
    code, out, err = run(capsys, [str(folder), "-s", "a", "-d", "b", *alice(graphistry_server)])
    assert 0 == code, err
    record = dataset_of(graphistry_server, out)
    assert table_digest(table) == table_digest(stored(graphistry_server, record.dataset_id))
    lines = err.splitlines()
    assert "uploading (edges streamed from a parquet dataset, 3 files)..." == lines[0]
    assert re.fullmatch(r"uploaded \d+\.\d MB in \d+\.\d s \(\d+\.\d MB/s\)", lines[-1])
    assert "edges" == record.name


def test_arrow_file_and_nodes_folder_stream(
    graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An Arrow (Feather v2) edges file and a Parquet nodes folder both stream; --quiet
    prints nothing on stderr."""
    feather.write_feather(edges(1000), tmp_path / "e.arrow")
    (tmp_path / "nodes").mkdir()
    pq.write_table(pa.table({"id": np.arange(50)}), tmp_path / "nodes" / "n.parquet")
    argv = [str(tmp_path / "e.arrow"), "-s", "a", "-d", "b", "--nodes", str(tmp_path / "nodes"),
            "--node", "id", "--quiet", *alice(graphistry_server)]  # fmt: skip
    code, out, err = run(capsys, argv)
    assert (0, "") == (code, err)
    record = dataset_of(graphistry_server, out)
    assert (1000, 50) == (record.edges_rows, record.nodes_rows)


def test_nulls_found_while_streaming_are_bad_input(
    graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A null id in a streamed file: exit 2, one line naming the column and the batch."""
    table = edges(1000).set_column(0, "a", pa.array([1] * 999 + [None], pa.int64()))
    pq.write_table(table, tmp_path / "e.parquet")
    code, out, err = run(capsys, [str(tmp_path / "e.parquet"), "-s", "a", "-d", "b", "-q",
                                  *alice(graphistry_server)])  # fmt: skip
    assert (2, "") == (code, out)
    assert err.startswith("error: bad input: the edges column 'a' (bound as source) has 1 null")
    assert "batch 1" in err
    assert 1 == len(err.splitlines())


def test_folder_without_data_files_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An empty folder: exit 2 and a one-line message, before any client is made."""
    code, _, err = run(capsys, [str(tmp_path), "-s", "a", "-d", "b", "-u", "x", "-p", "y"])
    assert 2 == code
    assert "holds no data files" in err


def test_the_bar_shows_on_a_terminal(graphistry_server: LocalServer, tmp_path: Path) -> None:
    """Run as a command with stderr on a pseudo-terminal, a 23 MiB streamed upload draws
    the tqdm bar (and the summary lines)."""
    pq.write_table(edges(1_000_000), tmp_path / "e.parquet")
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    argv = [sys.executable, "-m", "graphistry_fp", "plot", str(tmp_path / "e.parquet"), "-s",
            "a", "-d", "b", *alice(graphistry_server)]  # fmt: skip
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=secondary,
                            env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    os.close(secondary)
    err = bytearray()
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        err += data
    os.close(primary)
    out, _ = proc.communicate(timeout=120)
    text = err.decode(errors="replace")
    assert 0 == proc.returncode, text[-2000:]
    assert "upload edges" in text
    assert "uploaded " in text
    assert b"dataset=" in out
