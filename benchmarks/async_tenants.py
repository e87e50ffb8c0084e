"""Issue 14: plots awaited on one event loop, against threads, at 50 ms latency.

``python -m benchmarks.async_tenants [--reps N]`` prints a markdown table (and is the
``async`` scenario of ``python -m benchmarks --only async``). Three measures:

1. **8 tenants x 4 plots** (10k edges + 1k nodes each, as scenario 1 of the main table),
   all 32 plots in flight at once on one loop (``await client.aplot()`` in tasks), against
   pygraphistry 0.61.2's best (one ``graphistry.client()`` per tenant, one thread per
   tenant) and our own sync clients from 8 threads. Cold (client creation and login inside
   the timing) and warm (a service's clients, logged in at startup). Every dataset is
   checked against the server's database (owner, org, both uploaders, row counts). The
   *protocol floor* is the latency the requests cannot avoid: one login + create + the
   uploads (concurrent) = 3 round trips cold, 2 warm; measured too, as one plot alone.
2. **256 tenants x 1 plot** (1k edges + 100 nodes), all in flight on one loop: wall time
   against the floor, and the peak number of open TCP connections to the server (psutil,
   sampled every 5 ms from a thread).
3. **Loop lag**: the worst delay of a 1 ms ticker task on the loop while a 1M-edge upload
   and 50 small plots run together (what a service's other requests would wait).

The server runs as a subprocess (``benchmarks._server``), so its CPU work shares no GIL with
the client; its own work per request is part of every wall time (it hashes each login
with scrypt, ~15 ms of CPU, and parses every upload).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import psutil

import graphistry_fp as fp

from . import tenants as sync_tenants
from ._measure import graph, median
from ._server import ServerProcess

LATENCY_MS = sync_tenants.LATENCY_MS
TENANTS, PLOTS = sync_tenants.TENANTS, sync_tenants.PLOTS
WIDE = 256


def _client(server: str, i: int) -> fp.ClientUserPass:
    return fp.ClientUserPass(f"tenant{i}", f"pw{i}", server=server, protocol="http")


async def _wave(
    server: str, tag: str, e: Any, n: Any, tenants: int, plots: int, clients: list[Any] | None
) -> tuple[float, list[BaseException]]:
    """All ``tenants x plots`` plots at once on this loop; cold when ``clients`` is None."""
    start = time.perf_counter()
    own = clients is None
    made = clients if clients is not None else [_client(server, i) for i in range(tenants)]

    async def tenant(i: int) -> None:
        g = fp.client(made[i]).edges(e, "s", "d").nodes(n, "n")
        await asyncio.gather(*(g.name(f"{tag}-t{i}-p{j}").aplot() for j in range(plots)))

    outcomes = await asyncio.gather(*(tenant(i) for i in range(tenants)), return_exceptions=True)
    wall = time.perf_counter() - start
    if own:
        await asyncio.gather(*(c.aclose() for c in made))
    return wall, [o for o in outcomes if isinstance(o, BaseException)]


def _async_run(
    srv: ServerProcess, tag: str, e: Any, n: Any, tenants: int, plots: int, *, warm: bool
) -> dict[str, Any]:
    cpu: dict[str, float] = {}

    async def main() -> tuple[float, list[BaseException]]:
        clients = None
        if warm:
            clients = [_client(srv.server, i) for i in range(tenants)]
            await asyncio.gather(*(c.atoken() for c in clients))
        try:
            cpu["client"], cpu["server"] = time.thread_time(), _server_cpu(srv)
            outcome = await _wave(srv.server, tag, e, n, tenants, plots, clients)
            cpu["client"] = time.thread_time() - cpu["client"]
            cpu["server"] = _server_cpu(srv) - cpu["server"]
            return outcome
        finally:
            if clients is not None:
                await asyncio.gather(*(c.aclose() for c in clients))

    wall, errors = asyncio.run(main())
    return {
        "wall": wall,
        "loop_cpu": cpu["client"],
        "server_cpu": cpu["server"],
        "errors": [f"{type(x).__name__}: {x!s}" for x in errors],
    }


def _server_cpu(srv: ServerProcess) -> float:
    """CPU seconds the server process has used so far (user + system)."""
    proc = srv._proc
    if proc is None:
        return 0.0
    times = psutil.Process(proc.pid).cpu_times()
    return float(times.user + times.system)


def _correct(srv: ServerProcess, tag: str, rows: tuple[int, int]) -> int:
    good = 0
    for d in srv.datasets():
        if not d.name.startswith(tag + "-t"):
            continue
        i = int(d.name[len(tag) + 2 :].split("-")[0])
        who, org = f"tenant{i}", f"org{i}"
        if (d.owner, d.org, d.edges_uploader, d.nodes_uploader, d.edges_rows, d.nodes_rows) == (
            who, org, who, who, *rows
        ):  # fmt: skip
            good += 1
    return good


def eight_tenants(reps: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Measure 1: 8 x 4 plots; async vs pygraphistry's per-tenant clients (8 threads)."""
    e, n = graph(sync_tenants.EDGES, sync_tenants.NODES)
    rows = (sync_tenants.EDGES, sync_tenants.NODES)
    keys = ("async", "async warm", "sync", "sync warm", "pyg", "pyg warm", "floor", "floor warm")
    walls: dict[str, list[float]] = {k: [] for k in keys}
    server_cpu: dict[str, list[float]] = {k: [] for k in keys}
    loop_cpu: dict[str, list[float]] = {"async": [], "async warm": []}
    correct: dict[str, list[int]] = {k: [] for k in keys}
    errors: list[str] = []
    ratios: dict[str, list[float]] = {"cold": [], "warm": [], "sync warm": []}
    with ServerProcess(sync_tenants.USERS, latency_ms=LATENCY_MS) as srv:
        _async_run(srv, "warmup", e, n, 1, 1, warm=False)  # imports, first conversion
        sync_tenants._one(srv, "pyg client", "warmuppyg", e, n, warm=False)
        for rep in range(reps):
            for warm in (False, True) if rep % 2 else (True, False):
                suffix = " warm" if warm else ""
                order = ["async", "sync", "pyg"]
                order = order[rep % 3 :] + order[: rep % 3]
                for what in order:
                    tag = f"r{rep}{what}{'w' if warm else 'c'}"
                    cpu = _server_cpu(srv)
                    if what == "async":
                        r = _async_run(srv, tag, e, n, TENANTS, PLOTS, warm=warm)
                        loop_cpu[what + suffix].append(r["loop_cpu"])
                    else:
                        variant = "ours" if what == "sync" else "pyg client"
                        r = sync_tenants._one(srv, variant, tag, e, n, warm=warm)
                    walls[what + suffix].append(r["wall"])
                    server_cpu[what + suffix].append(_server_cpu(srv) - cpu)
                    correct[what + suffix].append(_correct(srv, tag, rows))
                    errors += r["errors"]
                    log(f"  async-tenants rep {rep} {what}{suffix}: {r['wall']:.3f} s, "
                        f"server CPU {server_cpu[what + suffix][-1]:.3f} s, "
                        f"{correct[what + suffix][-1]}/{TENANTS * PLOTS} right")  # fmt: skip
                floor = _async_run(srv, f"r{rep}floor{'w' if warm else 'c'}", e, n, 1, 1, warm=warm)
                walls["floor" + suffix].append(floor["wall"])
            ratios["cold"].append(walls["async"][-1] / walls["pyg"][-1])
            ratios["warm"].append(walls["async warm"][-1] / walls["pyg warm"][-1])
            ratios["sync warm"].append(walls["sync warm"][-1] / walls["pyg warm"][-1])
    return {
        "wall": {k: median(v) for k, v in walls.items()},
        "walls": walls,
        "server_cpu": {k: median(v) for k, v in server_cpu.items() if v},
        "loop_cpu": {k: median(v) for k, v in loop_cpu.items() if v},
        "ratio": {k: median(v) for k, v in ratios.items()},
        "ratios": ratios,
        "correct": {k: min(v) for k, v in correct.items() if v and not k.startswith("floor")},
        "errors": errors,
        "floor_latency": {"cold": 3 * LATENCY_MS / 1000, "warm": 2 * LATENCY_MS / 1000},
        "plots": TENANTS * PLOTS,
    }


