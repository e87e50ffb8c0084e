"""The local server's peak memory while it receives a 2 GB streamed upload (issue 15).

``python -m benchmarks.server_memory [--gib 2]`` starts ``python -m graphistry_fp serve``
as a subprocess twice:

1. with ``--max-body-mb`` above the body: one Arrow IPC file of ``--gib`` GiB (the same
   64k-row batch repeated) is POSTed with chunked transfer encoding; the server's peak
   RSS (``VmHWM`` of its process) is compared with its RSS before the upload, and split
   (sampled every 50 ms) into anonymous memory and file-backed pages (the memory-mapped
   check of the stored file: page cache the kernel can drop);
2. with the default body limit (512 MiB): the same body must get a clear 413 (status and
   how long the client took to learn it).

The body is produced while it is sent (``effects.stream.ipc_file_chunks``), so the client
holds one batch. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
from typing import Any

import numpy as np
import pyarrow as pa
import requests

from graphistry_fp.effects.stream import BATCH_ROWS, ipc_file_chunks

from . import _server
from ._server import ServerProcess

USER = "bench:pw:benchorg"


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _server_pid(srv: ServerProcess) -> int:
    proc = srv._proc
    assert proc is not None
    return int(proc.pid)


def _body(gib: float) -> tuple[Any, int]:
    rng = np.random.default_rng(0)
    batch = pa.record_batch({"s": rng.integers(0, 1000, BATCH_ROWS),
                             "d": rng.integers(0, 1000, BATCH_ROWS),
                             "w": rng.random(BATCH_ROWS)})  # fmt: skip
    count = int(gib * 2**30 / batch.nbytes) + 1
    return ipc_file_chunks(batch.schema, itertools.repeat(batch, count)), count * BATCH_ROWS


def _upload(srv: ServerProcess, gib: float) -> dict[str, Any]:
    base = f"http://{srv.server}"
    token = requests.post(f"{base}/api-token-auth/", json={"username": "bench", "password": "pw"},
                          timeout=30).json()["token"]  # fmt: skip
    auth = {"Authorization": f"Bearer {token}"}
    create = {"name": "2 GB", "edge_encodings": {"bindings": {"source": "s", "destination": "d"}}}
    dataset_id = requests.post(f"{base}/api/v2/upload/datasets/", json=create, headers=auth,
                               timeout=30).json()["data"]["dataset_id"]  # fmt: skip
    body, rows = _body(gib)
    pid = _server_pid(srv)
    before = _status_kb(pid, "VmRSS")
    anon = [_status_kb(pid, "RssAnon")]
    mapped = [_status_kb(pid, "RssFile")]
    stop = threading.Event()

    def sample() -> None:  # anonymous (heap) vs file-backed (memory-mapped) pages
        while not stop.wait(0.05):
            anon.append(_status_kb(pid, "RssAnon"))
            mapped.append(_status_kb(pid, "RssFile"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        reply = requests.post(f"{base}/api/v2/upload/datasets/{dataset_id}/edges/arrow",
                              data=body, headers=auth, timeout=600)  # fmt: skip
        status: int | str = reply.status_code
        text = reply.text[:200]
    except requests.RequestException as error:
        status, text = type(error).__name__, str(error)[:200]
    seconds = time.perf_counter() - started
    time.sleep(0.2)
    stop.set()
    sampler.join()
    return {"rows": rows, "status": status, "reply": text, "seconds": seconds,
            "rss_before": before, "peak_rss": _status_kb(pid, "VmHWM"),
            "peak_extra_anon_mib": round((max(anon) - anon[0]) / 2**20, 1),
            "peak_extra_file_mib": round((max(mapped) - mapped[0]) / 2**20, 1)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server_memory")
    parser.add_argument("--gib", type=float, default=2.0)
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"gib": args.gib}
    serve = list(_server.SERVE)
    try:
        _server.SERVE = [*serve, "--max-body-mb", str(int(args.gib * 1024 + 512))]
        with ServerProcess([USER]) as srv:
            out["accepted"] = _upload(srv, args.gib)
    finally:
        _server.SERVE = serve
    with ServerProcess([USER]) as srv:
        out["over_limit"] = _upload(srv, args.gib)
    for key in ("accepted", "over_limit"):
        r = out[key]
        r["peak_extra_mib"] = round((r["peak_rss"] - r["rss_before"]) / 2**20, 1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
