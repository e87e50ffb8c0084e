"""hypergraph() of 1,000,000 events with 3 entity types: graphistry_fp vs pygraphistry 0.61.2.

Both run the pandas engine on the same table (user: 10,000 distinct strings, ip: 100,000
distinct strings, port: 1,000 distinct integers; fixed seed). Each measurement is one call in
a fresh subprocess, so the peak RSS of one library never hides in the other's; runs
alternate ours/theirs in pairs, and the report gives medians and the ratios of medians::

    python -m benchmarks.hypergraph [--events 1000000] [--pairs 5] [--prefault 512] [--api core|module]

``--api module`` measures the legacy ``graphistry_fp.hypergraph(...)`` instead of
``core.hypergraph``: the same tables plus the graph bound (its tables converted to Arrow), as
pygraphistry's module function also returns its graph.

Each child first runs the same call on 1,000 events (lazy imports of pandas/pyarrow code
paths, for both libraries), then measures one call on the full table ("first call": time
and peak extra RSS), then the median of 3 more calls ("again": the process's memory pools
already grown, as in a notebook that reruns a cell). Peak extra RSS is defined in
benchmarks/_measure.py.

Each call's wall time is split into the process's user and system CPU time (and minor page
faults). Both libraries write about 250 MiB of new tables per call; in a fresh process that
memory is new to it, and the kernel's work to provide it (system time) is what separates a
first call from a repeated one. On a virtual machine that work is cheap for pages the host
still backs (freed moments ago) and several times dearer for pages it must back anew, and
which of the two a child gets depended on the child run before it: after a pygraphistry
child (a bigger process) the next child's first call found backed pages, after one of ours
mostly not, whichever library the next child ran. That is the benchmark measuring itself,
so each child first touches and frees ``--prefault`` MiB (default 512, about twice what one
call needs; the same for both libraries) and every first call starts from the same state:
backed pages the kernel still has to map and zero. ``--prefault 0`` shows the unnormalized
figure. One unrecorded pair runs before the recorded ones, so that no recorded child is the
first of the run.

``--check`` instead runs both libraries once, in this process, on the benchmark's table and
asserts that every table is equal (tests/core/test_hypergraph.py proves it on many small
tables; this proves it at the benchmark's size).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pandas as pd


def events(n: int) -> pd.DataFrame:
    """The benchmark's event table: ``n`` rows, 3 entity columns, fixed seed."""
    rng = np.random.default_rng(13)
    users = np.array([f"user_{i}" for i in range(10_000)], dtype=object)
    ips = np.array(
        [f"10.{i // 65536}.{i // 256 % 256}.{i % 256}" for i in range(100_000)], dtype=object
    )
    return pd.DataFrame(
        {
            "user": pd.Series(users[rng.integers(0, len(users), n)]).astype(str),
            "ip": pd.Series(ips[rng.integers(0, len(ips), n)]).astype(str),
            "port": rng.integers(0, 1_000, n),
        }
    )


def _tables(which: str, df: pd.DataFrame, api: str = "core") -> dict[str, pd.DataFrame]:
    """Every table of one library's hypergraph of ``df`` (pandas engine)."""
    if which == "ours" and api == "module":
        import graphistry_fp

        out = graphistry_fp.hypergraph(df, verbose=False)
        return {k: out[k] for k in ("entities", "events", "edges", "nodes")}
    if which == "ours":
        from graphistry_fp.core.hypergraph import hypergraph

        return hypergraph(df, verbose=False).tables()
    import graphistry

    result = graphistry.hypergraph(df, engine="pandas", verbose=False)
    return {k: result[k] for k in ("entities", "events", "edges", "nodes")}


def _usage() -> tuple[float, float, int]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime, usage.ru_minflt


