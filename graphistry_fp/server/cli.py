"""``python -m graphistry_fp serve``: run the local server until interrupted (DESIGN.md 7).

The first line on stdout is ``graphistry_fp server listening on http://HOST:PORT``,
flushed as soon as the server accepts connections, so a script can start the server with
``--port 0`` and read the port it got from that line.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .control import DEFAULT_MAX_BODY_BYTES
from .local import LocalServer
from .protocol import DEFAULT_HEADER_TIMEOUT_S

#: Allocations between two young-generation collections in the ``serve`` process (the
#: interpreter's default is 700).
GC_YOUNG_THRESHOLD = 5000


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The ``serve`` argument parser."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run the local Graphistry-compatible server (Ctrl-C stops it).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="keep the database and uploads here (default: a temp dir, deleted on exit)",
    )
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:PASSWORD[:ORG,ORG...]",
        help="a user (repeatable); each also gets a personal org named after them",
    )
    parser.add_argument(
        "--personal-key",
        action="append",
        default=[],
        metavar="NAME:KEY_ID:SECRET",
        help="a personal key of user NAME (repeatable)",
    )
    parser.add_argument(
        "--token-ttl",
        type=int,
        default=3600,
        metavar="SECONDS",
        help="JWT lifetime (default: %(default)s)",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0,
        metavar="N",
        help="delay added to every request (default: %(default)s)",
    )
    parser.add_argument(
        "--max-body-mb",
        type=float,
        default=DEFAULT_MAX_BODY_BYTES / 2**20,
        metavar="MB",
        help="request body limit; larger bodies get 413 (default: %(default)s)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT_S,
        metavar="SECONDS",
        help="close connections that do not finish a request's headers in time "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=None,
        metavar="N",
        help="open connections past which the oldest idle one is closed "
        "(default: under the file-descriptor limit, at most 1000)",
    )
    return parser  # fmt: skip


def tune_gc() -> None:
    """Tune the cyclic garbage collector of a process that only serves (not of a host
    process running a ``LocalServer``): freeze what start-up built (modules, the app, the
    users) so no collection walks it again, and collect the young generation less often.
    Hundreds of requests in flight keep thousands of objects alive: at the default
    threshold, collections took 5-10% of the server's CPU in the 256-tenant benchmark,
    about half that once tuned."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def main(argv: Sequence[str], prog: str = "python -m graphistry_fp serve") -> int:
    """Run ``serve`` with ``argv``; returns the exit code."""
    args = build_parser(prog).parse_args(list(argv))
    if not args.user:
        print("warning: no --user given: nobody can log in", file=sys.stderr)
    try:
        server = LocalServer(
            users=args.user,
            personal_keys=args.personal_key,
            token_ttl=args.token_ttl,
            latency_ms=args.latency_ms,
            data_dir=args.data_dir,
            host=args.host,
            port=args.port,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server.max_body_bytes = int(args.max_body_mb * 2**20)
    server.header_timeout_s = args.header_timeout
    if args.max_connections is not None:
        server.max_connections = args.max_connections
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        server.start()
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"error: cannot start the server: {exc}", file=sys.stderr)
        return 1
    tune_gc()
    try:
        print(f"graphistry_fp server listening on {server.url}", flush=True)
        for spec in args.user:
            name, _, rest = spec.partition(":")
            orgs = rest.partition(":")[2]
            print(f"  user {name}: orgs {orgs or '-'} (+ personal org {name})", file=sys.stderr)
        print(f"  data dir: {server.data_dir}  (Ctrl-C stops)", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0
