"""``python -m graphistry_fp plot EDGES --source S --destination D``: upload a file or folder.

Reads a CSV (also ``.tsv``, ``.csv.gz``...) edges file into memory, or streams a Parquet
or Arrow/Feather file, or a folder of such files (or of CSV files), as a
``pyarrow.dataset`` (README "Big graphs": the client holds a few batches, not the table);
optionally a nodes file or folder too. It builds a plottable, runs its plan with a client
made from the flags and the ``GRAPHISTRY_*`` environment variables (flags win; see
``Client.from_env``), and prints the viewer URL on stdout. Uploads over
:data:`PROGRESS_BYTES` (and every streamed one) report their size and timing on stderr,
and on a terminal the client's progress bar shows the bytes sent. Errors are one line on
stderr; the exit code is 2 for what the user can fix (a bad file, a missing column, refused
credentials, an unreachable server, bad options) and 1 for a server that failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import webbrowser
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

import graphistry_fp as graphistry
from graphistry_fp.effects import DatasetTable
from graphistry_fp.errors import (
    AuthenticationError,
    ConfigError,
    GraphistryError,
    PermissionDeniedError,
    PlanError,
    TransportError,
)
from graphistry_fp.interpreters.credentials import (
    CREDENTIAL_VARIABLES,
    CREDENTIALS,
    client_from_env,
)
from graphistry_fp.interpreters.progress import ProgressEvent

#: Uploads at least this big (Arrow bytes) get progress messages on stderr.
PROGRESS_BYTES = 4 * 2**20

_PARQUET = (".parquet", ".pq", ".parq")
_ARROW = (".arrow", ".feather", ".ipc")
_COMPRESSED = (".gz", ".bz2", ".zst", ".lz4")


class UsageError(Exception):
    """A problem with the command's input: printed as one line, exit code 2."""


