"""``python -m graphistry_fp plot``: files, credentials from flags or environment, errors."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

import graphistry_fp as graphistry
from graphistry_fp import cli_plot
from graphistry_fp.server import DatasetRecord, LocalServer

DATA = Path(cli_plot.__file__).parent / "data"
EDGES_CSV = str(DATA / "demo_edges.csv")
NODES_CSV = str(DATA / "demo_nodes.csv")
DATASET = re.compile(r"[?&]dataset=(\w+)")


def where(srv: LocalServer) -> list[str]:
    """The server flags for ``srv``."""
    return ["--server", srv.server, "--protocol", "http"]


def alice(srv: LocalServer) -> list[str]:
    """Alice's password flags and the server flags."""
    return ["-u", "alice", "-p", "alice-pw", *where(srv)]


def run(
    capsys: pytest.CaptureFixture[str], argv: list[str], environ: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """``plot`` in process with an empty (or the given) environment: (code, out, err)."""
    code = cli_plot.main(argv, environ={} if environ is None else environ)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def dataset_of(srv: LocalServer, out: str) -> DatasetRecord:
    """The record of the dataset whose URL ``out`` printed."""
    match = DATASET.search(out)
    assert match is not None, out
    return srv.dataset(match.group(1))


def test_csv_with_nodes(graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str]) -> None:
    """CSV edges and nodes upload; stdout is just the viewer URL; the name defaults to the file."""
    argv = [EDGES_CSV, "-s", "src", "-d", "dst", "--nodes", NODES_CSV, "--node", "id"]
    code, out, err = run(capsys, [*argv, *alice(graphistry_server)])
    assert (0, "") == (code, err)
    assert out.startswith(f"http://{graphistry_server.server}/graph/graph.html?dataset=")
    assert 1 == len(out.splitlines())
    record = dataset_of(graphistry_server, out)
    assert ("alice", "acme", 748, 277, "demo_edges.csv") == (
        record.owner, record.org, record.edges_rows, record.nodes_rows, record.name,
    )  # fmt: skip


