"""Fleet-wide single flight (SharedTokens) over real stores, threads and processes."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
import redis

from graphistry_fp.interpreters import shared as shared_module
from graphistry_fp.interpreters.redis_store import RedisTokenStore
from graphistry_fp.interpreters.shared import SharedToken, SharedTokens, TokenStoreWarning
from graphistry_fp.interpreters.tokenstore import MemoryTokenStore, TokenStore
from tests.fleet.workers import fake_token
from tests.support.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
_NUMBERS = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_warning() -> None:
    """Each test may see the once-per-process store warning afresh."""
    shared_module._reset_warning()


def fleet_member(store: TokenStore, secret: str = "alice-pw", **kwargs: Any) -> SharedTokens:
    """One process's view of the store, as alice on a fixed server."""
    return SharedTokens(store, server="srv:1", principal="alice", secret=secret, **kwargs)


class Renewals:
    """A renewal callback that counts its calls and issues distinct fresh tokens."""

    def __init__(self, hold_s: float = 0.0) -> None:
        self.calls = 0
        self.seen: list[SharedToken | None] = []
        self.hold_s = hold_s
        self._guard = threading.Lock()

    def __call__(self, found: SharedToken | None) -> SharedToken:
        with self._guard:
            self.calls += 1
            self.seen.append(found)
        time.sleep(self.hold_s)
        return SharedToken(token=fake_token(next(_NUMBERS)), org_name="acme")


def always(entry: SharedToken) -> bool:
    """Every stored entry is usable."""
    return True