def _format(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSED:
        suffixes.pop()
    last = suffixes[-1] if suffixes else ""
    if last in _PARQUET:
        return "parquet"
    if last in _ARROW:
        return "arrow"
    if last in (".tsv", ".tab"):
        return "tsv"
    if last in (".csv", ".txt", ""):
        return "csv"
    raise UsageError(
        f"{path}: unknown file type {last!r}: use .csv, .tsv, .parquet or .arrow, or --format"
    )


def _folder_format(folder: Path, explicit: str | None, what: str) -> str:
    """The format of a folder's files: ``explicit``, else the first data file's extension."""
    if explicit:
        return explicit
    for file in sorted(folder.rglob("*")):
        if file.is_file() and not file.name.startswith((".", "_")):
            return _format(file, None)
    raise UsageError(f"cannot read the {what} folder {folder}: it holds no data files")


def _open_dataset(path: Path, kind: str, what: str) -> Any:
    """A ``pyarrow.dataset`` over ``path`` (a file or folder), streamed when the plan runs."""
    import pyarrow.csv as pa_csv
    import pyarrow.dataset as ds

    formats: dict[str, Any] = {
        "parquet": "parquet",
        "arrow": "ipc",
        "csv": ds.CsvFileFormat(),
        "tsv": ds.CsvFileFormat(parse_options=pa_csv.ParseOptions(delimiter="\t")),
    }
    try:
        return ds.dataset(str(path), format=formats[kind])
    except (pa.ArrowException, OSError, ValueError) as exc:
        detail = " ".join(str(exc).split())
        raise UsageError(f"cannot read the {what} file {path} as {kind}: {detail}") from exc


def read_table(path: str, file_format: str | None = None, what: str = "edges") -> Any:
    """Open an edges or nodes input: a CSV/TSV file read into a ``pyarrow.Table``, or a
    Parquet/Arrow file, or a folder of files, as a ``pyarrow.dataset`` streamed at run time.

    Args:
        path: the file or folder; extensions pick the reader unless ``file_format`` is given.
        file_format: ``csv``, ``tsv``, ``parquet`` or ``arrow``.
        what: ``edges`` or ``nodes``, for messages.

    Raises:
        UsageError: the file is missing, unreadable or not of that format.
    """
    import pyarrow.csv as pa_csv

    file = Path(path)
    if file.is_dir():
        return _open_dataset(file, _folder_format(file, file_format, what), what)
    kind = _format(file, file_format)
    if not file.is_file():
        raise UsageError(f"cannot read the {what} file {path}: no such file")
    if kind in ("parquet", "arrow"):
        return _open_dataset(file, kind, what)
    try:
        delimiter = "\t" if kind == "tsv" else ","
        table: pa.Table = pa_csv.read_csv(
            file, parse_options=pa_csv.ParseOptions(delimiter=delimiter)
        )
    except (pa.ArrowException, OSError, ValueError) as exc:
        detail = " ".join(str(exc).split())
        raise UsageError(f"cannot read the {what} file {path} as {kind}: {detail}") from exc
    return table


def ipc_size(table: pa.Table) -> int:
    """The size in bytes of ``table`` as an Arrow IPC file, counted without copying."""
    sink = pa.MockOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return int(sink.size())


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


class Progress:
    """Upload summary on stderr: sizes before (when known), bytes and timing after.

    The byte-level bar on a terminal is the client's (``progress=True``, tqdm); this adds
    the two summary lines, counting the bytes sent from the client's progress events, so a
    streamed upload (size unknown until its last byte) reports its size too.
    """

    def __init__(self, out: TextIO, threshold: int = PROGRESS_BYTES, quiet: bool = False):
        self.out = out
        self.threshold = threshold
        self.quiet = quiet
        self.sizes: dict[str, int | None] = {}
        self.streamed: dict[str, str] = {}
        self.sent: dict[str, int] = {}
        self._started = 0.0

    def on_event(self, event: ProgressEvent) -> None:
        """The client's ``on_progress``: remember each table's bytes sent."""
        self.sent[event.table] = event.bytes_sent

    def plan(self, plan: graphistry.PlotPlan) -> None:
        """Take the uploads' sizes (in-memory tables) or descriptions (streamed ones)."""
        for upload in plan.uploads():
            table = upload.table
            if isinstance(table, DatasetTable):
                self.sizes[upload.kind] = None
                self.streamed[upload.kind] = table.describe()
            else:
                self.sizes[upload.kind] = ipc_size(table)

    @property
    def enabled(self) -> bool:
        """Report unless quiet, when a table is streamed or the tables exceed the threshold."""
        known = sum(size or 0 for size in self.sizes.values())
        return not self.quiet and (bool(self.streamed) or known >= self.threshold)

    def __enter__(self) -> Progress:
        self._started = time.perf_counter()
        if self.enabled:
            parts = ", ".join(
                f"{kind} {_mb(size)}" if size is not None else f"{kind} streamed from a "
                f"{self.streamed[kind]}"
                for kind, size in self.sizes.items()
            )
            if self.streamed:
                print(f"uploading ({parts})...", file=self.out, flush=True)
            else:
                total = sum(size or 0 for size in self.sizes.values())
                print(f"uploading {_mb(total)} ({parts})...", file=self.out, flush=True)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.enabled and exc_type is None:
            elapsed = max(time.perf_counter() - self._started, 1e-6)
            total = sum(self.sent.values()) or sum(size or 0 for size in self.sizes.values())
            rate = total / elapsed / 2**20
            print(f"uploaded {_mb(total)} in {elapsed:.1f} s ({rate:.1f} MB/s)",
                  file=self.out, flush=True)  # fmt: skip


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The ``plot`` argument parser."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Upload an edges file (CSV, TSV or Parquet) and print the viewer URL. "
        "Credentials come from the flags, else from GRAPHISTRY_USERNAME/GRAPHISTRY_PASSWORD, "
        "GRAPHISTRY_PERSONAL_KEY_ID/GRAPHISTRY_PERSONAL_KEY_SECRET or GRAPHISTRY_API_TOKEN; "
        "the server from --server/--protocol, else GRAPHISTRY_HOSTNAME/GRAPHISTRY_PROTOCOL.",
    )
    add = parser.add_argument
    add(
        "edges", metavar="EDGES_FILE",
        help="the edges table: .csv, .tsv (.gz ok), or .parquet/.arrow or a folder of files "
        "(streamed: memory stays bounded)",
    )  # fmt: skip
    add("--source", "-s", required=True, help="the edges column of each edge's source node")
    add("--destination", "-d", required=True, help="the edges column of each edge's destination")
    add("--nodes", metavar="NODES_FILE", help="an optional nodes table or folder (needs --node)")
    add("--node", help="the nodes column holding the node ids")
    add("--name", help="the dataset name shown by the viewer")
    add("--description", help="the dataset description")
    add(
        "--format",
        choices=("csv", "tsv", "parquet", "arrow"),
        help="the files' format (default: by extension)",
    )
    creds = parser.add_argument_group("credentials and server (default: GRAPHISTRY_* variables)")
    creds.add_argument("--username", "-u")
    creds.add_argument("--password", "-p")
    creds.add_argument("--personal-key-id")
    creds.add_argument("--personal-key-secret")
    creds.add_argument("--token", help="a JWT")
    creds.add_argument("--server", help="host[:port], no scheme (default: hub.graphistry.com)")
    creds.add_argument("--protocol", choices=("http", "https"))
    creds.add_argument("--org", help="the organization to create the dataset in")
    add("--open", action="store_true", help="open the viewer URL in a browser")
    add("--quiet", "-q", action="store_true", help="no progress messages and no progress bar")
    return parser  # fmt: skip


