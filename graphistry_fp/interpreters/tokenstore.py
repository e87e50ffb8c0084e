"""``TokenStore``: where the processes of a fleet share their tokens (DESIGN.md section 3).

Theory of operation. A store holds *entries* under opaque key names: an entry is opaque
bytes (already encrypted by the caller, see :mod:`.sealing`) plus a *fence*, an integer
handed out by the store with every lock. The lock is a lease: :meth:`TokenStore.lock` gives
at most one holder per key at a time, and the lease lapses by itself after ``lease_s``, so
a holder that dies (SIGKILL, lost machine) is replaced. Fencing makes the replacement safe:
every lease gets a fence higher than every earlier lease of that key, and :meth:`set`
accepts a write only from the newest lease, so a holder that lost its lease and writes late
never overwrites a newer token. :meth:`delete` evicts an entry only if it is still the one
written under a given fence (the token the server refused), never a newer one.

Stores raise only :class:`TokenStoreError` (and its subclasses) on failure, never the
library's own exceptions (redis-py's, ...): the client catches them and falls back to its
own login. A store never sees a secret: key names are keyed hashes and values ciphertext.

:class:`MemoryTokenStore` is the in-process implementation: the clients of one process that
share one instance share their tokens, with the same rules as the Redis store.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import attrs

from graphistry_fp.errors import ConfigError


class TokenStoreError(Exception):
    """A store could not answer (unreachable, too slow, or a reply it cannot read).

    Internal: clients catch it and degrade to their own login; it never reaches a plot.
    Its message never contains a key name's secret material, a value or a credential.
    """


class StoreUnavailableError(TokenStoreError):
    """The store cannot be reached, or did not answer within its timeout."""


class StoreReplyError(TokenStoreError):
    """The store answered something this library did not write (garbage, a wrong type)."""


@attrs.frozen
class StoreEntry:
    """One stored entry.

    Attributes:
        value: the opaque (encrypted) bytes; never shown by ``repr``.
        fence: the fence of the lease it was written under.
    """

    value: bytes = attrs.field(repr=False)
    fence: int


@attrs.frozen
class Lease:
    """A held lock: who holds it (a random token) and the fence writes must carry.

    Attributes:
        key: the key name the lock is for.
        token: a random value identifying this holder (never shown by ``repr``).
        fence: strictly greater than the fence of every earlier lease of ``key``.
    """

    key: str
    token: str = attrs.field(repr=False)
    fence: int


@runtime_checkable
class TokenStore(Protocol):
    """What a client needs from a shared token store. Implementations must be thread-safe.

    Every method raises only :class:`TokenStoreError` on failure.
    """

    def get(self, key: str) -> StoreEntry | None:
        """The entry under ``key``, or None (absent, expired, or not an entry)."""

    def set(self, key: str, value: bytes, *, fence: int, ttl_s: float) -> bool:
        """Store ``value`` for ``ttl_s`` seconds if ``fence`` is the newest lease's.

        Returns:
            True if written; False if a newer lease exists or a newer entry is stored.
        """

    def lock(self, key: str, *, lease_s: float) -> Lease | None:
        """Take the lock of ``key`` for ``lease_s`` seconds; None if someone holds it."""

    def unlock(self, lease: Lease) -> None:
        """Release ``lease`` if it is still held by its holder (else do nothing)."""

    def delete(self, key: str, *, fence: int) -> None:
        """Evict the entry under ``key`` if it was written under ``fence``."""


class MemoryTokenStore:
    """A :class:`TokenStore` in this process's memory (thread-safe).

    Clients given the same instance share their tokens as a fleet sharing Redis does: one
    login per (server, principal, org) however many clients need it. Without any store, a
    client keeps its token in its own cache, as before.

    Args:
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._guard = threading.Lock()
        self._entries: dict[str, tuple[StoreEntry, float]] = {}
        self._locks: dict[str, tuple[str, float]] = {}
        self._fences: dict[str, int] = {}

    def get(self, key: str) -> StoreEntry | None:
        """The entry under ``key``, or None."""
        with self._guard:
            found = self._entries.get(key)
            if found is None:
                return None
            if self._clock() >= found[1]:
                del self._entries[key]
                return None
            return found[0]

    def set(self, key: str, value: bytes, *, fence: int, ttl_s: float) -> bool:
        """Store ``value`` if ``fence`` is the newest lease's (see :class:`TokenStore`)."""
        with self._guard:
            if fence < self._fences.get(key, 0):
                return False
            current = self._entries.get(key)
            if current is not None and current[0].fence > fence:
                return False
            self._entries[key] = (StoreEntry(bytes(value), fence), self._clock() + ttl_s)
            return True

    def lock(self, key: str, *, lease_s: float) -> Lease | None:
        """Take the lock of ``key`` for ``lease_s`` seconds, or None if held."""
        with self._guard:
            now = self._clock()
            held = self._locks.get(key)
            if held is not None and now < held[1]:
                return None
            entry = self._entries.get(key)
            floor = entry[0].fence if entry is not None else 0
            fence = max(self._fences.get(key, 0), floor) + 1
            self._fences[key] = fence
            token = secrets.token_hex(16)
            self._locks[key] = (token, now + lease_s)
            return Lease(key=key, token=token, fence=fence)

    def unlock(self, lease: Lease) -> None:
        """Release ``lease`` if still held by it."""
        with self._guard:
            held = self._locks.get(lease.key)
            if held is not None and held[0] == lease.token:
                del self._locks[lease.key]

    def delete(self, key: str, *, fence: int) -> None:
        """Evict the entry under ``key`` if it was written under ``fence``."""
        with self._guard:
            current = self._entries.get(key)
            if current is not None and current[0].fence == fence:
                del self._entries[key]

    def __repr__(self) -> str:
        return "MemoryTokenStore()"


def check_store(value: object) -> TokenStore | None:
    """``value`` as a client's ``token_store=`` argument: None or a :class:`TokenStore`.

    Raises:
        ConfigError: anything else.
    """
    if value is None or isinstance(value, TokenStore):
        return value
    raise ConfigError(
        f"token_store must be a TokenStore (RedisTokenStore, MemoryTokenStore, or an object "
        f"with get, set, lock, unlock and delete), got {type(value).__name__}"
    )


def check_opt_in(store: object, secret: object, client: str) -> tuple[TokenStore, str] | None:
    """The store and secret of a client that uses a store only when opted in (ClientJWT,
    ClientSSO): both or neither.

    Raises:
        ConfigError: one without the other, or a blank secret.
    """
    checked = check_store(store)
    if checked is None and secret is None:
        return None
    if checked is None:
        raise ConfigError("token_store_secret is only used with token_store=")
    if secret is None:
        raise ConfigError(
            f"{client} shares its token through a store only when you opt in: pass "
            "token_store_secret=... as well (a secret every process of the fleet holds; the "
            "entry key is derived from it). See the README, 'Running a fleet'."
        )
    if not isinstance(secret, str) or not secret.strip():
        raise ConfigError("token_store_secret must be a non-empty string")
    return checked, secret
