"""The limits of a :class:`~.local.LocalServer`, settable while it runs (issue 17).

Body sizes, the header deadline and the connection cap, the minimum body rate, the size
of the request log and the failed-login throttle. Defaults suit a server on loopback;
tests turn them down to exercise them quickly.
"""

from __future__ import annotations

from .context import ServerContext
from .control import Controls
from .protocol import GuardedH11Protocol


class LimitKnobs:
    """Mixin of :class:`~.local.LocalServer`: its limit properties."""

    _controls: Controls
    _protocol: type[GuardedH11Protocol]

    def _context(self) -> ServerContext:
        raise NotImplementedError

    @property
    def max_body_bytes(self) -> int:
        """The request-body limit; larger bodies get 413 (settable at runtime)."""
        return self._controls.max_body_bytes

    @max_body_bytes.setter
    def max_body_bytes(self, limit: int) -> None:
        self._controls.max_body_bytes = int(limit)

    @property
    def header_timeout_s(self) -> float:
        """Seconds a connection has to finish a request's headers before it is closed."""
        return self._protocol.header_timeout_s

    @header_timeout_s.setter
    def header_timeout_s(self, seconds: float) -> None:
        self._protocol.header_timeout_s = float(seconds)

    @property
    def max_connections(self) -> int:
        """Open connections past which the oldest one between requests is closed."""
        return self._protocol.max_connections

    @max_connections.setter
    def max_connections(self, limit: int) -> None:
        self._protocol.max_connections = int(limit)

    @property
    def body_timeout_s(self) -> float:
        """Longest pause in a request body; past it, the body must also keep
        :attr:`min_body_rate` on average (else 408)."""
        return self._controls.body_timeout_s

    @body_timeout_s.setter
    def body_timeout_s(self, seconds: float) -> None:
        self._controls.body_timeout_s = float(seconds)

    @property
    def min_body_rate(self) -> float:
        """Bytes per second a request body must average once it has taken
        :attr:`body_timeout_s` seconds."""
        return self._controls.min_body_rate

    @min_body_rate.setter
    def min_body_rate(self, rate: float) -> None:
        self._controls.min_body_rate = float(rate)

    @property
    def request_log_limit(self) -> int:
        """How many requests the log keeps, the oldest dropped first (settable)."""
        return self._controls.log_limit

    @request_log_limit.setter
    def request_log_limit(self, limit: int) -> None:
        self._controls.set_log_limit(int(limit))

    def set_login_throttle(
        self,
        *,
        per_user: int = 10,
        per_address: int = 100,
        window_s: float = 60.0,
        enabled: bool = True,
    ) -> None:
        """Answer 429 once a name (an address) has failed to log in ``per_user``
        (``per_address``) times in ``window_s`` seconds; ``enabled=False`` turns the
        throttle off. Forgets earlier failures."""
        throttle = self._context().throttle
        throttle.per_user, throttle.per_address = int(per_user), int(per_address)
        throttle.window_s = float(window_s)
        throttle.enabled = bool(enabled)
        throttle.clear()

    def clear_login_throttle(self) -> None:
        """Forget every failed login (the throttle starts afresh)."""
        self._context().throttle.clear()
