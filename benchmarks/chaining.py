"""Scenario 3: 10,000 chained bind()/name() steps on a 1M-row plottable.

* per-step time: building the 10,000-step chain (alternating ``bind(edge_title=..)`` and
  ``name(..)``) from an already-bound 1M-edge plottable, divided by 10,000; paired runs of
  both libraries, median;
* memory per retained step: bytes ``tracemalloc`` sees allocated while building the chain
  with every step kept alive, divided by 10,000 (pygraphistry's steps are shallow copies
  of its plotter; ours are frozen records sharing the table);
* ``get_client()`` on the deepest step of a module-rooted chain (the walk goes through all
  10,000 root cells to the global root), timed by ``roots.time_get_client`` (median of
  50 calls); pygraphistry has no client roots. ``python -m benchmarks.roots`` still runs
  the small-chain version of these numbers on its own.
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import graphistry as _graphistry

import graphistry_fp as fp
from graphistry_fp.core.roots import RootCell

from ._measure import graph, median
from .roots import time_get_client

#: pygraphistry re-exports its API without __all__; typed loosely here.
pyg: Any = _graphistry

DEPTH = 10_000
ROWS = 1_000_000


def _chain(base: Any, keep: list[Any] | None = None) -> Any:
    g = base
    for i in range(DEPTH):
        g = g.bind(edge_title="w") if i % 2 else g.name(str(i))
        if keep is not None:
            keep.append(g)
    return g


def _per_step(base: Any) -> float:
    gc.collect()
    start = time.perf_counter()
    _chain(base)
    return (time.perf_counter() - start) / DEPTH


def _bytes_per_step(base: Any) -> float:
    gc.collect()
    keep: list[Any] = []
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    _chain(base, keep)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del keep
    return (after - before) / DEPTH


def run(reps: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Paired per-step timings, then memory per step and get_client() once each."""
    e, _ = graph(ROWS, ROWS // 10)
    bases = {"ours": fp.edges(e, "s", "d"), "pyg": pyg.edges(e, "s", "d")}
    steps: dict[str, list[float]] = {"ours": [], "pyg": []}
    ratios = []
    for rep in range(reps):
        for lib in ("ours", "pyg") if rep % 2 == 0 else ("pyg", "ours"):
            steps[lib].append(_per_step(bases[lib]))
        ratios.append(steps["ours"][-1] / steps["pyg"][-1])
        log(f"  chaining rep {rep}: ours {steps['ours'][-1] * 1e6:.2f} us/step, "
            f"pyg {steps['pyg'][-1] * 1e6:.2f} us/step")  # fmt: skip
    memory = {lib: _bytes_per_step(bases[lib]) for lib in ("ours", "pyg")}
    deepest = _chain(bases["ours"])
    get_client = time_get_client(deepest)
    cell = sys.getsizeof(RootCell())
    log(f"  chaining memory/step: ours {memory['ours']:.0f} B, pyg {memory['pyg']:.0f} B; "
        f"get_client {get_client * 1e3:.3f} ms")  # fmt: skip
    return {
        "step_s": {lib: median(v) for lib, v in steps.items()},
        "ratio": median(ratios),
        "ratios": ratios,
        "bytes_per_step": memory,
        "get_client_s": get_client,
        "root_cell_bytes": cell,
    }
