"""The local server as a subprocess (``python -m graphistry_fp serve``), and what it stored.

The server runs in its own process so its CPU work (parsing uploads, writing Arrow files,
signing tokens) never competes with the benchmarked client for one GIL. Datasets are read
back from the server's SQLite database in ``--data-dir`` (read-only), so tenant
correctness is checked against what the server recorded, not what a client believed.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import attrs

_READY = "graphistry_fp server listening on "

#: The command that starts the server (a module-level name so a one-off experiment can
#: point it at a patched server; the benchmark itself always runs the real one).
SERVE = [sys.executable, "-m", "graphistry_fp", "serve"]


@attrs.frozen
class Dataset:
    """One stored dataset: who created it, in which org, and what was uploaded."""

    dataset_id: str
    owner: str
    org: str
    name: str
    edges_rows: int | None
    nodes_rows: int | None
    edges_uploader: str | None
    nodes_uploader: str | None


class ServerProcess:
    """``python -m graphistry_fp serve --port 0`` in a subprocess, with a temp data dir."""

    def __init__(
        self, users: Sequence[str], *, latency_ms: float = 0, token_ttl: int = 3600
    ) -> None:
        self.users = list(users)
        self.latency_ms = latency_ms
        self.token_ttl = token_ttl
        self.data_dir = Path(tempfile.mkdtemp(prefix="graphistry_fp-bench-"))
        self.server = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> ServerProcess:
        argv = [*SERVE, "--port", "0",
                "--data-dir", str(self.data_dir), "--latency-ms", str(self.latency_ms),
                "--token-ttl", str(self.token_ttl)]  # fmt: skip
        for user in self.users:
            argv += ["--user", user]
        self._proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith(_READY):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the server did not start: {line!r}")
        self.server = line.strip()[len(_READY) :].removeprefix("http://")
        # Keep draining stdout so the child never blocks on a full pipe.
        threading.Thread(target=self._proc.stdout.read, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def datasets(self) -> list[Dataset]:
        """Every dataset the server stored, oldest first (read-only from its database)."""
        uri = f"file:{self.data_dir / 'server.sqlite3'}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=10) as db:
            rows = db.execute(
                "SELECT dataset_id, owner, org, name, edges_rows, nodes_rows, edges_uploader, "
                "nodes_uploader FROM datasets ORDER BY created_at, rowid"
            ).fetchall()
        return [Dataset(*row) for row in rows]

    def drop_uploads(self) -> None:
        """Delete the stored Arrow files (large runs would otherwise fill the temp dir)."""
        for path in self.data_dir.rglob("*.arrow"):
            path.unlink(missing_ok=True)
