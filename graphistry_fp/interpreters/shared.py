"""Fleet-wide single flight over a :class:`~.tokenstore.TokenStore` (DESIGN.md section 3).

Theory of operation. A client that holds credentials and a store asks
:meth:`SharedTokens.obtain` whenever its own cache has no usable token. ``obtain`` first reads
the store: a usable entry (fresh, and not a token the caller just saw refused) is adopted with
no request to the Graphistry server. Otherwise it takes the store's lease lock for the entry
and reads again (another process may have written meanwhile); only then does it run the
caller's ``renew`` (one refresh or login), write the result under the lease's fence, and
release the lock. Processes that find the lock held poll the store until the new entry
appears or the lock frees (a dead holder's lease lapses), so for one (server, principal,
org) at most one login or refresh is in flight across the fleet, and no process waits past
the lease plus one login.

Degradation. Any failure of the store (down, slow, garbage replies; a third-party store's
exception) never fails the caller: the client renews by itself, a warning is issued once per
process, and this object leaves the store alone for :data:`RETRY_S` seconds before trying it
again. An entry that does not decrypt (garbage, another credential's) reads as absent and the
next holder replaces it.
"""

from __future__ import annotations

import random
import threading
import time
import warnings
from collections.abc import Callable
from typing import TypeVar

import attrs
import jwt

from graphistry_fp.errors import TokenStoreWarning

from .sealing import Sealed, SlotKeys, seal, slot_keys, unseal
from .tokenstore import Lease, TokenStore

__all__ = ["SharedToken", "SharedTokens", "TokenStoreWarning"]

T = TypeVar("T")

#: Seconds a client leaves a failed store alone before trying it again.
RETRY_S = 15.0
#: Lease of the store lock when the store does not say (``store.lease_s``).
DEFAULT_LEASE_S = 10.0
#: Entry lifetime when the token has no readable ``exp``.
DEFAULT_TTL_S = 3600.0
#: How often a waiting process looks at the store (seconds, jittered).
POLL_S = 0.02

_warned = threading.Lock()
_warned_done = False


def _warn_once(error: BaseException) -> None:
    global _warned_done
    with _warned:
        if _warned_done:
            return
        _warned_done = True
    warnings.warn(
        f"token store unavailable ({type(error).__name__}: {error}); this process logs in "
        f"by itself and tries the store again in {RETRY_S:.0f} s (warned once per process)",
        TokenStoreWarning,
        stacklevel=2,
    )


def _reset_warning() -> None:
    """Let the next store failure warn again (tests)."""
    global _warned_done
    with _warned:
        _warned_done = False


@attrs.frozen
class SharedToken:
    """A token as the fleet knows it.

    Attributes:
        token: the JWT (never shown by ``repr``).
        org_name: the org it is for.
        fence: the store fence it was written under; None when it was not shared (the
            store was down, or a wait ran out).
    """

    token: str = attrs.field(repr=False)
    org_name: str | None
    fence: int | None = None


