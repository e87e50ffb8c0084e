"""``RedisTokenStore``: the :class:`~.tokenstore.TokenStore` of a fleet, on redis-py.

Theory of operation. Each key name ``N`` (a keyed hash, see :mod:`.sealing`) uses three
Redis keys, all with the hash tag ``{N}`` so a Redis Cluster keeps them in one slot:

* ``PREFIX:{N}:t``: the entry, a hash ``{v: ciphertext, f: fence}`` expiring with its token;
* ``PREFIX:{N}:l``: the lock, ``SET NX PX lease`` holding the holder's random token;
* ``PREFIX:{N}:f``: the fence counter, incremented with every lease.

Taking the lock and incrementing the fence is one Lua script (so a fence always belongs to
exactly one lease, and is above the stored entry's even if the counter was lost); a write
is one Lua script that accepts only the newest lease's fence; release and eviction are
compare-and-delete scripts. Anything in those keys that this library did not write (another
type, a non-number, a lock without expiry) is treated as absent and replaced.

Every call has a short socket timeout and no retry: a store that does not answer quickly is
treated as down (:class:`~.tokenstore.StoreUnavailableError`) and the client logs in by
itself. Only :class:`~.tokenstore.TokenStoreError` leaves this module.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from graphistry_fp.errors import ConfigError

from .tokenstore import (
    Lease,
    StoreEntry,
    StoreReplyError,
    StoreUnavailableError,
    TokenStoreError,
)

T = TypeVar("T")

#: How long a lock holder may take to log in before another process may take over.
DEFAULT_LEASE_S = 10.0
#: Connect and read timeout of every Redis call.
DEFAULT_TIMEOUT_S = 0.5
#: The fence counter outlives any token (it only needs to outlive the entries it guards).
_FENCE_TTL_MS = 7 * 24 * 3600 * 1000

_LOCK = """
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('DEL', KEYS[1]) end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local f = redis.pcall('INCR', KEYS[2])
if type(f) == 'table' then
  redis.call('DEL', KEYS[2])
  f = redis.call('INCR', KEYS[2])
end
local cur = 0
if redis.call('TYPE', KEYS[3]).ok == 'hash' then
  cur = tonumber(redis.call('HGET', KEYS[3], 'f')) or 0
end
if f <= cur then
  f = cur + 1
  redis.call('SET', KEYS[2], f)
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return f
"""

_SET = """
local g = redis.pcall('GET', KEYS[2])
local newest = 0
if type(g) == 'string' then newest = tonumber(g) or 0 end
local want = tonumber(ARGV[2])
if want < newest then return 0 end
if redis.call('TYPE', KEYS[1]).ok == 'hash' then
  local cur = tonumber(redis.call('HGET', KEYS[1], 'f')) or 0
  if cur > want then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'f', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""

