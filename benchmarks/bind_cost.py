"""What binding a table costs: convert-at-bind with the copy-on-write guard, vs copies.

Run: ``python benchmarks/bind_cost.py [ROWS]`` (default 1,000,000). Prints, for a frame of
string ids, a float, an int and a categorical column, the wall time and the memory each
way of making a bound table costs:

* ``edges(df)``: what graphistry_fp does (a shallow-copy guard + ``Table.from_pandas``,
  zero-copy where Arrow allows);
* ``df.copy(deep=True)``: copy-at-bind, the baseline the guard avoids;
* ``from_pandas(deep copy)``: convert a deep copy (what frames.py does when pandas'
  copy-on-write is off);
* ``df.loc[0, 'w'] = ...`` after ``edges(df)``: the deferred cost the user pays on a
  later write (pandas copies the written column, once).

Memory is new bytes held afterwards: Arrow's pool (``pa.total_allocated_bytes``) plus
numpy/pandas allocations (``tracemalloc``). Each measurement runs several times; the
median time is shown. A script, not a timed test.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

import graphistry_fp as graphistry

REPEAT = 5


def frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    ids = pd.Series(np.char.add("n", (np.arange(rows) % 50_000).astype(str)), dtype="str")
    return pd.DataFrame(
        {
            "s": ids,
            "d": ids.sample(frac=1.0, random_state=1).reset_index(drop=True),
            "w": rng.random(rows),
            "k": rng.integers(0, 1_000_000, rows),
            "c": pd.Categorical(rng.choice(["red", "green", "blue"], rows)),
        }
    )


def measure(label: str, make: Callable[[], Any]) -> tuple[str, float, float]:
    times = []
    held = 0.0
    for _ in range(REPEAT):
        gc.collect()
        arrow_before = pa.total_allocated_bytes()
        tracemalloc.start()
        start = time.perf_counter()
        kept = make()
        times.append(time.perf_counter() - start)
        python_bytes, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        held = (pa.total_allocated_bytes() - arrow_before + python_bytes) / 2**20
        del kept
    return label, statistics.median(times) * 1000, held


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    df = frame(rows)
    size = df.memory_usage(deep=True).sum() / 2**20
    print(f"frame: {rows:,} rows x {df.shape[1]} columns ({', '.join(map(str, df.dtypes))}), "
          f"{size:.1f} MiB; pandas {pd.__version__}, pyarrow {pa.__version__}")  # fmt: skip

    def write_after_bind() -> Any:
        user = df.copy(deep=True)  # a private frame to write to (not measured below)
        g = graphistry.edges(user, "s", "d")
        return g, user

    def deferred() -> tuple[str, float, float]:
        pairs = [write_after_bind() for _ in range(REPEAT)]
        times, held = [], 0.0
        for _g, user in pairs:
            gc.collect()
            tracemalloc.start()
            start = time.perf_counter()
            user.loc[0, "w"] = -1.0
            times.append(time.perf_counter() - start)
            held = tracemalloc.get_traced_memory()[0] / 2**20
            tracemalloc.stop()
        return "later df.loc[0, 'w'] = -1 (CoW copies 'w')", statistics.median(times) * 1000, held

    results = [
        measure("edges(df, 's', 'd')  [graphistry_fp]", lambda: graphistry.edges(df, "s", "d")),
        measure("df.copy(deep=True)   [copy-at-bind]", lambda: df.copy(deep=True)),
        measure(
            "from_pandas(df.copy(deep=True))",
            lambda: pa.Table.from_pandas(df.copy(deep=True), preserve_index=False),
        ),
        deferred(),
    ]
    width = max(len(r[0]) for r in results)
    print(f"{'what':<{width}}  {'time ms':>9}  {'new MiB held':>12}")
    for label, ms, mib in results:
        print(f"{label:<{width}}  {ms:9.1f}  {mib:12.1f}")


if __name__ == "__main__":
    main()