def _ttl(token: str) -> float:
    """Seconds until ``token``'s ``exp`` (unverified), or :data:`DEFAULT_TTL_S`."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": False})
    except jwt.PyJWTError:
        return DEFAULT_TTL_S
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        return DEFAULT_TTL_S
    return float(exp) - time.time()


class _StoreDown(Exception):
    """The store failed during this call; carries the original error."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class SharedTokens:
    """One client's access to the tokens its fleet shares.

    Args:
        store: the shared store.
        server: ``host[:port]`` (part of the entry's name).
        principal: the username or personal-key id (hashed into the name, never stored).
        secret: the password or key secret the entry key is derived from (never stored).
        lease_s: the lock lease (default: ``store.lease_s`` or :data:`DEFAULT_LEASE_S`).
        clock, sleep: monotonic time and sleep; injectable for tests.
    """

    def __init__(
        self,
        store: TokenStore,
        *,
        server: str,
        principal: str,
        secret: str,
        lease_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._server = server
        self._principal = principal
        self._secret = secret
        store_lease = getattr(store, "lease_s", None)
        self.lease_s = float(
            lease_s
            if lease_s is not None
            else store_lease
            if isinstance(store_lease, int | float) and store_lease > 0
            else DEFAULT_LEASE_S
        )
        self._clock = clock
        self._sleep = sleep
        self._retry_at = 0.0
        self._keys: dict[str | None, SlotKeys] = {}
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"SharedTokens({self._store!r})"

    def _slot(self, org_name: str | None) -> SlotKeys:
        with self._guard:
            keys = self._keys.get(org_name)
        if keys is None:
            keys = slot_keys(
                server=self._server,
                principal=self._principal,
                org_name=org_name,
                secret=self._secret,
            )
            with self._guard:
                self._keys[org_name] = keys
        return keys

    def prepare(self, org_name: str | None) -> None:
        """Derive the keys of ``org_name``'s entry now (CPU only, no store access)."""
        self._slot(org_name)

    @property
    def available(self) -> bool:
        """False while the store is being left alone after a failure."""
        return self._clock() >= self._retry_at

    def _use(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except Exception as error:  # any store's failure: degrade, never fail the caller
            self._retry_at = self._clock() + RETRY_S
            _warn_once(error)
            raise _StoreDown(error) from None

    def _read(self, keys: SlotKeys) -> SharedToken | None:
        entry = self._use(lambda: self._store.get(keys.name))
        if entry is None:
            return None
        opened = unseal(keys, entry.value)
        if opened is None:
            return None
        return SharedToken(token=opened.token, org_name=opened.org_name, fence=entry.fence)

    def read(self, org_name: str | None) -> SharedToken | None:
        """The fleet's entry for ``org_name``, or None (absent, unreadable, store down)."""
        if not self.available:
            return None
        try:
            return self._read(self._slot(org_name))
        except _StoreDown:
            return None

    def obtain(
        self,
        org_name: str | None,
        *,
        usable: Callable[[SharedToken], bool],
        renew: Callable[[SharedToken | None], SharedToken],
    ) -> SharedToken:
        """A usable token for ``org_name``: the fleet's, or one renewal shared with it.

        Args:
            org_name: the org slot (the client's configured org; None for the default org).
            usable: whether an entry may be used as is (fresh, not a refused token).
            renew: one refresh or login, given the newest entry (possibly None); its
                errors propagate (the lock is released first).
        """
        if not self.available:
            return renew(None)
        keys = self._slot(org_name)
        deadline = self._clock() + self.lease_s + 2.0
        try:
            while True:
                found = self._read(keys)
                if found is not None and usable(found):
                    return found
                lease = self._use(lambda: self._store.lock(keys.name, lease_s=self.lease_s))
                if lease is not None:
                    return self._as_holder(keys, lease, usable, renew)
                if self._clock() >= deadline:
                    # Waited past a lease and a login: renew alone, share nothing.
                    return attrs.evolve(renew(found), fence=None)
                self._sleep(POLL_S * (0.5 + random.random()))
        except _StoreDown:
            return attrs.evolve(renew(None), fence=None)

    def _as_holder(
        self,
        keys: SlotKeys,
        lease: Lease,
        usable: Callable[[SharedToken], bool],
        renew: Callable[[SharedToken | None], SharedToken],
    ) -> SharedToken:
        try:
            try:
                found = self._read(keys)
            except _StoreDown:
                found = None
            if found is not None and usable(found):
                return found
            new = renew(found)
            ttl = _ttl(new.token)
            if ttl <= 0:
                return attrs.evolve(new, fence=None)
            blob = seal(keys, Sealed(token=new.token, org_name=new.org_name))
            try:
                written = self._use(
                    lambda: self._store.set(keys.name, blob, fence=lease.fence, ttl_s=ttl)
                )
            except _StoreDown:
                written = False
            return attrs.evolve(new, fence=lease.fence if written else None)
        finally:
            try:
                self._use(lambda: self._store.unlock(lease))
            except _StoreDown:
                pass  # the lease lapses by itself

    def evict(self, org_name: str | None, stale: SharedToken) -> None:
        """Evict ``stale`` (a token the server refused) for the whole fleet, if still stored."""
        if stale.fence is None or not self.available:
            return
        keys = self._slot(org_name)
        fence = stale.fence
        try:
            self._use(lambda: self._store.delete(keys.name, fence=fence))
        except _StoreDown:
            pass