class _ConnectionSampler:
    """Peak count of this process's TCP connections to ``port`` (sampled from a thread)."""

    def __init__(self, port: int) -> None:
        self.port, self.peak = port, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            conns = [
                c for c in me.net_connections(kind="tcp")
                if c.raddr and c.raddr.port == self.port and c.status == psutil.CONN_ESTABLISHED
            ]  # fmt: skip
            self.peak = max(self.peak, len(conns))
            time.sleep(0.005)

    def __enter__(self) -> _ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wide(reps: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Measure 2: 256 tenants x 1 plot of 1k edges + 100 nodes, on one loop."""
    e, n = graph(1_000, 100)
    users = [f"tenant{i}:pw{i}:org{i}" for i in range(WIDE)]
    out: dict[str, Any] = {
        "wall": {}, "peak_connections": {}, "correct": {}, "errors": [], "loop_cpu": {},
        "server_cpu": {},
    }  # fmt: skip
    with ServerProcess(users, latency_ms=LATENCY_MS) as srv:
        port = int(srv.server.rsplit(":", 1)[1])
        _async_run(srv, "warmup", e, n, 1, 1, warm=False)
        for warm in (True, False):
            key = "warm" if warm else "cold"
            walls, peaks, rights, loop_cpu, server_cpu = [], [], [], [], []
            for rep in range(reps):
                tag = f"w{rep}{key}"
                with _ConnectionSampler(port) as sampler:
                    r = _async_run(srv, tag, e, n, WIDE, 1, warm=warm)
                walls.append(r["wall"])
                loop_cpu.append(r["loop_cpu"])
                server_cpu.append(r["server_cpu"])
                peaks.append(sampler.peak)
                rights.append(_correct(srv, tag, (1_000, 100)))
                out["errors"] += r["errors"]
                log(f"  wide {key} rep {rep}: {r['wall']:.3f} s (loop CPU {r['loop_cpu']:.3f} s, "
                    f"server CPU {r['server_cpu']:.3f} s), peak {sampler.peak} connections, "
                    f"{rights[-1]}/{WIDE} right")  # fmt: skip
            out["wall"][key] = median(walls)
            out["loop_cpu"][key] = median(loop_cpu)
            out["server_cpu"][key] = median(server_cpu)
            out["peak_connections"][key] = max(peaks)
            out["correct"][key] = min(rights)
    out["floor_latency"] = {"cold": 3 * LATENCY_MS / 1000, "warm": 2 * LATENCY_MS / 1000}
    out["tenants"] = WIDE
    return out


class _LongestCallback:
    """The most loop-thread CPU one callback (a task step) took, while inside the block.

    Measured by wrapping ``asyncio.events.Handle._run`` (a benchmark-only instrument): the
    ticker above sees whole loop turns, which many tasks share; this sees each step alone.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self._original: Any = None

    def __enter__(self) -> _LongestCallback:
        original = self._original = asyncio.events.Handle._run
        probe = self

        def timed(handle: asyncio.events.Handle) -> None:
            started = time.thread_time()
            original(handle)
            probe.seconds = max(probe.seconds, time.thread_time() - started)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]


