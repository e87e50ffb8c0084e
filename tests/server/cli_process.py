"""Running ``python -m graphistry_fp serve`` as a subprocess, for the CLI and load tests."""

from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import attrs

LINE = re.compile(r"^graphistry_fp server listening on (http://127\.0\.0\.1:(\d+))$")


@attrs.frozen
class Served:
    """A running ``serve`` subprocess and where it listens."""

    process: subprocess.Popen[str]
    url: str
    first_line: str

    @property
    def server(self) -> str:
        return self.url.removeprefix("http://")

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@contextmanager
def serve(args: Sequence[str], fd_limit: int | None = None) -> Iterator[Served]:
    """Start ``serve --port 0 ARGS``, wait for its first stdout line, stop it with SIGTERM.

    With ``fd_limit`` the process may open that many file descriptors, and its stderr is
    discarded (a starved server may log more than a pipe holds)."""

    def lower_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

    process = subprocess.Popen(
        [sys.executable, "-m", "graphistry_fp", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if fd_limit is None else subprocess.DEVNULL,
        text=True,
        preexec_fn=None if fd_limit is None else lower_limit,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        match = LINE.match(first)
        assert match is not None, (
            first,
            process.stderr.read() if process.stderr and process.poll() is not None else "",
        )
        yield Served(process=process, url=match.group(1), first_line=first)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_bytes(pid: int) -> int:
    """The high-water mark of a process's resident memory (Linux ``VmHWM``)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/<pid>/status")