def _child(which: str, n: int, prefault_mib: int, api: str = "core") -> dict[str, Any]:
    import logging

    from benchmarks._measure import peak_extra_rss

    logging.disable(logging.WARNING)
    df = events(n)
    spent: list[tuple[float, float, int]] = []

    def run() -> dict[str, pd.DataFrame]:
        # Every table is built by both libraries and handed back: freeing them (1M Python
        # strings among them) is not part of the call, so it happens after the timing.
        before = _usage()
        tables = _tables(which, df, api)
        after = _usage()
        spent.append((after[0] - before[0], after[1] - before[1], after[2] - before[2]))
        return tables

    warm, df = df, events(1_000)
    run()  # both libraries: load lazily imported code paths before measuring
    df = warm
    if prefault_mib:  # memory the kernel (and the host) has just provided, then freed
        touched = np.ones(prefault_mib * 2**20, dtype=np.uint8)
        del touched
    tables, seconds, peak, method = peak_extra_rss(run)
    edges = len(tables["edges"])
    del tables
    first = spent[-1]
    warm = []
    for _ in range(3):  # the same call again: memory pools and page tables already grown
        start = time.perf_counter()
        tables = run()
        warm.append(time.perf_counter() - start)
        del tables
    again = sorted(spent[-3:])[1]
    return {
        "which": which,
        "seconds": seconds,
        "warm": statistics.median(warm),
        "peak": peak,
        "edges": edges,
        "method": method,
        "user": first[0],
        "sys": first[1],
        "faults": first[2],
        "warm_user": again[0],
        "warm_sys": again[1],
    }


def _check(n: int) -> None:
    """Assert that both libraries' tables are equal on the benchmark's table."""
    import logging

    logging.disable(logging.WARNING)
    df = events(n)
    expected = _tables("theirs", df)
    actual = _tables("ours", df)
    for name, table in expected.items():
        pd.testing.assert_frame_equal(table, actual[name], check_exact=True, obj=name)
    print(f"equal: entities, events, edges, nodes of {n:,} events ({len(actual['edges']):,} edges)")


def _measure(which: str, n: int, prefault_mib: int, api: str = "core") -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.hypergraph", "--child", which, "--api", api]
    done = subprocess.run(
        [*command, "--events", str(n), "--prefault", str(prefault_mib)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    """Run the comparison and print one line per run, then medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument(
        "--prefault",
        type=int,
        default=512,
        metavar="MIB",
        help="touch and free this much memory in each child before measuring (0: none)",
    )
    parser.add_argument("--check", action="store_true", help="assert equal tables, no timing")
    parser.add_argument("--api", choices=["core", "module"], default="core")
    parser.add_argument("--child", choices=["ours", "theirs"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.events, args.prefault, args.api)))
        return
    if args.check:
        _check(args.events)
        return
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "theirs": []}
    # One unrecorded pair first: the first child of a run finds the machine's memory in
    # whatever state earlier work left it (on a VM, often pages the host must back anew),
    # the later ones mostly find what the child before them freed; without it, the first
    # child (always "ours") would pay that alone.
    for which in ("theirs", "ours"):
        _measure(which, args.events, args.prefault, args.api)
    for i in range(args.pairs):
        order = ("ours", "theirs") if i % 2 == 0 else ("theirs", "ours")
        for which in order:
            r = _measure(which, args.events, args.prefault, args.api)
            runs[which].append(r)
            print(
                f"{which:6s} first call {r['seconds']:.3f} s (user {r['user']:.3f}, "
                f"sys {r['sys']:.3f}, {r['faults']} faults), again {r['warm']:.3f} s "
                f"(user {r['warm_user']:.3f}, sys {r['warm_sys']:.3f}), "
                f"peak +{r['peak'] / 2**20:.0f} MiB, edges {r['edges']}"
            )
    keys = ("seconds", "user", "sys", "warm", "warm_user", "peak")
    med = {w: {k: statistics.median(r[k] for r in rs) for k in keys} for w, rs in runs.items()}
    prefault = f", {args.prefault} MiB prefaulted" if args.prefault else ", no prefault"
    print(
        f"hypergraph ({args.api}), {args.events:,} events x 3 entity types, {args.pairs} alternating "
        f"pairs{prefault} (medians):"
    )
    for w in ("ours", "theirs"):
        m = med[w]
        print(
            f"  {w:6s} first call {m['seconds']:.3f} s (user {m['user']:.3f}, sys "
            f"{m['sys']:.3f}), again {m['warm']:.3f} s (user {m['warm_user']:.3f}), "
            f"peak +{m['peak'] / 2**20:.0f} MiB"
        )
    o, t = med["ours"], med["theirs"]
    print(
        f"  ratio ours/theirs: first call {o['seconds'] / t['seconds']:.2f}x "
        f"(user CPU {o['user'] / t['user']:.2f}x), again {o['warm'] / t['warm']:.2f}x "
        f"(user CPU {o['warm_user'] / t['warm_user']:.2f}x), "
        f"peak memory {o['peak'] / t['peak']:.2f}x"
    )


if __name__ == "__main__":
    main()
