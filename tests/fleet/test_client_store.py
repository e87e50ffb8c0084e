"""Clients with ``token_store=``: one login per fleet, the 401 rule, wrong passwords,
degradation, and which clients use a store. Real local server, real redis-server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import redis

import graphistry_fp as graphistry
from graphistry_fp.errors import AuthenticationError, ConfigError
from graphistry_fp.interpreters import shared as shared_module
from graphistry_fp.interpreters.shared import TokenStoreWarning
from graphistry_fp.server import LocalServer
from tests.support.redis_server import RedisServer
from tests.support.server import settled_log

ROOT = Path(__file__).resolve().parents[2]
EDGES = pd.DataFrame({"s": ["a", "b"], "d": ["b", "c"]})
USERS = ["ten:ten-pw:tenorg,other"]
LOGIN = "/api-token-auth/"
REFRESH = "/api/v2/auth/token/refresh"
CREATE = "/api/v2/upload/datasets/"


@pytest.fixture(autouse=True)
def _fresh_warning() -> None:
    """Each test may see the once-per-process store warning afresh."""
    shared_module._reset_warning()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local server with one tenant user (orgs tenorg, other)."""
    with LocalServer(users=USERS) as srv:
        yield srv


def counts(srv: LocalServer) -> Counter[str]:
    """Logins, refreshes, switches and creates in the server's request log."""
    kinds: Counter[str] = Counter()
    for record in settled_log(srv):
        if record.path == LOGIN:
            kinds["login"] += 1
        elif record.path.startswith(REFRESH):
            kinds["refresh"] += 1
        elif record.path.endswith("/switch/"):
            kinds["switch"] += 1
        elif record.path == CREATE:
            kinds[f"create {record.status}"] += 1
    return kinds


def tenant(srv: LocalServer, store: Any, password: str = "ten-pw", **kw: Any) -> graphistry.Client:
    """A ClientUserPass for the tenant (org tenorg) sharing ``store``."""
    kw.setdefault("org_name", "tenorg")
    return graphistry.ClientUserPass(
        "ten", password, server=srv.server, protocol="http", token_store=store, **kw
    )


def plot(client: graphistry.Client) -> str:
    """Run a small plot; its dataset id."""
    return client.run(graphistry.edges(EDGES, "s", "d").plan()).dataset_id


