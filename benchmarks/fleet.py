"""Scenario 6: a fleet, W worker processes x T tenants, with and without a shared token store.

``python -m benchmarks.fleet [--workers 16] [--tenants 8] [--ttl 60]`` (needs the ``bench``
extra and a ``redis-server`` binary). The local server runs as a subprocess with a short
token lifetime; a redis-server on a free port serves both as the token store and as the
starting gun. Three variants, each run as W fresh worker processes:

* ``store``: graphistry_fp clients sharing ``RedisTokenStore`` (issue 16);
* ``no store``: graphistry_fp clients, each process with its own token cache;
* ``pygraphistry``: pygraphistry 0.61.2, one ``graphistry.client()`` session per tenant per
  process (it logs in at ``register``).

Each worker plots one small graph per tenant in two phases: *cold start* (every process
just started) and *after expiry* (every token of the cold start has expired: the refresh
storm of a token rotation). Measured per phase, from each worker's own request counter:
logins (+ refreshes), the wall time until every worker has made its first plot, and HTTP
requests per plot. Target: logins = tenants, not tenants x workers. Prints a markdown table
and writes it to ``benchmarks/results/fleet.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("store", "no store", "pygraphistry")
LOGIN_PATHS = ("/api-token-auth/", "/api/v2/auth/pkey/jwt/")
REFRESH_PATH = "/api/v2/auth/token/refresh"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the worker process ----------------------------------------------------------------


def _worker(spec: dict[str, Any]) -> None:
    """One worker: build the tenants' clients, then for each phase wait for the gun, plot
    one graph per tenant, and report counts and times on stdout (one JSON line)."""
    import contextlib

    import pandas as pd
    import redis

    from ._measure import counting, install_counter

    install_counter()
    coord = redis.Redis.from_url(spec["redis"])
    edges = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"]})
    tenants = spec["tenants"]
    variant = spec["variant"]
    report: list[dict[str, Any]] = []
    clients: list[Any] = []
    with contextlib.redirect_stdout(sys.stderr):  # pygraphistry prints; stdout is the report
        if variant == "pygraphistry":
            import graphistry as pyg

            def plot(i: int) -> None:
                if len(clients) <= i:
                    user, password, org = tenants[i]
                    c = pyg.client()
                    c.register(api=3, protocol="http", server=spec["server"], username=user,
                               password=password, org_name=org)  # fmt: skip
                    clients.append(c)
                clients[i].edges(edges, "s", "d").plot(render=False)
        else:
            import graphistry_fp as fp

            store = fp.RedisTokenStore(spec["redis"]) if variant == "store" else None
            clients.extend(
                fp.ClientUserPass(
                    user,
                    password,
                    server=spec["server"],
                    protocol="http",
                    org_name=org,
                    token_store=store,
                )
                for user, password, org in tenants
            )

            def plot(i: int) -> None:
                clients[i].run(fp.edges(edges, "s", "d").plan())

        # Warm what a first plot would otherwise import (pandas/pyarrow paths, the KDF's
        # library), so the timings measure logins, not imports.
        if variant != "pygraphistry":
            fp.edges(edges, "s", "d").plan()
        coord.incr("ready")
        for phase in (1, 2):
            while not coord.exists(f"phase:{phase}"):
                time.sleep(0.005)
            first = None
            failed = 0
            with counting() as sent:
                for i in range(len(tenants)):
                    try:
                        plot(i)
                    except Exception:
                        failed += 1
                    if first is None:
                        first = time.time()
            report.append(
                {
                    "first_plot_at": first,
                    "logins": sum(1 for _, path, _ in sent if path in LOGIN_PATHS),
                    "refreshes": sum(1 for _, path, _ in sent if path == REFRESH_PATH),
                    "requests": len(sent),
                    "plots": len(tenants) - failed,
                    "failed": failed,
                }
            )
            coord.incr(f"done:{phase}")
    print(json.dumps(report), flush=True)


# -- the coordinator -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _redis() -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install -y redis-server)")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(500):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.02)
    raise SystemExit("redis-server did not start")


def _variant(variant: str, workers: int, tenants: int, ttl: int, url: str) -> dict[str, Any]:
    import redis

    from ._server import ServerProcess

    specs = [(f"tenant{i}", f"tenant{i}-pw", f"org{i}") for i in range(tenants)]
    coord = redis.Redis.from_url(url)
    coord.flushall()
    with ServerProcess([f"{u}:{p}:{o}" for u, p, o in specs], token_ttl=ttl) as srv:
        spec = {"variant": variant, "server": srv.server, "redis": url, "tenants": specs}
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "benchmarks.fleet", "--worker", json.dumps(spec)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(workers)
        ]
        while int(coord.get("ready") or 0) < workers:  # imports are not timed
            time.sleep(0.05)
        released: list[float] = []
        for phase in (1, 2):
            if phase == 2:
                time.sleep(ttl + 1.0)  # every token of the cold start has expired
            released.append(time.time())
            coord.set(f"phase:{phase}", 1)
            while int(coord.get(f"done:{phase}") or 0) < workers:
                time.sleep(0.02)
        reports = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
        stored = srv.datasets()
    out: dict[str, Any] = {}
    for index, name in enumerate(("cold start", "after expiry")):
        rows = [r[index] for r in reports]
        plots = sum(r["plots"] for r in rows)
        firsts = [r["first_plot_at"] - released[index] for r in rows]
        out[name] = {
            "logins": sum(r["logins"] for r in rows),
            "refreshes": sum(r["refreshes"] for r in rows),
            "failed": sum(r["failed"] for r in rows),
            "first_plot_all_s": max(firsts),
            "first_plot_median_s": statistics.median(firsts),
            "requests_per_plot": sum(r["requests"] for r in rows) / max(1, plots),
        }
    org_of = {user: org for user, _, org in specs}
    out["datasets_right"] = sum(1 for d in stored if org_of.get(d.owner) == d.org)
    out["datasets"] = len(stored)
    return out


def _table(results: dict[str, Any], workers: int, tenants: int, ttl: int) -> list[str]:
    head = ["variant", "phase", "logins", "refreshes", "failed plots",
            "first plot, every worker", "first plot, median worker", "requests / plot"]  # fmt: skip
    lines = [
        f"Fleet: {workers} worker processes x {tenants} tenants, token lifetime {ttl} s, "
        f"one plot per tenant per worker per phase (`python -m benchmarks.fleet`).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for variant, r in results.items():
        for phase in ("cold start", "after expiry"):
            p = r[phase]
            lines.append(
                f"| {variant} | {phase} | {p['logins']} | {p['refreshes']} | {p['failed']} | "
                f"{p['first_plot_all_s']:.2f} s | {p['first_plot_median_s']:.2f} s | "
                f"{p['requests_per_plot']:.2f} |"
            )
    lines.append("")
    lines += [
        f"- {v}: {r['datasets_right']}/{r['datasets']} datasets with the right owner and org"
        for v, r in results.items()
    ]
    lines.append(f"- target: logins = tenants ({tenants}), not tenants x workers "
                 f"({tenants * workers})")  # fmt: skip
    return lines


def run(workers: int, tenants: int, ttl: int, variants: list[str]) -> dict[str, Any]:
    """Every variant once; returns the numbers by variant."""
    proc, url = _redis()
    try:
        results = {}
        for variant in variants:
            _log(f"fleet: {variant}, {workers} workers x {tenants} tenants, ttl {ttl} s")
            results[variant] = _variant(variant, workers, tenants, ttl, url)
            _log(f"  {json.dumps(results[variant])}")
        return results
    finally:
        proc.terminate()
        proc.wait(10)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments; run the coordinator (or, with ``--worker``, one worker)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fleet")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--ttl", type=int, default=60, help="token lifetime (s)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, default=RESULTS / "fleet.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(json.loads(args.worker))
        return 0
    results = run(args.workers, args.tenants, args.ttl, args.variants.split(","))
    lines = _table(results, args.workers, args.tenants, args.ttl)
    print("\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
