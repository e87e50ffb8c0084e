"""Load: 16 users upload 1M-row tables at once to one ``serve`` process.

The server runs as a subprocess so its peak resident memory (``VmHWM``) can be measured
apart from the test's own; it is printed (run with ``-s`` to see it) and bounded, which
catches a server that holds whole bodies (or copies of them) in memory.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import requests

from tests.support.server import arrow_file_bytes

from .cli_process import peak_rss_bytes, serve

USERS = 16
ROWS = 1_000_000
TIMEOUT = 120
# Generous: the server itself needs ~100 MB; 16 bodies held in memory would add ~400 MB.
PEAK_LIMIT_BYTES = 400 * 2**20


def _upload(url: str, user: str, body: bytes) -> str:
    token = requests.post(
        url + "/api-token-auth/", json={"username": user, "password": "pw"}, timeout=TIMEOUT
    ).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    created = requests.post(
        url + "/api/v2/upload/datasets/", json={"name": user}, headers=auth, timeout=TIMEOUT
    ).json()
    dataset_id: str = created["data"]["dataset_id"]
    reply = requests.post(
        url + f"/api/v2/upload/datasets/{dataset_id}/edges/arrow",
        data=body,
        headers=auth,
        timeout=TIMEOUT,
    )
    assert 200 == reply.status_code, reply.text
    return dataset_id


def test_sixteen_concurrent_million_row_uploads() -> None:
    """All 16 uploads complete, each dataset under its own owner with all its rows."""
    users = [f"user{i:02d}" for i in range(USERS)]
    base = np.arange(ROWS + USERS, dtype=np.int64)
    bodies = {
        user: arrow_file_bytes(
            pa.table({"s": base[: ROWS + i], "d": base[USERS - i : USERS + ROWS]})
        )
        for i, user in enumerate(users)
    }
    args = [arg for user in users for arg in ("--user", f"{user}:pw:team{user[-1]}")]
    with serve(args) as served:
        started = time.monotonic()
        with ThreadPoolExecutor(USERS) as pool:
            ids = dict(zip(users, pool.map(lambda u: _upload(served.url, u, bodies[u]), users)))
        elapsed = time.monotonic() - started
        peak = peak_rss_bytes(served.process.pid)
        for i, user in enumerate(users):
            token = requests.post(
                served.url + "/api-token-auth/",
                json={"username": user, "password": "pw"},
                timeout=TIMEOUT,
            ).json()["token"]
            data = requests.get(
                served.url + f"/api/v2/upload/datasets/{ids[user]}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT,
            ).json()["data"]
            assert (user, f"team{user[-1]}", ROWS + i) == (
                data["owner"],
                data["org_name"],
                data["edges_rows"],
            )
    total_mb = sum(len(b) for b in bodies.values()) / 2**20
    print(
        f"\nload: {USERS} x {ROWS} rows ({total_mb:.0f} MB) uploaded in {elapsed:.1f} s; "
        f"server peak RSS {peak / 2**20:.0f} MB"
    )
    assert peak < PEAK_LIMIT_BYTES
