"""Issue 15: a graph bigger than the budget, from a Parquet folder to the viewer URL.

``python -m benchmarks.stream [--edges 20000000] [--reps 1]`` writes N edges (int64 s,
int64 d, float64 w) as a folder of Parquet files (1M rows per file), starts the local
server as a subprocess, and measures, each in a fresh process (``python -m
benchmarks.stream worker MODE FOLDER SERVER``):

* ``stream``: graphistry_fp streaming: ``edges(ds.dataset(folder), "s", "d").plot()``
  (chunked transfer encoding, the default);
* ``counted``: the same with a counting pass first, for a ``Content-Length`` (the
  alternative the README compares);
* ``memory``: graphistry_fp in memory: ``pq.read_table(folder)``, then bind + plot;
* ``pyg``: pygraphistry 0.61.2: ``pd.read_parquet(folder)``, then ``plot()``.

Each worker logs in and plots a tiny graph first (imports, first-use costs); the measured
region is from the folder on disk to the returned URL (the read included). Peak extra RSS
is the kernel's high-water mark over that region minus the RSS at its start
(``_measure.peak_extra_rss``). IPC bytes are the size of the Arrow file the server
stored. Throughput is IPC bytes / seconds; for ``memory`` it is also given for the upload
alone (bind + plot after the read). Results go to ``results/stream.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._measure import fmt_mib, fmt_s, median, peak_extra_rss
from ._server import ServerProcess

USER = "bench:pw:benchorg"
MODES = ("stream", "memory", "pyg", "counted")
FILE_ROWS = 1_000_000
RESULTS = Path(__file__).parent / "results"


def write_folder(folder: Path, edges: int, seed: int = 0) -> None:
    """``edges`` rows as Parquet files of ``FILE_ROWS`` rows (generated file by file)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    nodes = max(1, edges // 10)
    for index, start in enumerate(range(0, edges, FILE_ROWS)):
        rows = min(FILE_ROWS, edges - start)
        table = pa.table({"s": rng.integers(0, nodes, rows, dtype=np.int64),
                          "d": rng.integers(0, nodes, rows, dtype=np.int64),
                          "w": rng.random(rows)})  # fmt: skip
        pq.write_table(table, folder / f"part-{index:04d}.parquet")


def _worker(mode: str, folder: str, server: str) -> dict[str, Any]:
    tiny = Path(tempfile.mkdtemp()) / "tiny"
    write_folder(tiny, 10, seed=1)
    out: dict[str, Any] = {"mode": mode}
    if mode == "pyg":
        import graphistry
        import pandas as pd

        pyg: Any = graphistry
        pyg.register(api=3, protocol="http", server=server, username="bench", password="pw")

        def act(path: Path | str, name: str) -> str:
            df = pd.read_parquet(path)
            return str(pyg.edges(df, "s", "d").name(name).plot(render=False))

    else:
        import pyarrow.dataset as ds
        import pyarrow.parquet as pq

        import graphistry_fp as fp
        from graphistry_fp.interpreters import streaming

        streaming.COUNT_FIRST = mode == "counted"
        c = fp.ClientUserPass("bench", "pw", server=server, protocol="http", progress=False)
        c.token()

        def act(path: Path | str, name: str) -> str:
            if mode == "memory":
                started = time.perf_counter()
                table = pq.read_table(path)
                out["read_seconds"] = time.perf_counter() - started
                return str(fp.client(c).edges(table, "s", "d").name(name).plot())
            return str(fp.client(c).edges(ds.dataset(path), "s", "d").name(name).plot())

    act(tiny, "warm-up")
    url, seconds, extra, how = peak_extra_rss(lambda: act(folder, f"{mode}"))
    assert "dataset=" in url
    out.update({"seconds": seconds, "extra_rss": extra, "rss_method": how,
                "dataset_id": url.split("dataset=")[1].split("&")[0]})  # fmt: skip
    return out


def measure_once(mode: str, folder: Path, srv: ServerProcess) -> dict[str, Any]:
    """One measurement in a fresh process, with the stored body's size."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.stream", "worker", mode, str(folder), srv.server],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"stream worker {mode} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    stored = srv.data_dir / "datasets" / result["dataset_id"] / "edges.arrow"
    result["ipc_bytes"] = stored.stat().st_size
    srv.drop_uploads()
    return result


def run(edges: int, reps: int, log: Any) -> dict[str, Any]:
    """``reps`` rounds of every mode (order rotating); medians per mode."""
    with tempfile.TemporaryDirectory(prefix="graphistry_fp-stream-") as tmp:
        folder = Path(tmp) / "edges"
        started = time.perf_counter()
        write_folder(folder, edges)
        log(f"wrote {edges:,} edges in {time.perf_counter() - started:.1f} s")
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        with ServerProcess([USER]) as srv:
            for rep in range(reps):
                order = MODES[rep % len(MODES):] + MODES[: rep % len(MODES)]
                for mode in order:
                    r = measure_once(mode, folder, srv)
                    runs[mode].append(r)
                    log(f"  {mode:8} rep {rep}: {r['seconds']:.2f} s, extra RSS "
                        f"{fmt_mib(r['extra_rss'])}, IPC {fmt_mib(r['ipc_bytes'])}")  # fmt: skip
    summary: dict[str, Any] = {"edges": edges, "reps": reps}
    for mode, rs in runs.items():
        summary[mode] = {key: median([r[key] for r in rs]) for key in
                         ("seconds", "extra_rss", "ipc_bytes")}  # fmt: skip
        summary[mode]["throughput"] = summary[mode]["ipc_bytes"] / summary[mode]["seconds"]
    mem = runs["memory"]
    read = median([r["read_seconds"] for r in mem])
    upload = median([r["seconds"] - r["read_seconds"] for r in mem])
    summary["memory"].update({"read_seconds": read, "upload_seconds": upload,
                              "upload_throughput": summary["memory"]["ipc_bytes"] / upload})  # fmt: skip
    return summary


def table(s: dict[str, Any]) -> list[str]:
    """The markdown table of a summary."""
    st, mem, pyg, cnt = s["stream"], s["memory"], s["pyg"], s["counted"]
    mb_s = lambda tp: f"{tp / 2**20:.0f} MiB/s"  # noqa: E731
    time_ratio = st["seconds"] / pyg["seconds"]
    tp_ratio = st["throughput"] / mem["throughput"]
    rows = [
        ("peak extra client RSS", fmt_mib(st["extra_rss"]), fmt_mib(cnt["extra_rss"]),
         fmt_mib(mem["extra_rss"]), fmt_mib(pyg["extra_rss"]), "stream <= 128 MiB",
         "yes" if st["extra_rss"] <= 128 * 2**20 else "**no**"),
        ("wall time, folder on disk -> URL", fmt_s(st["seconds"]), fmt_s(cnt["seconds"]),
         f"{fmt_s(mem['seconds'])} (read {fmt_s(mem['read_seconds'])})", fmt_s(pyg["seconds"]),
         f"stream <= 0.5x pyg: {time_ratio:.2f}x", "yes" if time_ratio <= 0.5 else "**no**"),
        ("throughput (IPC bytes / wall time)", mb_s(st["throughput"]), mb_s(cnt["throughput"]),
         f"{mb_s(mem['throughput'])} (upload alone {mb_s(mem['upload_throughput'])})",
         mb_s(pyg["throughput"]), f"stream >= 0.9x memory: {tp_ratio:.2f}x",
         "yes" if tp_ratio >= 0.9 else "**no**"),
        ("IPC bytes stored", fmt_mib(st["ipc_bytes"]), fmt_mib(cnt["ipc_bytes"]),
         fmt_mib(mem["ipc_bytes"]), fmt_mib(pyg["ipc_bytes"]), "", ""),
    ]  # fmt: skip
    head = ("measure", "ours, streamed (chunked)", "ours, streamed (counted length)",
            "ours, in memory", "pygraphistry 0.61.2", "target", "met")  # fmt: skip
    lines = [f"{s['edges']:,} edges (int64 s, int64 d, float64 w) in Parquet files of "
             f"{FILE_ROWS:,} rows; median of {s['reps']} run(s) per mode, each in a fresh "
             f"process; `python -m benchmarks.stream --edges {s['edges']} --reps {s['reps']}`",
             "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]  # fmt: skip
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stream")
    parser.add_argument("--edges", type=int, default=20_000_000)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    summary = run(args.edges, args.reps, log)
    lines = table(summary)
    print("\n".join(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "stream.md").write_text("\n".join(lines) + "\n")
    (args.out / "stream.json").write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        print(json.dumps(_worker(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        sys.exit(main())
