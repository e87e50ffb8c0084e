"""``python -m benchmarks.hostile_replies``: the client against a hostile server (issue 17).

One line per scenario of items 10-13: what ``client.token()`` raised, how long it took and
the peak extra RSS while it ran (``_measure.peak_extra_rss``), and whether the password
showed in the error. Each scenario runs in its own subprocess (a clean RSS baseline). The
hostile server is the test suite's (``tests/reliability/hostile.py``), in the same process
(its sending is cheap next to what the client does with it).

Run it from a checkout's root: the ``graphistry_fp`` imported is that checkout's, so the
same script measures the code before and after the fix. The trickle sends a byte every
0.1 s (``--trickle-bytes`` of them) and the client asks for ``request_deadline=2`` where
the option exists.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

SCENARIOS = (
    "echo-password", "cut-chunked", "invalid-gzip", "crlf-token",
    "5GB-announced-300MB-sent", "gzip-bomb-400KB", "trickle",
)  # fmt: skip
PASSWORD = 'pa"ss wörd-42'


def _behaviour(name: str, trickle_bytes: int) -> Any:
    from tests.reliability import hostile

    return {
        "echo-password": hostile.echo_credentials,
        "cut-chunked": hostile.cut_chunked,
        "invalid-gzip": hostile.invalid_gzip,
        "crlf-token": hostile.grant(hostile.TOKEN + "\r\nX-Injected: yes"),
        "5GB-announced-300MB-sent": hostile.huge(5 * 10**9, send=300 * 1024 * 1024),
        "gzip-bomb-400KB": hostile.gzip_bomb(400),
        "trickle": hostile.trickle(0.1, total=trickle_bytes),
    }[name]


def run_one(name: str, trickle_bytes: int) -> dict[str, Any]:
    """One scenario, in this process."""
    import graphistry_fp as graphistry
    from benchmarks._measure import peak_extra_rss
    from tests.reliability.hostile import HostileServer

    server = HostileServer()
    server.behave(_behaviour(name, trickle_bytes))
    options: dict[str, Any] = {"timeout": (5.0, 5.0), "max_retries": 0}
    try:
        client = graphistry.ClientUserPass(
            "alice", PASSWORD, server=server.server, protocol="http",
            request_deadline=2.0, **options,
        )  # fmt: skip
    except graphistry.ConfigError:  # before the fix: no such option
        client = graphistry.ClientUserPass(
            "alice", PASSWORD, server=server.server, protocol="http", **options
        )

    def action() -> str:
        try:
            if name == "crlf-token":
                client.run(graphistry.edges(_edges(), "s", "d").plan())
            else:
                client.token()
        except BaseException as error:
            text = f"{type(error).__module__}.{type(error).__name__}: {error}"
            return text
        return "no error"

    outcome, seconds, peak_bytes, _ = peak_extra_rss(action)
    server.close()
    return {
        "scenario": name,
        "outcome": outcome.replace("\r", "\\r").replace("\n", "\\n")[:160],
        "seconds": round(seconds, 2),
        "peak_extra_rss_mib": round(peak_bytes / 2**20, 1),
        "password_leaked": PASSWORD in outcome or json.dumps(PASSWORD)[1:-1] in outcome,
    }


def _edges() -> Any:
    import pandas as pd

    return pd.DataFrame({"s": ["a"], "d": ["b"]})


def main() -> None:
    """Run every scenario in a subprocess and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--one", choices=SCENARIOS)
    parser.add_argument("--trickle-bytes", type=int, default=100)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.trickle_bytes)))
        return
    import graphistry_fp

    print(f"graphistry_fp from {graphistry_fp.__file__}", file=sys.stderr)
    print("| scenario | outcome | seconds | peak extra RSS (MiB) | password in error |")
    print("|---|---|---|---|---|")
    for name in SCENARIOS:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.hostile_replies", "--one", name,
             "--trickle-bytes", str(args.trickle_bytes)],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if done.returncode != 0:
            print(f"| {name} | crashed: {done.stderr.strip()[-200:]} | "
                  f"{time.monotonic() - started:.1f} | | |")  # fmt: skip
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"| {row['scenario']} | {row['outcome']} | {row['seconds']} | "
            f"{row['peak_extra_rss_mib']} | {'yes' if row['password_leaked'] else 'no'} |"
        )


if __name__ == "__main__":
    main()