def test_parquet_name_and_description(
    graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Parquet edges, with --name and --description."""
    path = tmp_path / "edges.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3], "b": [2, 3, 1]}), path)
    argv = [str(path), "-s", "a", "-d", "b", "--name", "P", "--description", "D"]
    code, out, _ = run(capsys, [*argv, *alice(graphistry_server)])
    record = dataset_of(graphistry_server, out)
    assert (0, 3, None, "P", "D") == (
        code, record.edges_rows, record.nodes_rows, record.name, record.description,
    )  # fmt: skip


def test_tsv_and_gzip_csv(
    graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A .tsv file and a gzip-compressed .csv.gz are read by extension."""
    import gzip

    tsv = tmp_path / "e.tsv"
    tsv.write_text("a\tb\nx\ty\ny\tz\n")
    gz = tmp_path / "e.csv.gz"
    gz.write_bytes(gzip.compress(b"a,b\nx,y\n"))
    for path, rows in ((tsv, 2), (gz, 1)):
        code, out, err = run(capsys, [str(path), "-s", "a", "-d", "b", *alice(graphistry_server)])
        assert (0, rows) == (code, dataset_of(graphistry_server, out).edges_rows), err


def test_credentials_from_environment(
    graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """GRAPHISTRY_* variables give user, server, protocol and org when flags are absent."""
    environ = {
        "GRAPHISTRY_USERNAME": "bob",
        "GRAPHISTRY_PASSWORD": "bob-pw",
        "GRAPHISTRY_HOSTNAME": graphistry_server.server,
        "GRAPHISTRY_PROTOCOL": "http",
        "GRAPHISTRY_ORG_NAME": "shared",
    }
    code, out, err = run(capsys, [EDGES_CSV, "-s", "src", "-d", "dst"], environ)
    record = dataset_of(graphistry_server, out)
    assert (0, "bob", "shared") == (code, record.owner, record.org), err


def test_flags_win_over_environment(
    graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A personal key and --org given as flags beat the environment's user, password and org."""
    environ = {"GRAPHISTRY_USERNAME": "bob", "GRAPHISTRY_PASSWORD": "wrong",
               "GRAPHISTRY_ORG_NAME": "globex"}  # fmt: skip
    argv = [EDGES_CSV, "-s", "src", "-d", "dst", "--personal-key-id", "alice-key",
            "--personal-key-secret", "alice-secret", "--org", "shared",
            *where(graphistry_server)]  # fmt: skip
    code, out, err = run(capsys, argv, environ)
    assert 0 == code, err
    record = dataset_of(graphistry_server, out)
    assert ("alice", "shared") == (record.owner, record.org)


def test_token_flag(graphistry_server: LocalServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A JWT from --token plots as its user."""
    with graphistry.ClientUserPass(
        "carol", "carol-pw", server=graphistry_server.server, protocol="http"
    ) as client:
        token = client.token()
    argv = [EDGES_CSV, "-s", "src", "-d", "dst", "--token", token, *where(graphistry_server)]
    code, out, err = run(capsys, argv)
    assert (0, "carol") == (code, dataset_of(graphistry_server, out).owner), err


def test_progress_for_big_uploads(
    graphistry_server: LocalServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over the threshold, sizes go to stderr before and a timing after; --quiet hushes it."""
    monkeypatch.setattr(cli_plot, "PROGRESS_BYTES", 1000)
    argv = [EDGES_CSV, "-s", "src", "-d", "dst", "--nodes", NODES_CSV, "--node", "id"]
    code, _, err = run(capsys, [*argv, *alice(graphistry_server)])
    assert 0 == code
    lines = err.splitlines()
    assert re.fullmatch(
        r"uploading \d+\.\d MB \(edges \d+\.\d MB, nodes \d+\.\d MB\)\.\.\.", lines[0]
    )
    assert re.fullmatch(r"uploaded \d+\.\d MB in \d+\.\d s \(\d+\.\d MB/s\)", lines[-1])
    code, _, err = run(capsys, [*argv, *alice(graphistry_server), "--quiet"])
    assert (0, "") == (code, err)


def test_ipc_size_counts_the_arrow_file() -> None:
    """ipc_size equals the length of the IPC file pyarrow writes."""
    table = pa_csv.read_csv(EDGES_CSV)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    assert sink.getvalue().size == cli_plot.ipc_size(table)


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing column", "error: bad input: bind(destination='nope') names column 'nope'"),
        ("bad password", "error: authentication failed: login refused"),
        ("missing file", "error: cannot read the edges file"),
        ("not parquet", "error: cannot read the edges file"),
        ("ragged csv", "error: cannot read the edges file"),
        ("unknown type", "error: "),
        ("unreachable", "error: cannot reach the server"),
        ("no credentials", "error: bad settings: no credentials"),
        ("nodes without node", "error: --nodes and --node go together"),
        ("scheme in server", "error: bad settings: server must be 'host[:port]' without a scheme"),
        ("foreign org", "error: permission denied"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    case: str,
    message: str,
    graphistry_server: LocalServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Each user-fixable problem: exit 2, nothing on stdout, one line on stderr."""
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    (tmp_path / "bad.csv").write_text("a,b\n1,2,3\n")
    (tmp_path / "e.xlsx").write_text("")
    base = [EDGES_CSV, "-s", "src", "-d", "dst"]
    argv = {
        "missing column": [EDGES_CSV, "-s", "src", "-d", "nope", *alice(graphistry_server)],
        "bad password": [*base, "-u", "alice", "-p", "nope", *where(graphistry_server)],
        "missing file": [str(tmp_path / "none.csv"), "-s", "a", "-d", "b", *alice(graphistry_server)],
        "not parquet": [str(tmp_path / "bad.parquet"), "-s", "a", "-d", "b", *alice(graphistry_server)],
        "ragged csv": [str(tmp_path / "bad.csv"), "-s", "a", "-d", "b", *alice(graphistry_server)],
        "unknown type": [str(tmp_path / "e.xlsx"), "-s", "a", "-d", "b", *alice(graphistry_server)],
        "unreachable": [*base, "-u", "a", "-p", "b", "--server", f"127.0.0.1:{closed_port()}",
                        "--protocol", "http"],
        "no credentials": [*base, *where(graphistry_server)],
        "nodes without node": [*base, "--nodes", NODES_CSV, *alice(graphistry_server)],
        "scheme in server": [*base, "-u", "a", "-p", "b", "--server", "http://x"],
        "foreign org": [*base, *alice(graphistry_server), "--org", "globex"],
    }[case]  # fmt: skip
    code, out, err = run(capsys, argv)
    assert (2, "") == (code, out)
    assert err.startswith(message), err
    assert 1 == len(err.splitlines()), err
    assert "alice-pw" not in err


def test_as_a_command_with_environment(graphistry_server: LocalServer) -> None:
    """``python -m graphistry_fp plot`` in a subprocess: the URL on stdout, exit 0."""
    env = {**os.environ, "GRAPHISTRY_USERNAME": "alice", "GRAPHISTRY_PASSWORD": "alice-pw",
           "GRAPHISTRY_HOSTNAME": graphistry_server.server, "GRAPHISTRY_PROTOCOL": "http"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "graphistry_fp", "plot", EDGES_CSV, "-s", "src", "-d", "dst"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert 0 == done.returncode, done.stderr
    assert "alice" == dataset_of(graphistry_server, done.stdout).owner
    bad = subprocess.run(
        [sys.executable, "-m", "graphistry_fp", "plot", "nope.csv", "-s", "a", "-d", "b"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert (2, "") == (bad.returncode, bad.stdout)