_UNLOCK = """
local held = redis.pcall('GET', KEYS[1])
if held == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_DELETE = """
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'f')) == tonumber(ARGV[1]) then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def _safe_url(url: str) -> str:
    """``url`` without its user and password (for ``repr`` and messages)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparsable url>"
    return f"{parts.scheme}://{host}{port}{parts.path}"


class RedisTokenStore:
    """A token store in Redis, shared by every process of a fleet (the ``redis`` extra).

    Args:
        url: a redis-py URL (``redis://host:6379/0``, ``rediss://...``, ``unix://...``);
            a password in it is used but never shown.
        prefix: the first part of every key this store writes (``PREFIX:{...}:t``).
        lease_s: how long a lock holder may take to log in before another process may
            take over (it should exceed one login's duration).
        timeout_s: connect and read timeout of each Redis call; a slower Redis counts as
            down, and clients log in by themselves until it answers again.

    Raises:
        ConfigError: ``redis`` is not installed, or the URL or a number is invalid.

    Example:
        >>> store = RedisTokenStore("redis://127.0.0.1:6379/0")  # doctest: +SKIP
        >>> ClientUserPass("alice", "pw", token_store=store)  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "graphistry_fp",
        lease_s: float = DEFAULT_LEASE_S,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if not isinstance(url, str) or not url.strip():
            raise ConfigError("RedisTokenStore url must be a non-empty string like redis://host:6379/0")
        if not isinstance(prefix, str) or not prefix or any(c in prefix for c in "{} \n"):
            raise ConfigError("prefix must be a non-empty string without braces or spaces")
        for what, value in (("lease_s", lease_s), ("timeout_s", timeout_s)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ConfigError(f"{what} must be a positive number of seconds, got {value!r}")
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:  # pragma: no cover - the extra is installed in every test run
            raise ConfigError(
                "RedisTokenStore needs redis-py: pip install 'graphistry_fp[redis]'"
            ) from None
        self._url = _safe_url(url.strip())
        self.prefix = prefix
        self.lease_s = float(lease_s)
        self.timeout_s = float(timeout_s)
        try:
            self._redis: Any = redis.Redis.from_url(
                url.strip(),
                socket_timeout=self.timeout_s,
                socket_connect_timeout=self.timeout_s,
                retry=Retry(NoBackoff(), 0),
                retry_on_timeout=False,
                decode_responses=False,
            )
        except ValueError as error:
            raise ConfigError(f"invalid Redis URL {self._url}: {error}") from None
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._unavailable: tuple[type[BaseException], ...] = (
            redis.ConnectionError,
            redis.TimeoutError,
            OSError,
        )
        self._lock = self._redis.register_script(_LOCK)
        self._set = self._redis.register_script(_SET)
        self._unlock = self._redis.register_script(_UNLOCK)
        self._delete = self._redis.register_script(_DELETE)

    def _keys(self, key: str) -> tuple[str, str, str]:
        base = f"{self.prefix}:{{{key}}}"
        return f"{base}:t", f"{base}:l", f"{base}:f"

    def _call(self, what: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except TokenStoreError:
            raise
        except self._unavailable as error:
            raise StoreUnavailableError(
                f"Redis token store {self._url} unavailable during {what}: {type(error).__name__}"
            ) from None
        except self._errors as error:
            raise StoreReplyError(
                f"Redis token store {self._url} refused {what}: {type(error).__name__}"
            ) from None

    def get(self, key: str) -> StoreEntry | None:
        """The entry under ``key``, or None (absent, expired, or not written by us)."""
        entry, _, _ = self._keys(key)

        def read() -> StoreEntry | None:
            if self._redis.type(entry) != b"hash":
                return None
            value, fence = self._redis.hmget(entry, ["v", "f"])
            if not isinstance(value, bytes) or not isinstance(fence, bytes):
                return None
            try:
                number = int(fence)
            except ValueError:
                return None
            return StoreEntry(value=value, fence=number)

        return self._call("get", read)

    def set(self, key: str, value: bytes, *, fence: int, ttl_s: float) -> bool:
        """Store ``value`` for ``ttl_s`` seconds if ``fence`` is the newest lease's."""
        entry, _, counter = self._keys(key)
        ttl_ms = max(1, int(ttl_s * 1000))
        done = self._call(
            "set", lambda: self._set(keys=[entry, counter], args=[value, fence, ttl_ms])
        )
        return bool(done)

    def lock(self, key: str, *, lease_s: float) -> Lease | None:
        """Take the lock of ``key`` for ``lease_s`` seconds, or None if held."""
        entry, lock, counter = self._keys(key)
        token = secrets.token_hex(16)
        lease_ms = max(1, int(lease_s * 1000))
        fence = self._call(
            "lock",
            lambda: self._lock(keys=[lock, counter, entry], args=[token, lease_ms, _FENCE_TTL_MS]),
        )
        if not isinstance(fence, int) or fence <= 0:
            return None
        return Lease(key=key, token=token, fence=fence)

    def unlock(self, lease: Lease) -> None:
        """Release ``lease`` if still held by it (compare-and-delete)."""
        _, lock, _ = self._keys(lease.key)
        self._call("unlock", lambda: self._unlock(keys=[lock], args=[lease.token]))

    def delete(self, key: str, *, fence: int) -> None:
        """Evict the entry under ``key`` if it was written under ``fence``."""
        entry, _, _ = self._keys(key)
        self._call("delete", lambda: self._delete(keys=[entry], args=[fence]))

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()

    def __repr__(self) -> str:
        return f"RedisTokenStore({self._url!r}, prefix={self.prefix!r})"
