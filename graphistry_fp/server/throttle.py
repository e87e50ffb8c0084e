"""Throttling of failed logins, per user name and per client address.

Every route that checks a password or a key secret (the API logins, the IdP form, the
viewer's login form) asks :meth:`LoginThrottle.check` first and reports a failure with
:meth:`LoginThrottle.failed`. Only *failed* attempts count, so a test suite logging in
hundreds of times with the right password is never slowed; once a name (or an address)
has failed ``per_user`` (``per_address``) times within ``window_s`` seconds, further
attempts are answered 429 with ``Retry-After`` (seconds until the oldest failure ages
out), right or wrong, before any password is checked.

Memory is bounded: at most :data:`MAX_TRACKED` names and addresses are remembered.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

import attrs
from starlette.requests import Request

from .errors import ApiError

MAX_TRACKED = 10_000


@attrs.define(kw_only=True)
class LoginThrottle:
    """Recent failures per key (``user:<name>``, ``addr:<host>``); thread-safe."""

    enabled: bool = True
    per_user: int = 10
    per_address: int = 100
    window_s: float = 60.0
    _failures: dict[str, deque[float]] = attrs.field(factory=dict)
    _lock: threading.Lock = attrs.field(factory=threading.Lock)

    @staticmethod
    def keys(request: Request, who: str) -> tuple[str, str]:
        """The user key and the address key of an attempt by ``who`` from ``request``."""
        host = request.client.host if request.client is not None else "?"
        return f"user:{who.lower()}", f"addr:{host}"

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, request: Request, who: str) -> int | None:
        """Seconds to wait when ``who`` (or the request's address) is throttled, else None."""
        now = time.monotonic()
        user_key, addr_key = self.keys(request, who)
        waits = []
        with self._lock:
            for key, limit in ((user_key, self.per_user), (addr_key, self.per_address)):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(times[len(times) - limit] + self.window_s - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def check(self, request: Request, who: str) -> None:
        """Refuse the attempt when throttled.

        Raises:
            ApiError: 429 with ``Retry-After``.
        """
        wait = self.retry_after(request, who) if self.enabled else None
        if wait is not None:
            raise ApiError(
                429,
                {"detail": f"Too many failed logins: retry in {wait} seconds."},
                headers={"Retry-After": str(wait)},
            )

    def failed(self, request: Request, who: str) -> None:
        """Count one failed attempt of ``who`` from the request's address."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) >= MAX_TRACKED:
                for key in list(self._failures):
                    self._recent(key, now)
                while len(self._failures) >= MAX_TRACKED:
                    del self._failures[next(iter(self._failures))]
            for key in self.keys(request, who):
                self._failures.setdefault(key, deque()).append(now)

    def clear(self) -> None:
        """Forget every failure."""
        with self._lock:
            self._failures.clear()