def loop_lag(log: Callable[[str], None]) -> dict[str, Any]:
    """Measure 3: worst ticker lag while a 1M-edge upload and 50 small plots run together."""
    big_e, big_n = graph(1_000_000, 100_000)
    e, n = graph(1_000, 100)
    with ServerProcess(["tenant0:pw0:org0"], latency_ms=LATENCY_MS) as srv:

        async def main() -> dict[str, Any]:
            async with _client(srv.server, 0) as client:
                await client.atoken()
                await fp.client(client).edges(e, "s", "d").name("warm").aplot()
                big = fp.client(client).edges(big_e, "s", "d").nodes(big_n, "n").name("big")
                small = fp.client(client).edges(e, "s", "d").nodes(n, "n")
                lags: list[float] = []
                busy: list[float] = []
                done = asyncio.Event()

                async def ticker() -> None:
                    while not done.is_set():
                        before, cpu = time.perf_counter(), time.thread_time()
                        await asyncio.sleep(0.001)
                        lags.append(time.perf_counter() - before - 0.001)
                        busy.append(time.thread_time() - cpu)

                gc.collect()  # the earlier measures' garbage is not this one's pause
                tick = asyncio.ensure_future(ticker())
                await asyncio.sleep(0.05)
                start = time.perf_counter()
                with _LongestCallback() as longest:
                    await asyncio.gather(
                        big.aplot(), *(small.name(f"small{j}").aplot() for j in range(50))
                    )
                wall = time.perf_counter() - start
                done.set()
                await tick
                return {
                    "wall": wall,
                    "worst_busy_ms": max(busy) * 1000,
                    "p99_busy_ms": statistics.quantiles(busy, n=100)[98] * 1000,
                    "load_average": os.getloadavg()[0],
                    "worst_lag_ms": max(lags) * 1000,
                    "p99_lag_ms": statistics.quantiles(lags, n=100)[98] * 1000,
                    "ticks": len(lags),
                    "longest_callback_ms": longest.seconds * 1000,
                }

        result = asyncio.run(main())
    log(f"  loop lag: worst {result['worst_lag_ms']:.1f} ms, p99 {result['p99_lag_ms']:.1f} ms "
        f"over {result['wall']:.2f} s; loop CPU between ticks: worst {result['worst_busy_ms']:.1f} "
        f"ms, p99 {result['p99_busy_ms']:.1f} ms; longest single callback "
        f"{result['longest_callback_ms']:.1f} ms; load average {result['load_average']:.1f}")  # fmt: skip
    return result


