"""A fleet worker process for the client-level tests: ``python -m tests.fleet.client_workers``.

Reads one JSON object from argv[1]: ``server`` (host:port of the local server), ``redis``
(the coordination Redis URL), ``store`` (true: the clients share ``RedisTokenStore(redis)``),
``tenants`` (``[[username, password, org], ...]``), ``phases`` (how many), ``lease_s``.
Builds one ClientUserPass per tenant; for each phase ``n`` waits for the Redis key
``phase:n``, plots one small graph per tenant, then increments ``done:n``. Prints one JSON
line: per phase, per tenant, ``{"dataset_id"}`` or ``{"error": type name}``, and the
number of TokenStoreWarnings seen. With ``"mode": "token"``, only fetches the first tenant's
token (the lock-holder test kills it mid-login).
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from typing import Any

import pandas as pd
import redis

import graphistry_fp as graphistry
from graphistry_fp.interpreters.redis_store import RedisTokenStore
from graphistry_fp.interpreters.shared import TokenStoreWarning

EDGES = pd.DataFrame({"s": ["a", "b"], "d": ["b", "c"]})


def main(spec: dict[str, Any]) -> None:
    """Run the phases of ``spec`` (see the module docstring)."""
    coord = redis.Redis.from_url(spec["redis"])
    store = (
        RedisTokenStore(spec["redis"], lease_s=spec.get("lease_s", 10.0)) if spec["store"] else None
    )
    if spec.get("mode") == "token":
        user, password, org = spec["tenants"][0]
        client = graphistry.ClientUserPass(
            user, password, server=spec["server"], protocol="http", org_name=org, token_store=store
        )
        client.token()
        print(json.dumps({"ok": True}), flush=True)
        return
    clients = [
        graphistry.ClientUserPass(
            user, password, server=spec["server"], protocol="http", org_name=org, token_store=store
        )
        for user, password, org in spec["tenants"]
    ]
    results: list[list[dict[str, str]]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for phase in range(1, spec["phases"] + 1):
            while not coord.exists(f"phase:{phase}"):
                time.sleep(0.01)
            row: list[dict[str, str]] = []
            for client in clients:
                try:
                    row.append(
                        {
                            "dataset_id": client.run(
                                graphistry.edges(EDGES, "s", "d").plan()
                            ).dataset_id
                        }
                    )
                except graphistry.GraphistryError as error:
                    row.append({"error": type(error).__name__})
            results.append(row)
            coord.incr(f"done:{phase}")
    store_warnings = sum(1 for w in caught if issubclass(w.category, TokenStoreWarning))
    print(json.dumps({"results": results, "warnings": store_warnings}), flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
