"""Scenarios 2 and 5: one large upload per fresh process, wall time and peak extra RSS.

Each measurement runs in a new interpreter (``python -m benchmarks.upload LIB EDGES NODES
SERVER``), which prints one JSON line. In that process: the pandas frames are built, the
library logs in, and one 10-row warm-up plot runs (imports, first-use costs); then the
measured region is **bind + plot**, from the already-built DataFrames to the returned URL:

* graphistry_fp: ``graphistry.client(c).edges(e, "s", "d").nodes(n, "n").name(..).plot()``
  (our Arrow conversion happens at bind, so bind is inside the region);
* pygraphistry: ``graphistry.edges(e, "s", "d").nodes(n, "n").name(..).plot(render=False)``
  (its conversion, and its token refresh, happen inside ``plot()``).

Peak extra RSS is the kernel's high-water mark over that region minus the RSS at its start
(see ``_measure.peak_extra_rss``); it is compared with the Arrow IPC bytes the process
actually sent (edges + nodes request bodies).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from ._measure import arrow_bytes, counting, graph, install_counter, median, peak_extra_rss
from ._server import ServerProcess

USER = "bench:pw:benchorg"
LIBS = ("ours", "pyg")


def _worker(lib: str, edges: int, nodes: int, server: str) -> dict[str, Any]:
    install_counter()
    e, n = graph(edges, nodes)
    tiny_e, tiny_n = graph(10, 5, seed=1)
    act: Callable[[Any, Any, str], str]
    if lib == "ours":
        import graphistry_fp as fp

        c = fp.ClientUserPass("bench", "pw", server=server, protocol="http")
        c.token()

        def act(e: Any, n: Any, name: str) -> str:
            return str(fp.client(c).edges(e, "s", "d").nodes(n, "n").name(name).plot())

    else:
        import graphistry

        pyg: Any = graphistry

        pyg.register(api=3, protocol="http", server=server, username="bench", password="pw")

        def act(e: Any, n: Any, name: str) -> str:
            return str(pyg.edges(e, "s", "d").nodes(n, "n").name(name).plot(render=False))

    act(tiny_e, tiny_n, "warm-up")
    with counting() as sent:
        url, seconds, extra, how = peak_extra_rss(lambda: act(e, n, f"{lib}-{edges}"))
    assert "dataset=" in url
    return {"lib": lib, "edges": edges, "nodes": nodes, "seconds": seconds, "extra_rss": extra,
            "rss_method": how, "ipc_bytes": arrow_bytes(sent), "requests": len(sent)}  # fmt: skip


def measure_once(lib: str, edges: int, nodes: int, server: str) -> dict[str, Any]:
    """One measurement in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.upload", lib, str(edges), str(nodes), server],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"upload worker {lib} {edges} failed:\n{out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def paired(
    srv: ServerProcess, edges: int, nodes: int, reps: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """``reps`` paired runs (order alternating), each lib in a fresh process."""
    runs: dict[str, list[dict[str, Any]]] = {lib: [] for lib in LIBS}
    ratios: list[float] = []
    for rep in range(reps):
        for lib in LIBS if rep % 2 == 0 else LIBS[::-1]:
            r = measure_once(lib, edges, nodes, srv.server)
            runs[lib].append(r)
            log(f"  upload {edges:>10,} rep {rep} {lib:4}: {r['seconds']:.3f} s, "
                f"extra RSS {r['extra_rss'] / 2**20:.1f} MiB, "
                f"{r['extra_rss'] / max(1, r['ipc_bytes']):.2f}x IPC")  # fmt: skip
        srv.drop_uploads()
        ratios.append(runs["ours"][-1]["seconds"] / runs["pyg"][-1]["seconds"])
    summary: dict[str, Any] = {"edges": edges, "nodes": nodes, "reps": reps, "ratio": median(ratios),
                               "ratios": ratios}  # fmt: skip
    for lib in LIBS:
        rs = runs[lib]
        summary[lib] = {
            "seconds": median([r["seconds"] for r in rs]),
            "extra_rss": median([r["extra_rss"] for r in rs]),
            "ipc_bytes": median([r["ipc_bytes"] for r in rs]),
            "rss_per_ipc": median([r["extra_rss"] / max(1, r["ipc_bytes"]) for r in rs]),
            "rss_method": rs[0]["rss_method"],
            "requests": rs[0]["requests"],
        }
    return summary


if __name__ == "__main__":
    print(json.dumps(_worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
