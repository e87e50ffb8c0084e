"""Client CPU per plot: ``python -m benchmarks.cpu_per_plot``.

One ``ClientUserPass`` against the local server (a subprocess), 5 x 20 plots of a 10k-edge /
1k-node graph; prints the median ``time.process_time()`` per plot (client CPU only, so the
figure is steadier than wall time on a busy machine). Run it in two checkouts, alternating,
to compare revisions.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

import graphistry_fp as graphistry

from ._server import ServerProcess


def main() -> None:
    rng = np.random.default_rng(0)
    edges = pd.DataFrame({
        "src": rng.integers(0, 1000, 10_000),
        "dst": rng.integers(0, 1000, 10_000),
        "w": rng.random(10_000),
    })
    nodes = pd.DataFrame({"id": np.arange(1000), "kind": ["a", "b"] * 500})
    with ServerProcess(["alice:pw:acme"]) as srv:
        client = graphistry.ClientUserPass("alice", "pw", server=srv.server, protocol="http")
        client.run(graphistry.edges(edges, "src", "dst").nodes(nodes, "id").plan())  # log in
        samples = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(20):
                client.run(graphistry.edges(edges, "src", "dst").nodes(nodes, "id").plan())
            samples.append((time.process_time() - started) / 20 * 1000)
        client.close()
    rounded = [round(s, 2) for s in samples]
    print(f"client CPU per plot (ms): median {statistics.median(samples):.2f}  samples {rounded}")


if __name__ == "__main__":
    main()
