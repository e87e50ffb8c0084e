"""Cost of client roots: get_client() on a 10,000-deep chain, and bytes per root cell.

Run: ``python -m benchmarks.roots``. Prints one markdown table; medians of repeated runs.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

import pandas as pd

import graphistry_fp as graphistry
from graphistry_fp.core.roots import RootCell

DEPTH = 10_000


def deep_chain(depth: int) -> graphistry.Plottable:
    """A chain of ``depth`` bind()/name() steps on a small plottable, rooted at the global."""
    g = graphistry.edges(pd.DataFrame({"s": [1], "d": [2]}), "s", "d")
    for i in range(depth):
        g = g.bind(edge_title="s") if i % 2 else g.name(str(i))
    return g


def time_get_client(g: graphistry.Plottable, repeats: int = 50) -> float:
    """Median seconds of one get_client() call on ``g``."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        g.get_client()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bytes_per_step(depth: int) -> float:
    """Memory retained per chained step (tracemalloc), all steps kept alive."""
    base = graphistry.edges(pd.DataFrame({"s": [1], "d": [2]}), "s", "d")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [base]
    for i in range(depth):
        kept.append(kept[-1].bind(edge_title="s") if i % 2 else kept[-1].name(str(i)))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / depth


def main() -> int:
    graphistry.client_root(graphistry.DryRunClient())
    g = deep_chain(DEPTH)
    seconds = time_get_client(g)
    rows = [
        ("get_client() on a 10,000-deep chain (median)", f"{seconds * 1e3:.3f} ms", "< 1 ms"),
        ("one root cell (sys.getsizeof)", f"{sys.getsizeof(RootCell())} B", "< 100 B"),
        ("memory per retained chained step", f"{bytes_per_step(DEPTH):.0f} B", "< 1 KB"),
    ]
    print("| measure | graphistry_fp | target |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
