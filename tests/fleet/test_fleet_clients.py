"""A fleet of client processes sharing one RedisTokenStore, against the local server.

The worker processes are ``tests/fleet/client_workers.py``; the local server runs in this
process and its request log counts the logins and refreshes of every worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import redis

from graphistry_fp.interpreters import shared as shared_module
from graphistry_fp.server import LocalServer
from tests.support.redis_server import RedisServer
from tests.support.server import JWT_RE, settled_log

ROOT = Path(__file__).resolve().parents[2]
#: The issue's fleet: 16 worker processes x 8 tenants.
WORKERS, TENANTS = 16, 8
#: Short token lifetime so the "after expiry" phase comes within seconds (the issue's
#: scenario uses 60 s; the rule exercised, expired tokens lead to one login per tenant,
#: does not depend on the number).
TTL_S = 12
TENANT_SPECS = [(f"tenant{i}", f"tenant{i}-pw", f"org{i}") for i in range(TENANTS)]
EDGES = pd.DataFrame({"s": ["a", "b"], "d": ["b", "c"]})


@pytest.fixture
def fleet_server() -> Iterator[LocalServer]:
    """A local server with eight tenants, each a user in its own org."""
    users = [f"{user}:{password}:{org}" for user, password, org in TENANT_SPECS]
    with LocalServer(users=users, token_ttl=TTL_S) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _fresh_warning() -> None:
    """Each test may see the once-per-process store warning afresh."""
    shared_module._reset_warning()


def auth_requests(srv: LocalServer) -> Counter[str]:
    """Logins and refreshes in the server's request log, by kind."""
    kinds: Counter[str] = Counter()
    for record in settled_log(srv):
        if record.path in ("/api-token-auth/", "/api/v2/auth/pkey/jwt/"):
            kinds["login"] += 1
        elif record.path.startswith("/api/v2/auth/token/refresh"):
            kinds["refresh"] += 1
    return kinds


def run_phase(coord: redis.Redis, phase: int, workers: int, timeout_s: float = 300) -> None:
    """Release ``phase`` to every worker and wait until all of them finished it."""
    coord.set(f"phase:{phase}", 1)
    deadline = time.monotonic() + timeout_s
    while int(coord.get(f"done:{phase}") or 0) < workers:
        assert time.monotonic() < deadline, f"phase {phase} did not finish"
        time.sleep(0.05)


def spawn_workers(spec: dict[str, Any], count: int) -> list[subprocess.Popen[str]]:
    """``count`` worker processes running ``spec``."""
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tests.fleet.client_workers", json.dumps(spec)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]


def collect(workers: list[subprocess.Popen[str]]) -> list[dict[str, Any]]:
    """Each worker's JSON report (failing with its stderr if it crashed)."""
    reports = []
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert 0 == w.returncode, err[-2000:]
        reports.append(json.loads(out))
    return reports


def test_fleet_logs_each_tenant_in_once(
    fleet_server: LocalServer, redis_server: RedisServer
) -> None:
    """16 processes x 8 tenants start cold: 8 logins, not 128; after the tokens expire, 8
    logins or refreshes again; every dataset belongs to its tenant and org; Redis holds no
    username, org, password or JWT in clear."""
    coord = redis.Redis.from_url(redis_server.url)
    spec = {
        "server": fleet_server.server,
        "redis": redis_server.url,
        "store": True,
        "tenants": TENANT_SPECS,
        "phases": 2,
    }
    workers = spawn_workers(spec, WORKERS)
    fleet_server.clear_request_log()
    run_phase(coord, 1, WORKERS)
    cold = auth_requests(fleet_server)
    fleet_server.clear_request_log()
    time.sleep(TTL_S + 1)  # every token of phase 1 has expired
    run_phase(coord, 2, WORKERS)
    after_expiry = auth_requests(fleet_server)
    reports = collect(workers)

    assert TENANTS == cold["login"]
    assert TENANTS == after_expiry["login"] + after_expiry["refresh"]
    owners = Counter()
    for report in reports:
        for row in report["results"]:
            for (user, _, org), result in zip(TENANT_SPECS, row):
                record = fleet_server.dataset(result["dataset_id"])
                owners[(record.owner, record.org) == (user, org)] += 1
    assert {True: WORKERS * TENANTS * 2} == dict(owners)
    dump = redis_server.dump()
    for user, password, org in TENANT_SPECS:
        for clear in (user, password, org):
            assert clear.encode() not in dump
    assert [] == JWT_RE.findall(dump.decode("latin-1"))