def test_threads_of_separate_members_renew_once() -> None:
    """Eight members (as eight processes would) needing a token at once: one renewal."""
    store = MemoryTokenStore()
    renew = Renewals(hold_s=0.2)
    results: list[SharedToken] = []
    members = [fleet_member(store) for _ in range(8)]
    threads = [
        threading.Thread(
            target=lambda m=m: results.append(m.obtain("acme", usable=always, renew=renew))
        )
        for m in members
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 == renew.calls
    assert 1 == len({r.token for r in results})


def test_a_usable_entry_is_adopted_without_renewal() -> None:
    """Once one member has renewed, the others read the entry and renew nothing."""
    store = MemoryTokenStore()
    first = fleet_member(store).obtain("acme", usable=always, renew=Renewals())
    renew = Renewals()
    again = fleet_member(store).obtain("acme", usable=always, renew=renew)
    assert (0, first.token, first.fence) == (renew.calls, again.token, again.fence)


def test_unusable_entry_is_renewed_from_it() -> None:
    """A stored entry that is not usable (stale) is handed to the one renewal."""
    store = MemoryTokenStore()
    first = fleet_member(store).obtain("acme", usable=always, renew=Renewals())
    renew = Renewals()
    new = fleet_member(store).obtain("acme", usable=lambda e: e.token != first.token, renew=renew)
    assert 1 == renew.calls
    assert first == renew.seen[0]
    assert first.token != new.token


def test_evict_removes_only_the_refused_token() -> None:
    """Evicting a refused token empties the slot; evicting an older one keeps the newer."""
    store = MemoryTokenStore()
    member = fleet_member(store)
    old = member.obtain("acme", usable=always, renew=Renewals())
    new = member.obtain("acme", usable=lambda e: e.token != old.token, renew=Renewals())
    member.evict("acme", old)
    assert new == member.read("acme")
    member.evict("acme", new)
    assert None is member.read("acme")


def test_wrong_secret_sees_nothing_and_writes_elsewhere() -> None:
    """A member with another secret never reads the right entry and never replaces it."""
    store = MemoryTokenStore()
    good = fleet_member(store).obtain("acme", usable=always, renew=Renewals())
    wrong = fleet_member(store, secret="wrong-pw")
    assert None is wrong.read("acme")
    renew = Renewals()
    wrong.obtain("acme", usable=always, renew=renew)
    assert 1 == renew.calls
    assert good == fleet_member(store).read("acme")


def test_orgs_are_separate_slots() -> None:
    """Tokens of two orgs of one principal are two entries."""
    store = MemoryTokenStore()
    member = fleet_member(store)
    member.obtain("acme", usable=always, renew=Renewals())
    assert None is member.read("other")


def test_renewal_error_releases_the_lock() -> None:
    """A renewal that raises leaves the lock free: the next member renews at once."""
    store = MemoryTokenStore()

    def fail(found: SharedToken | None) -> SharedToken:
        raise RuntimeError("login refused")

    with pytest.raises(RuntimeError):
        fleet_member(store).obtain("acme", usable=always, renew=fail)
    renew = Renewals()
    fleet_member(store, lease_s=60).obtain("acme", usable=always, renew=renew)
    assert 1 == renew.calls


class BrokenStore(MemoryTokenStore):
    """A store whose every call fails (a third-party store raising its own error)."""

    def get(self, key: str) -> Any:
        """Always fails."""
        raise ConnectionError("store is down")


def test_broken_store_degrades_warns_once_and_retries_later() -> None:
    """A failing store: each call renews alone, one warning, the store retried after RETRY_S."""
    now = [1000.0]
    member = fleet_member(BrokenStore(), clock=lambda: now[0])
    renew = Renewals()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = member.obtain("acme", usable=always, renew=renew)
        second = member.obtain("acme", usable=always, renew=renew)
        fleet_member(BrokenStore()).obtain("acme", usable=always, renew=renew)
    assert (3, None, None) == (renew.calls, first.fence, second.fence)
    assert 1 == len([w for w in caught if issubclass(w.category, TokenStoreWarning)])
    assert False is member.available
    now[0] += shared_module.RETRY_S
    assert True is member.available


# --- against a real redis-server -------------------------------------------------------


def spawn(*args: str) -> subprocess.Popen[str]:
    """A worker process (tests/fleet/workers.py) run from the repository root."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fleet.workers", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_processes_renew_once(redis_server: RedisServer) -> None:
    """Six processes needing alice's token at once: one renewal, one token for all."""
    plain = redis.Redis.from_url(redis_server.url)
    workers = [spawn("obtain", redis_server.url, "alice-pw", "0.5", "5") for _ in range(6)]
    time.sleep(1.0)  # let them import and wait for "go"
    plain.set("go", 1)
    outputs = [json.loads(w.communicate(timeout=60)[0]) for w in workers]
    assert b"1" == plain.get("renewals")
    assert 1 == len({o["token"] for o in outputs})


def test_lock_is_exclusive_across_processes(redis_server: RedisServer) -> None:
    """Four processes taking the same lock 15 times each are never inside together."""
    plain = redis.Redis.from_url(redis_server.url)
    workers = [spawn("exclusive", redis_server.url, "15") for _ in range(4)]
    time.sleep(1.0)
    plain.set("go", 1)
    for w in workers:
        w.communicate(timeout=120)
    assert (b"60", None) == (plain.get("entries"), plain.get("overlaps"))


def test_killed_holder_is_replaced_after_its_lease(redis_server: RedisServer) -> None:
    """SIGKILL of the lock holder mid-renewal: another process takes over once the lease
    lapses, and waits no longer than the lease plus one renewal (plus slack)."""
    lease_s, hold_s = 2.0, 0.3  # the bound: the lease plus one login
    plain = redis.Redis.from_url(redis_server.url)
    holder = spawn("hang", redis_server.url, "alice-pw", str(lease_s))
    plain.set("go", 1)
    deadline = time.monotonic() + 30
    while not plain.exists("holding"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    waiter = spawn("obtain", redis_server.url, "alice-pw", str(hold_s), str(lease_s))
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    out = json.loads(waiter.communicate(timeout=60)[0])
    assert b"2" == plain.get("renewals")
    assert True is (out["fence"] is not None)
    # Bounded wait (import time excluded: "waited" starts at obtain).
    assert True is (out["waited"] < lease_s + hold_s + 3.0)


def test_entries_in_redis_reveal_nothing(redis_server: RedisServer) -> None:
    """Scanning every key and value after a renewal: no username, org, secret or JWT."""
    store = RedisTokenStore(redis_server.url)
    got = fleet_member(store).obtain("acme", usable=always, renew=Renewals())
    plain = redis.Redis.from_url(redis_server.url)
    dump = b""
    for key in plain.scan_iter("*"):
        dump += key
        kind = plain.type(key)
        if kind == b"hash":
            dump += b"".join(k + v for k, v in plain.hgetall(key).items())
        elif kind == b"string":
            dump += plain.get(key) or b""
    assert b"" != dump
    for clear in (b"alice", b"acme", b"alice-pw", b"srv:1", got.token.encode(), b"eyJ"):
        assert clear not in dump


@pytest.mark.parametrize(
    "garbage",
    [
        ("hset", {"v": b"not a sealed entry", "f": b"999"}),
        ("hset", {"v": b"x", "f": b"not a number"}),
        ("set", b"a plain string where a hash belongs"),
        ("lpush", b"a list"),
    ],
)
def test_garbage_entry_is_ignored_and_replaced(
    redis_server: RedisServer, garbage: tuple[str, Any]
) -> None:
    """Whatever sits under the entry's key, the member renews once and replaces it."""
    store = RedisTokenStore(redis_server.url)
    member = fleet_member(store)
    member.obtain("acme", usable=always, renew=Renewals())
    plain = redis.Redis.from_url(redis_server.url)
    (entry_key,) = [k for k in plain.scan_iter("*:t")]
    plain.delete(entry_key)
    command, value = garbage
    if command == "hset":
        plain.hset(entry_key, mapping=value)
    else:
        getattr(plain, command)(entry_key, value)
    assert None is member.read("acme")
    renew = Renewals()
    new = fleet_member(store).obtain("acme", usable=always, renew=renew)
    assert 1 == renew.calls
    assert new == member.read("acme")


def test_garbage_lock_without_expiry_is_replaced(redis_server: RedisServer) -> None:
    """A lock key this library did not write (no expiry, another type) does not stall the
    fleet: the next member takes the lock at once and shares its renewal."""
    store = RedisTokenStore(redis_server.url)
    member = fleet_member(store)
    member.obtain("acme", usable=always, renew=Renewals())
    plain = redis.Redis.from_url(redis_server.url)
    (entry_key,) = list(plain.scan_iter("*:t"))
    lock_key = entry_key[: -len(b":t")] + b":l"
    plain.delete(entry_key)
    plain.lpush(lock_key, b"garbage")
    renew = Renewals()
    got = fleet_member(store, lease_s=60).obtain("acme", usable=always, renew=renew)
    assert (1, True) == (renew.calls, got.fence is not None)


def test_redis_stopped_then_restarted(redis_server: RedisServer) -> None:
    """Redis down: members renew alone and warn once; back up, they share again."""
    now = [1000.0]
    store = RedisTokenStore(redis_server.url)
    member = fleet_member(store, clock=lambda: now[0])
    redis_server.stop()
    renew = Renewals()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        down = member.obtain("acme", usable=always, renew=renew)
        member.obtain("acme", usable=always, renew=renew)
    assert (2, None) == (renew.calls, down.fence)
    assert 1 == len([w for w in caught if issubclass(w.category, TokenStoreWarning)])
    redis_server.start()
    now[0] += shared_module.RETRY_S
    up = member.obtain("acme", usable=always, renew=renew)
    assert True is (up.fence is not None)
    assert up == fleet_member(store).read("acme")


def test_stalled_redis_counts_as_down(redis_server: RedisServer) -> None:
    """A Redis that stops answering (SIGSTOP) costs one short timeout, then a local renewal."""
    store = RedisTokenStore(redis_server.url, timeout_s=0.3)
    member = fleet_member(store)
    assert redis_server.process is not None
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        renew = Renewals()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = member.obtain("acme", usable=always, renew=renew)
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    assert (1, None) == (renew.calls, got.fence)
    assert 1 == len([w for w in caught if issubclass(w.category, TokenStoreWarning)])
    assert "alice-pw" not in str(caught[0].message)


def test_store_errors_never_show_the_url_password() -> None:
    """A Redis that cannot be reached: the warning names the store without its password."""
    store = RedisTokenStore("redis://:hunter2pw@127.0.0.1:1/0", timeout_s=0.2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = fleet_member(store).obtain("acme", usable=always, renew=Renewals())
    messages = [str(w.message) for w in caught if issubclass(w.category, TokenStoreWarning)]
    assert (None, 1) == (got.fence, len(messages))
    assert "hunter2pw" not in messages[0]
    assert "127.0.0.1:1" in messages[0]