def make_client(
    args: argparse.Namespace, environ: Mapping[str, str], **options: Any
) -> graphistry.Client:
    """The client of the flags, filled in from ``environ``, with client ``options``
    (``on_progress``, ``progress``). Raises ConfigError.

    Each flag wins over its variable; any credential flag replaces every credential
    variable (so ``--token`` is used even when ``GRAPHISTRY_USERNAME`` is set).
    """
    overrides = {
        "username": args.username,
        "password": args.password,
        "personal_key_id": args.personal_key_id,
        "personal_key_secret": args.personal_key_secret,
        "token": args.token,
        "server": args.server,
        "protocol": args.protocol,
        "org_name": args.org,
    }
    given = {key: value for key, value in overrides.items() if value}
    if given.keys() & set(CREDENTIALS):
        # Credentials on the command line replace the environment's, whatever their kind:
        # a personal key given as flags must not lose to GRAPHISTRY_USERNAME/PASSWORD.
        environ = {k: v for k, v in environ.items() if k not in CREDENTIAL_VARIABLES}
    return client_from_env(environ, **given, **options)


def build_plottable(args: argparse.Namespace, client: graphistry.Client) -> graphistry.Plottable:
    """Read the files and bind them (raises UsageError, PlanError)."""
    if bool(args.nodes) != bool(args.node):
        raise UsageError("--nodes and --node go together: give both or neither")
    g = client.g().edges(read_table(args.edges, args.format, "edges"), args.source,
                         args.destination)  # fmt: skip
    if args.nodes:
        g = g.nodes(read_table(args.nodes, args.format, "nodes"), args.node)
    g = g.name(args.name or Path(args.edges).name)
    return g.description(args.description) if args.description else g


def _fail(message: str, code: int = 2) -> int:
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return code


def main(
    argv: Sequence[str],
    prog: str = "python -m graphistry_fp plot",
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run ``plot`` with ``argv``; prints the viewer URL and returns the exit code."""
    args = build_parser(prog).parse_args(list(argv))
    env = os.environ if environ is None else environ
    progress = Progress(sys.stderr, PROGRESS_BYTES, quiet=args.quiet)
    try:
        options = {"on_progress": progress.on_event, "progress": not args.quiet}
        with make_client(args, env, **options) as client:
            plan = build_plottable(args, client).plan()
            progress.plan(plan)
            with progress:
                result = client.run(plan)
    except UsageError as exc:
        return _fail(str(exc))
    except PlanError as exc:
        return _fail(f"bad input: {exc}")
    except ConfigError as exc:
        hint = ""
        if str(exc).startswith("no credentials"):
            hint = " (or pass --username/--password, --personal-key-id/--personal-key-secret or --token)"
        return _fail(f"bad settings: {exc}{hint}")
    except AuthenticationError as exc:
        return _fail(f"authentication failed: {exc}")
    except PermissionDeniedError as exc:
        return _fail(f"permission denied: {exc}")
    except TransportError as exc:
        return _fail(f"cannot reach the server: {exc}")
    except GraphistryError as exc:
        return _fail(f"the server failed: {exc}", code=1)
    print(result.url, flush=True)
    if args.open:
        webbrowser.open(result.url)
    return 0
