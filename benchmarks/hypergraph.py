"""hypergraph() of 1,000,000 events with 3 entity types: graphistry_fp vs pygraphistry 0.61.2.

Both run the pandas engine on the same table (user: 10,000 distinct strings, ip: 100,000
distinct strings, port: 1,000 distinct integers; fixed seed). Each measurement is one call in
a fresh subprocess, so the peak RSS of one library never hides in the other's; runs
alternate ours/theirs in pairs, and the report gives medians and the ratios of medians::

    python -m benchmarks.hypergraph [--events 1000000] [--pairs 5] [--api core|module]

``--api module`` measures the legacy ``graphistry_fp.hypergraph(...)`` instead of
``core.hypergraph``: the same tables plus the graph bound (its tables converted to Arrow), as
pygraphistry's module function also returns its graph.

Each child first runs the same call on 1,000 events (lazy imports of pandas/pyarrow code
paths, for both libraries), then measures one call on the full table ("first call": time
and peak extra RSS), then the median of 3 more calls ("again": the process's memory pools
already grown, as in a notebook that reruns a cell). Equality of the
tables is what tests/core/test_hypergraph.py proves. Peak extra RSS is defined in
benchmarks/_measure.py.
"""

from __future__ import annotations

import argparse
import json
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
    ips = np.array([f"10.{i // 65536}.{i // 256 % 256}.{i % 256}" for i in range(100_000)], dtype=object)
    return pd.DataFrame(
        {
            "user": pd.Series(users[rng.integers(0, len(users), n)]).astype(str),
            "ip": pd.Series(ips[rng.integers(0, len(ips), n)]).astype(str),
            "port": rng.integers(0, 1_000, n),
        }
    )


def _child(which: str, n: int, api: str = "core") -> dict[str, Any]:
    import logging

    from benchmarks._measure import peak_extra_rss

    logging.disable(logging.WARNING)
    df = events(n)
    if which == "ours" and api == "module":
        import graphistry_fp

        def run() -> int:
            return len(graphistry_fp.hypergraph(df, verbose=False)["edges"])

    elif which == "ours":
        from graphistry_fp.core.hypergraph import hypergraph

        def run() -> int:
            return len(hypergraph(df, verbose=False).edges)

    else:
        import graphistry

        def run() -> int:
            return len(graphistry.hypergraph(df, engine="pandas", verbose=False)["edges"])

    warm, df = df, events(1_000)
    run()  # both libraries: load lazily imported code paths before measuring
    df = warm
    edges, seconds, peak, method = peak_extra_rss(run)
    warm = []
    for _ in range(3):  # the same call again: memory pools and page tables already grown
        start = time.perf_counter()
        run()
        warm.append(time.perf_counter() - start)
    return {
        "which": which,
        "seconds": seconds,
        "warm": statistics.median(warm),
        "peak": peak,
        "edges": edges,
        "method": method,
    }


def _measure(which: str, n: int, api: str = "core") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.hypergraph", "--child", which, "--events", str(n),
         "--api", api],
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
    parser.add_argument("--api", choices=["core", "module"], default="core")
    parser.add_argument("--child", choices=["ours", "theirs"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.events, args.api)))
        return
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "theirs": []}
    for i in range(args.pairs):
        order = ("ours", "theirs") if i % 2 == 0 else ("theirs", "ours")
        for which in order:
            r = _measure(which, args.events, args.api)
            runs[which].append(r)
            print(
                f"{which:6s} first call {r['seconds']:.3f} s, again {r['warm']:.3f} s, "
                f"peak +{r['peak'] / 2**20:.0f} MiB, edges {r['edges']}"
            )
    keys = ("seconds", "warm", "peak")
    med = {w: {k: statistics.median(r[k] for r in rs) for k in keys} for w, rs in runs.items()}
    print(f"hypergraph ({args.api}), {args.events:,} events x 3 entity types, "
          f"{args.pairs} alternating pairs (medians):")
    for w in ("ours", "theirs"):
        m = med[w]
        print(
            f"  {w:6s} first call {m['seconds']:.3f} s, again {m['warm']:.3f} s, "
            f"peak +{m['peak'] / 2**20:.0f} MiB"
        )
    o, t = med["ours"], med["theirs"]
    print(
        f"  ratio ours/theirs: first call {o['seconds'] / t['seconds']:.2f}x, "
        f"again {o['warm'] / t['warm']:.2f}x, peak memory {o['peak'] / t['peak']:.2f}x"
    )


if __name__ == "__main__":
    main()