def test_clients_sharing_a_memory_store_log_in_once(server: LocalServer) -> None:
    """Six clients of one process sharing a MemoryTokenStore, plotting at once: one login
    and one org switch between them; every dataset is the tenant's, in its org."""
    store = graphistry.MemoryTokenStore()
    clients = [tenant(server, store) for _ in range(6)]
    ids: list[str] = []
    threads = [threading.Thread(target=lambda c=c: ids.append(plot(c))) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {"login": 1, "switch": 1, "create 200": 6} == dict(counts(server))
    assert {("ten", "tenorg")} == {(server.dataset(i).owner, server.dataset(i).org) for i in ids}


def test_without_a_store_each_client_logs_in(server: LocalServer) -> None:
    """The default (no store) is today's behaviour: each client keeps its own token."""
    for _ in range(3):
        plot(tenant(server, None))
    assert 3 == counts(server)["login"]


def test_refresh_ahead_happens_once_for_the_fleet(
    server: LocalServer, redis_server: RedisServer
) -> None:
    """Four clients (as four processes: no shared memory but Redis) in the refresh window
    of their shared token: one refresh between them, no login."""
    server.token_ttl = 4  # refresh when less than 2 s remain
    clients = [tenant(server, graphistry.RedisTokenStore(redis_server.url)) for _ in range(4)]
    for c in clients:
        plot(c)
    server.clear_request_log()
    time.sleep(2.3)
    threads = [threading.Thread(target=plot, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {"refresh": 1, "create 200": 4} == dict(counts(server))


def test_a_refused_token_is_evicted_for_everyone(tmp_path: Path, redis_server: RedisServer) -> None:
    """The server loses its state (new token key, same port): the first client's 401
    evicts the token for all, and the three clients log in once between them."""
    first = LocalServer(users=USERS, data_dir=tmp_path / "one").start()
    port = first.port
    clients = [tenant(first, graphistry.RedisTokenStore(redis_server.url)) for _ in range(3)]
    try:
        for c in clients:
            plot(c)
    finally:
        first.stop()
    second = LocalServer(users=USERS, data_dir=tmp_path / "two", port=port).start()
    try:
        ids = [plot(c) for c in clients]
        assert {"login": 1, "create 401": 3, "create 200": 3} == dict(counts(second))
        assert {("ten", "tenorg")} == {
            (second.dataset(i).owner, second.dataset(i).org) for i in ids
        }
    finally:
        second.stop()


def test_wrong_password_sees_nothing_and_replaces_nothing(
    server: LocalServer, redis_server: RedisServer
) -> None:
    """A client with a wrong password, sharing the store with the right one: its plots fail
    with AuthenticationError, and the right entry stays (a new right client logs in 0 times)."""
    plot(tenant(server, graphistry.RedisTokenStore(redis_server.url)))
    wrong = tenant(server, graphistry.RedisTokenStore(redis_server.url), password="wrong-pw")
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            plot(wrong)
    server.clear_request_log()
    plot(tenant(server, graphistry.RedisTokenStore(redis_server.url)))
    assert {"create 200": 1} == dict(counts(server))


def test_redis_stopped_mid_run_then_restarted(
    server: LocalServer, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis stops mid-run: no plot fails, new clients log in by themselves, one warning;
    Redis back: after the retry delay, clients share tokens again."""
    monkeypatch.setattr(shared_module, "RETRY_S", 0.5)
    store = graphistry.RedisTokenStore(redis_server.url, timeout_s=0.3)
    warm = tenant(server, store)
    plot(warm)
    redis_server.stop()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            plot(warm)
            plot(tenant(server, store))
    assert 1 == len([w for w in caught if issubclass(w.category, TokenStoreWarning)])
    redis_server.start()
    time.sleep(0.6)
    plot(tenant(server, store))
    server.clear_request_log()
    plot(tenant(server, store))
    assert {"create 200": 1} == dict(counts(server))


def test_killed_lock_holder_mid_login_is_replaced(
    server: LocalServer, redis_server: RedisServer
) -> None:
    """A process holding the lock is SIGKILLed while its login hangs: this process takes
    over once the lease lapses and waits no longer than the lease plus one login."""
    lease_s = 2.0
    server.inject_fault(LOGIN, delay_s=30)
    spec = {"mode": "token", "server": server.server, "redis": redis_server.url, "store": True,
            "tenants": [["ten", "ten-pw", "tenorg"]], "phases": 0, "lease_s": lease_s}  # fmt: skip
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.fleet.client_workers", json.dumps(spec)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    plain = redis.Redis.from_url(redis_server.url)
    deadline = time.monotonic() + 60
    while not list(plain.scan_iter("*:l")):
        assert time.monotonic() < deadline, "the holder never took the lock"
        time.sleep(0.02)
    client = tenant(server, graphistry.RedisTokenStore(redis_server.url, lease_s=lease_s))
    waited: list[float] = []

    def wait_for_token() -> None:
        started = time.monotonic()
        client.token()
        waited.append(time.monotonic() - started)

    waiter = threading.Thread(target=wait_for_token)
    waiter.start()
    time.sleep(0.3)  # the waiter is now waiting on the holder's lock
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    waiter.join(30)
    server.clear_faults()
    assert 1 == len(waited)
    # The lease, plus one login, plus slack for a loaded machine.
    assert True is (waited[0] < lease_s + 3.0)
    assert 1 == len(list(plain.scan_iter("*:t")))


def test_from_env_reads_the_store_url(server: LocalServer, redis_server: RedisServer) -> None:
    """GRAPHISTRY_TOKEN_STORE_URL gives env-built clients a shared RedisTokenStore."""
    env = {
        "GRAPHISTRY_USERNAME": "ten",
        "GRAPHISTRY_PASSWORD": "ten-pw",
        "GRAPHISTRY_HOSTNAME": server.server,
        "GRAPHISTRY_PROTOCOL": "http",
        "GRAPHISTRY_TOKEN_STORE_URL": redis_server.url,
    }
    for _ in range(3):
        plot(graphistry.Client.from_env(env))
    assert 1 == counts(server)["login"]


def test_api_key_clients_share_by_default(redis_server: RedisServer) -> None:
    """ClientAPIKey uses the store when given one: three clients, one key login; Redis
    holds neither the key id, the secret, the org nor a JWT in clear."""
    with LocalServer(users=USERS, personal_keys=["ten:ten-key:ten-secret"]) as srv:
        for _ in range(3):
            plot(graphistry.ClientAPIKey("ten-key", "ten-secret", server=srv.server,
                                         protocol="http", token_store=graphistry.RedisTokenStore(redis_server.url)))  # fmt: skip
        assert 1 == len([r for r in settled_log(srv) if r.path == "/api/v2/auth/pkey/jwt/"])
    dump = redis_server.dump()
    for clear in (b"ten-key", b"ten-secret", b"tenorg", b"eyJ"):
        assert clear not in dump


def test_jwt_client_needs_an_explicit_opt_in(
    server: LocalServer, redis_server: RedisServer
) -> None:
    """ClientJWT given a store without token_store_secret is a ConfigError naming the opt-in."""
    token = tenant(server, None).token()
    with pytest.raises(ConfigError, match="token_store_secret"):
        graphistry.ClientJWT(token, server=server.server, protocol="http",
                             token_store=graphistry.RedisTokenStore(redis_server.url))  # fmt: skip


def test_opted_in_jwt_clients_refresh_once(server: LocalServer, redis_server: RedisServer) -> None:
    """Three ClientJWTs holding one token and one token_store_secret: in the refresh
    window, one refresh between them."""
    server.token_ttl = 4
    token = tenant(server, None).token()
    clients = [
        graphistry.ClientJWT(
            token,
            server=server.server,
            protocol="http",
            token_store=graphistry.RedisTokenStore(redis_server.url),
            token_store_secret="fleet-secret",
        )
        for _ in range(3)
    ]
    server.clear_request_log()
    time.sleep(2.3)
    for c in clients:
        plot(c)
    assert 1 == counts(server)["refresh"]


def test_reprs_show_no_secret(redis_server: RedisServer) -> None:
    """A store URL's password never shows in the store's or the client's repr."""
    store = graphistry.RedisTokenStore(f"redis://:hunter2pw@127.0.0.1:{redis_server.port}/0")
    client = graphistry.ClientUserPass("ten", "ten-pw", server="h:1", token_store=store)
    assert "hunter2pw" not in repr(store) + repr(client)


def test_explicit_refresh_is_shared(server: LocalServer) -> None:
    """refresh() gives a newer token; a second client's refresh() adopts it (one refresh)."""
    store = graphistry.MemoryTokenStore()
    first, second = tenant(server, store), tenant(server, store)
    old = first.token()
    assert old == second.token()
    server.clear_request_log()
    time.sleep(1.1)  # a refreshed token differs from the old one (its iat moves on)
    new = first.refresh()
    assert (True, new) == (new != old, second.refresh())
    assert {"refresh": 1} == dict(counts(server))


def test_a_token_store_must_be_a_store() -> None:
    """Anything but a TokenStore (a URL string, say) is a ConfigError naming the fix."""
    with pytest.raises(ConfigError, match="RedisTokenStore"):
        graphistry.ClientUserPass("ten", "pw", server="h:1", token_store="redis://h:6379")  # type: ignore[arg-type]


def test_from_env_jwt_ignores_the_store_without_the_opt_in(redis_server: RedisServer) -> None:
    """A token-only environment with a store URL but no GRAPHISTRY_TOKEN_STORE_SECRET
    builds a plain ClientJWT (no ConfigError); with the secret, a sharing one."""
    from graphistry_fp.interpreters.shared_cache import SharedTokenCache

    env = {"GRAPHISTRY_API_TOKEN": "eyJ.a.b", "GRAPHISTRY_HOSTNAME": "h:1",
           "GRAPHISTRY_TOKEN_STORE_URL": redis_server.url}  # fmt: skip
    plain = graphistry.Client.from_env(env)
    shared = graphistry.Client.from_env({**env, "GRAPHISTRY_TOKEN_STORE_SECRET": "s3cret"})
    assert (False, True) == (
        isinstance(plain._tokens, SharedTokenCache),  # type: ignore[attr-defined]
        isinstance(shared._tokens, SharedTokenCache),  # type: ignore[attr-defined]
    )


def test_opted_in_sso_clients_share_one_sign_in(server: LocalServer) -> None:
    """Two ClientSSOs opted in with one token_store_secret: the first signs in (one auth
    URL), the second adopts its token and shows no URL at all."""
    server.sso_auto_approve = "ten"
    store = graphistry.MemoryTokenStore()
    urls: list[str] = []
    clients = [
        graphistry.ClientSSO(
            server=server.server,
            protocol="http",
            on_auth_url=urls.append,
            token_store=store,
            token_store_secret="fleet-secret",
        )
        for _ in range(2)
    ]
    tokens = {c.token() for c in clients}
    assert (1, 1) == (len(urls), len(tokens))