def run(reps: int, log: Callable[[str], None]) -> dict[str, Any]:
    """All three measures."""
    return {
        "eight": eight_tenants(reps, log),
        "wide": wide(max(1, reps // 2), log),
        "lag": loop_lag(log),
    }


def table(r: dict[str, Any]) -> list[str]:
    """The markdown rows of :func:`run`'s result."""
    lines = [
        "| measure | graphistry_fp async (one loop) | other | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    eight = r.get("eight")
    if eight:
        w, ratio, ok, plots = eight["wall"], eight["ratio"], eight["correct"], eight["plots"]
        fl = eight["floor_latency"]
        lines += [
            f"| 8 tenants x 4 plots, warm (logged in), wall | {w['async warm']:.3f} s | "
            f"pygraphistry per-tenant clients, 8 threads: {w['pyg warm']:.3f} s; ours sync, "
            f"8 threads: {w['sync warm']:.3f} s | {ratio['warm']:.2f}x (sync: "
            f"{ratio['sync warm']:.2f}x) | <= 0.25x | {'yes' if ratio['warm'] <= 0.25 else '**no**'} |",
            f"| 8 tenants x 4 plots, cold (clients made and logged in inside), wall | "
            f"{w['async']:.3f} s | pygraphistry: {w['pyg']:.3f} s; ours sync: {w['sync']:.3f} s | "
            f"{ratio['cold']:.2f}x | <= 0.25x | {'yes' if ratio['cold'] <= 0.25 else '**no**'} |",
            f"| the loop thread's CPU per wave (all 32 plots: client-side work) | "
            f"{eight['loop_cpu']['async warm']:.3f} s warm, {eight['loop_cpu']['async']:.3f} s cold | | | | |",
            f"| the server's own CPU per wave (one process; part of every wall time) | "
            f"{eight['server_cpu']['async warm']:.3f} s warm, {eight['server_cpu']['async']:.3f} s cold | "
            f"pygraphistry: {eight['server_cpu']['pyg warm']:.3f} s / {eight['server_cpu']['pyg']:.3f} s | | | |",
            f"| protocol floor (latency only: 2 round trips warm, 3 cold) / one plot alone | "
            f"{fl['warm']:.3f} s / {fl['cold']:.3f} s; measured {w['floor warm']:.3f} s / "
            f"{w['floor']:.3f} s | | | | |",
            f"| datasets with the right owner, org, uploaders, rows (worst run) | "
            f"{min(ok['async'], ok['async warm'])}/{plots} | pygraphistry: "
            f"{min(ok['pyg'], ok['pyg warm'])}/{plots}; sync: {min(ok['sync'], ok['sync warm'])}/{plots} "
            f"| | {plots}/{plots} | {'yes' if min(ok['async'], ok['async warm']) == plots else '**no**'} |",
        ]
    wide_r = r.get("wide")
    if wide_r:
        w, fl, t = wide_r["wall"], wide_r["floor_latency"], wide_r["tenants"]
        for key in ("warm", "cold"):
            x = w[key] / fl[key]
            lines.append(
                f"| {t} tenants x 1 plot (1k edges), {key}, wall; peak open connections | "
                f"{w[key]:.3f} s; {wide_r['peak_connections'][key]} | floor {fl[key]:.3f} s; "
                f"the loop's CPU {wide_r['loop_cpu'][key]:.3f} s, the server's "
                f"{wide_r['server_cpu'][key]:.3f} s | "
                f"{x:.2f}x floor | <= 1.5x | {'yes' if x <= 1.5 else '**no**'} |"
            )
        lines.append(
            f"| {t} tenants: datasets right (warm; cold) | {wide_r['correct']['warm']}/{t}; "
            f"{wide_r['correct']['cold']}/{t} | | | {t}/{t} | "
            f"{'yes' if min(wide_r['correct'].values()) == t else '**no**'} |"
        )
    lag = r.get("lag")
    if lag:
        lines += [
            f"| loop's worst lag (p99), wall clock, while a 1M-edge upload and 50 small plots "
            f"run | {lag['worst_lag_ms']:.1f} ms ({lag['p99_lag_ms']:.1f} ms) | machine load "
            f"average {lag['load_average']:.1f} | | < 20 ms | "
            f"{'yes' if lag['worst_lag_ms'] < 20 else '**no**'} |",
            f"| the same, as the loop thread's own CPU between two ticks (what our code held "
            f"the loop for, whatever the machine's load) | {lag['worst_busy_ms']:.1f} ms "
            f"({lag['p99_busy_ms']:.1f} ms) | | | < 20 ms | "
            f"{'yes' if lag['worst_busy_ms'] < 20 else '**no**'} |",
            f"| the longest single callback (one task's step) on the loop meanwhile | "
            f"{lag['longest_callback_ms']:.1f} ms | | | < 20 ms | "
            f"{'yes' if lag['longest_callback_ms'] < 20 else '**no**'} |",
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.async_tenants")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", default="eight,wide,lag")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result: dict[str, Any] = {}
    if "eight" in only:
        result["eight"] = eight_tenants(args.reps, log)
    if "wide" in only:
        result["wide"] = wide(max(1, args.reps // 2), log)
    if "lag" in only:
        result["lag"] = loop_lag(log)
    print("\n".join(table(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
