"""The TokenStore contract, held by MemoryTokenStore and RedisTokenStore alike."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from graphistry_fp.interpreters.redis_store import RedisTokenStore
from graphistry_fp.interpreters.tokenstore import (
    Lease,
    MemoryTokenStore,
    StoreEntry,
    TokenStore,
)
from tests.support.redis_server import RedisServer


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[TokenStore]:
    """Each store implementation, empty."""
    if request.param == "memory":
        yield MemoryTokenStore()
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    redis_store = RedisTokenStore(server.url)
    yield redis_store
    redis_store.close()


def held(store: TokenStore, lease_s: float = 5) -> Lease:
    """A lease of key ``k`` that the store must grant."""
    lease = store.lock("k", lease_s=lease_s)
    assert lease is not None
    return lease


def written(store: TokenStore, value: bytes) -> Lease:
    """``value`` written to ``k`` (30 s TTL) under a lease then released: that lease."""
    lease = held(store)
    assert True is store.set("k", value, fence=lease.fence, ttl_s=30)
    store.unlock(lease)
    return lease


def test_is_a_token_store(store: TokenStore) -> None:
    """Both implementations satisfy the runtime-checkable Protocol."""
    assert True is isinstance(store, TokenStore)


def test_get_of_absent_key_is_none(store: TokenStore) -> None:
    """A key never written reads as None."""
    assert None is store.get("nothing-here")


def test_set_under_a_lease_then_get(store: TokenStore) -> None:
    """The holder of the lease writes; a read returns the bytes and the lease's fence."""
    lease = held(store)
    assert True is store.set("k", b"\x00sealed\xff", fence=lease.fence, ttl_s=30)
    assert StoreEntry(value=b"\x00sealed\xff", fence=lease.fence) == store.get("k")


def test_lock_is_exclusive_until_released(store: TokenStore) -> None:
    """A second lock of a held key fails; after unlock it succeeds with a higher fence."""
    first = held(store)
    assert None is store.lock("k", lease_s=5)
    store.unlock(first)
    second = held(store)
    assert True is (second.fence > first.fence)


def test_locks_of_different_keys_are_independent(store: TokenStore) -> None:
    """Holding one key's lock does not block another key's."""
    assert store.lock("a", lease_s=5) is not None
    assert store.lock("b", lease_s=5) is not None


def test_lease_lapses(store: TokenStore) -> None:
    """A lease not released lapses after lease_s: another holder gets the lock."""
    first = held(store, lease_s=0.2)
    assert None is store.lock("k", lease_s=0.2)
    time.sleep(0.3)
    second = held(store)
    assert True is (second.fence > first.fence)


def test_unlock_by_a_lapsed_holder_does_not_free_the_new_lease(store: TokenStore) -> None:
    """Compare-and-delete: a holder whose lease lapsed cannot release its successor's."""
    first = held(store, lease_s=0.2)
    time.sleep(0.3)
    held(store)  # the successor's lease
    store.unlock(first)
    assert None is store.lock("k", lease_s=5)


def test_late_writer_never_overwrites_a_newer_token(store: TokenStore) -> None:
    """Fencing: a holder whose lease lapsed and writes after its successor is refused."""
    late = held(store, lease_s=0.2)
    time.sleep(0.3)
    newer = held(store)
    assert True is store.set("k", b"newer", fence=newer.fence, ttl_s=30)
    assert False is store.set("k", b"late", fence=late.fence, ttl_s=30)
    assert StoreEntry(value=b"newer", fence=newer.fence) == store.get("k")


def test_late_writer_refused_even_before_the_newer_writes(store: TokenStore) -> None:
    """Only the newest lease writes: a lapsed holder is refused once a newer lease exists."""
    late = held(store, lease_s=0.2)
    time.sleep(0.3)
    assert store.lock("k", lease_s=5) is not None
    assert False is store.set("k", b"late", fence=late.fence, ttl_s=30)
    assert None is store.get("k")


def test_entry_expires_with_its_ttl(store: TokenStore) -> None:
    """An entry is gone once its TTL has passed."""
    lease = held(store)
    store.set("k", b"v", fence=lease.fence, ttl_s=0.2)
    time.sleep(0.3)
    assert None is store.get("k")


def test_delete_evicts_only_the_named_fence(store: TokenStore) -> None:
    """delete(fence=old) leaves a newer entry; delete(fence=current) evicts it."""
    first = written(store, b"old")
    second = held(store)
    store.set("k", b"new", fence=second.fence, ttl_s=30)
    store.delete("k", fence=first.fence)
    assert StoreEntry(value=b"new", fence=second.fence) == store.get("k")
    store.delete("k", fence=second.fence)
    assert None is store.get("k")


def test_fences_stay_above_a_stored_entry(store: TokenStore) -> None:
    """A new lease's fence is above the stored entry's, so the next holder can replace it."""
    lease = written(store, b"v")
    again = held(store)
    assert True is (again.fence > lease.fence)
    assert True is store.set("k", b"w", fence=again.fence, ttl_s=30)


def test_repr_shows_no_value(store: TokenStore) -> None:
    """A lease's repr hides its token; an entry's hides its value."""
    lease = held(store)
    assert lease.token not in repr(lease)
    assert "secretbytes" not in repr(StoreEntry(value=b"secretbytes", fence=1))
