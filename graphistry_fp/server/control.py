"""Test and demo knobs: latency, fault injection, the request log and the body limit.

:class:`Controls` is the mutable state behind ``LocalServer.inject_fault``,
``set_latency``, ``request_log`` and friends; :class:`ControlMiddleware` is the outermost
ASGI layer that applies it to every request, before routing, so a fault can stand in for
any path (even an unknown one) and every reply, injected or not, lands in the log.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

import attrs
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import BodyTooLarge, BodyTooSlow, too_large_response
from .records import RequestRecord

DEFAULT_MAX_BODY_BYTES = 512 * 1024 * 1024
#: A request body may pause this long at most, and past this long must average at least
#: DEFAULT_MIN_BODY_RATE bytes per second (else 408).
DEFAULT_BODY_TIMEOUT_S = 30.0
DEFAULT_MIN_BODY_RATE = 1024.0
#: Requests the log keeps; older entries are dropped (a long-running server stays small).
DEFAULT_LOG_LIMIT = 10_000


@attrs.define(kw_only=True)
class Fault:
    """One injected fault; ``remaining`` counts down to zero as requests consume it."""

    path: str
    method: str | None
    remaining: int
    status: int | None
    delay_s: float
    body: bytes
    content_type: str
    headers: Mapping[str, str]
    reset: bool

    def matches(self, method: str, path: str) -> bool:
        """True for a request this fault should answer."""
        return path.startswith(self.path) and (
            self.method is None or self.method.upper() == method.upper()
        )


def encode_body(body: Any) -> bytes:
    """An injected reply body: bytes and str as they are, anything else as JSON."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


@attrs.define(kw_only=True)
class Controls:
    """Mutable knobs shared by the app and the :class:`LocalServer` that owns it."""

    latency_ms: float = 0.0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    min_body_rate: float = DEFAULT_MIN_BODY_RATE
    _faults: list[Fault] = attrs.field(factory=list)
    _log: deque[RequestRecord] = attrs.field(factory=lambda: deque(maxlen=DEFAULT_LOG_LIMIT))
    _lock: threading.Lock = attrs.field(factory=threading.Lock)

    def add_fault(self, fault: Fault) -> None:
        """Queue ``fault``; faults are consumed in the order they were added."""
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first pending fault matching the request, consuming one of its uses."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def record(self, entry: RequestRecord) -> None:
        """Append to the request log."""
        with self._lock:
            self._log.append(entry)

    @property
    def log_limit(self) -> int:
        """How many entries the request log keeps."""
        return self._log.maxlen or 0

    def set_log_limit(self, limit: int) -> None:
        """Keep at most ``limit`` (>= 1) log entries, the newest."""
        if limit < 1:
            raise ValueError("the request log keeps at least one entry")
        with self._lock:
            self._log = deque(self._log, maxlen=limit)

    def request_log(self) -> list[RequestRecord]:
        """A copy of the request log."""
        with self._lock:
            return list(self._log)

    def clear_request_log(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._log.clear()


def _abort_connection(send: Send) -> bool:
    """Close the client's connection with no reply at all (an injected reset).

    ASGI has no message for this, so reach for the transport behind uvicorn's ``send``
    (a bound method of its request cycle) and mark the cycle disconnected so uvicorn does
    not answer 500 for us. False when the server is not uvicorn as we know it.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return False
    transport.abort()
    cycle.disconnected = True  # type: ignore[union-attr]
    return True


class ControlMiddleware:
    """ASGI middleware applying :class:`Controls` to every HTTP request."""

    def __init__(self, app: ASGIApp, controls: Controls) -> None:
        self.app = app
        self.controls = controls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Handlers write the authenticated user here; the log reads it back.
        state: dict[str, Any] = scope.setdefault("state", {})
        recorded = False

        def record(status: int | None) -> None:
            nonlocal recorded
            recorded = True
            self.controls.record(
                RequestRecord(
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    username=state.get("username"),
                )
            )

        async def logged_send(message: Message) -> None:
            # Log before the first byte leaves: a client that has seen the reply can rely
            # on finding it in the log.
            if message["type"] == "http.response.start" and not recorded:
                record(int(message["status"]))
            await send(message)

        try:
            await self._handle(scope, receive, send, logged_send)
        finally:
            if not recorded:
                record(None)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, logged: Send) -> None:
        controls = self.controls
        if controls.latency_ms > 0:
            await asyncio.sleep(controls.latency_ms / 1000)
        fault = controls.take_fault(scope["method"], scope["path"])
        if fault is not None:
            if fault.delay_s > 0:
                await asyncio.sleep(fault.delay_s)
            if fault.reset and _abort_connection(send):
                return
            if fault.status is not None:
                await self._reply(logged, fault)
                return
        limit = controls.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large_response(limit)(scope, receive, logged)
            return
        await self.app(scope, _limited(receive, limit, controls), logged)

    @staticmethod
    async def _reply(send: Send, fault: Fault) -> None:
        headers = [(b"content-type", fault.content_type.encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in fault.headers.items()]
        headers.append((b"content-length", str(len(fault.body)).encode()))
        await send({"type": "http.response.start", "status": fault.status, "headers": headers})
        await send({"type": "http.response.body", "body": fault.body})


async def _within(receive: Receive, timeout: float, error: Exception) -> Message:
    """``await receive()``, raising ``error`` if it takes over ``timeout`` seconds.

    A timer that cancels this task, as ``asyncio.timeout`` does (3.11+), instead of
    ``asyncio.wait_for``, which would start a task per body chunk.
    """
    task = asyncio.current_task()
    assert task is not None
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    handle = asyncio.get_running_loop().call_later(timeout, expire)
    try:
        return await receive()
    except asyncio.CancelledError:
        if not expired:
            raise
        uncancel = getattr(task, "uncancel", None)
        if uncancel is not None:
            uncancel()
        raise error from None
    finally:
        handle.cancel()


def _limited(receive: Receive, limit: int, controls: Controls) -> Receive:
    """``receive`` that raises :class:`BodyTooLarge` once the body passes ``limit`` bytes
    (chunked bodies carry no Content-Length to check up front), and :class:`BodyTooSlow`
    when the body stalls for ``body_timeout_s`` or, past that much time, averages under
    ``min_body_rate`` bytes per second (a trickle must not hold a connection forever)."""
    seen = 0
    started: float | None = None
    complete = False
    timeout, min_rate = controls.body_timeout_s, controls.min_body_rate

    async def limited() -> Message:
        nonlocal seen, started, complete
        if complete:  # the body is in: what is left is waiting for a disconnect
            return await receive()
        loop = asyncio.get_running_loop()
        started = loop.time() if started is None else started
        message = await _within(receive, timeout, BodyTooSlow(timeout, min_rate))
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
            complete = not message.get("more_body", False)
            elapsed = loop.time() - started
            if not complete and elapsed > timeout and seen < min_rate * elapsed:
                raise BodyTooSlow(timeout, min_rate)
        return message

    return limited
