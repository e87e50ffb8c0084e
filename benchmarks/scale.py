"""Scenario 5: how plot time and peak extra RSS grow, 10k to 20M edges (nodes = edges / 10).

Same measurement as scenario 2 (``upload.py``: a fresh process per run, bind + plot,
kernel RSS high-water mark). The 1M point is scenario 2's own result. The chart is written
with matplotlib (the ``bench`` extra) as a PNG next to the table; when
``results/stream.json`` exists (``python -m benchmarks.stream``), its streamed upload from
a Parquet folder (edges only, the read included) is drawn beside the curves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import upload
from ._server import ServerProcess

POINTS = (10_000, 100_000, 1_000_000, 10_000_000, 20_000_000)


def run(
    srv: ServerProcess,
    points: tuple[int, ...],
    reps: dict[int, int],
    known: dict[int, dict[str, Any]],
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    """One summary per point; ``known`` points (scenario 2's 1M) are reused as they are."""
    out = []
    for edges in points:
        if edges in known:
            out.append(known[edges])
            continue
        out.append(upload.paired(srv, edges, edges // 10, reps.get(edges, 1), log))
    return out


def stream_point(results: Path) -> dict[str, Any] | None:
    """The ``benchmarks.stream`` summary saved in ``results``, if any."""
    import json

    saved = results / "stream.json"
    if not saved.exists():
        return None
    point: dict[str, Any] = json.loads(saved.read_text())
    return point


def chart(points: list[dict[str, Any]], path: Path, stream: dict[str, Any] | None = None) -> None:
    """Two log-log panels: plot time, and peak extra RSS, against edges (and the streamed
    Parquet upload of ``benchmarks.stream`` when given)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [p["edges"] for p in points]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    styles = {
        "ours": ("graphistry_fp", "tab:blue", "o"),
        "pyg": ("pygraphistry 0.61.2", "tab:orange", "s"),
    }
    for lib, (label, color, marker) in styles.items():
        left.plot(xs, [p[lib]["seconds"] for p in points], marker=marker, color=color, label=label)
        right.plot(xs, [p[lib]["extra_rss"] / 2**20 for p in points], marker=marker, color=color,
                   label=label)  # fmt: skip
    right.plot(xs, [p["ours"]["ipc_bytes"] / 2**20 for p in points], linestyle="--", color="gray",
               label="Arrow IPC bytes uploaded")  # fmt: skip
    if stream is not None:
        label = "graphistry_fp, streamed from Parquet"
        left.plot([stream["edges"]], [stream["stream"]["seconds"]], marker="*", markersize=14,
                  linestyle="none", color="tab:green", label=label)  # fmt: skip
        right.plot([stream["edges"]], [stream["stream"]["extra_rss"] / 2**20], marker="*",
                   markersize=14, linestyle="none", color="tab:green", label=label)  # fmt: skip
    for ax, title, unit in ((left, "plot time (bind + plot)", "seconds"),
                            (right, "peak extra RSS during the plot", "MiB")):  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("edges (nodes = edges / 10)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="x-small", loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
