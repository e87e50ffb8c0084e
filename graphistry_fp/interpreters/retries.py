"""The retry rules both transports follow, in one place: capped, jittered exponential
backoff that honours ``Retry-After``, and after each attempt whether to try again.

A request retries (when its window allows more than one attempt) after a connection
error or a timeout, and after a 429/500/502/503/504 reply, unless the next attempt would
start past the request's overall deadline. The DEBUG lines (``graphistry_fp.http``) name
method, path, outcome, timing and attempt, never a header or a body.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from typing import TYPE_CHECKING

from .wire import RETRY_STATUSES

if TYPE_CHECKING:
    from .limits import Window
    from .wire import Request, Response

log = logging.getLogger("graphistry_fp.http")

BACKOFF_BASE_S = 0.25
BACKOFF_CAP_S = 8.0
RETRY_AFTER_CAP_S = 30.0


def backoff_delay(attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): equal jitter, capped."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2.0**attempt))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CAP_S))
    return delay


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, float(when.timestamp()) - (time.time() if now is None else now))


def after_failure(
    request: Request, window: Window, attempt: int, started: float, how: str, *, final: bool
) -> float | None:
    """Log that attempt ``attempt`` (0-based, begun at ``started``) failed (``how``), and
    return the delay before the next one, or None: give up (it was the last attempt, the
    failure is ``final``, or the next attempt would start past the deadline)."""
    log.debug(
        "%s %s -> %s after %.1f ms (attempt %d/%d)",
        request.method, request.path, how,
        (time.monotonic() - started) * 1000, attempt + 1, window.attempts,
    )  # fmt: skip
    delay = backoff_delay(attempt)
    if final or attempt == window.attempts - 1 or time.monotonic() + delay >= window.ends:
        return None
    return delay


def after_reply(
    request: Request, window: Window, attempt: int, started: float, response: Response
) -> float | None:
    """Log the reply to attempt ``attempt`` (0-based, begun at ``started``), and return the
    delay before retrying it, or None: the reply is the answer (not a retried status, the
    last attempt, or the next attempt would start past the deadline)."""
    log.debug(
        "%s %s -> %d in %.1f ms (attempt %d/%d)",
        request.method, request.path, response.status,
        (time.monotonic() - started) * 1000, attempt + 1, window.attempts,
    )  # fmt: skip
    if attempt == window.attempts - 1 or response.status not in RETRY_STATUSES:
        return None
    delay = backoff_delay(attempt, parse_retry_after(response.headers.get("retry-after")))
    if time.monotonic() + delay >= window.ends:
        return None
    log.debug("retrying %s %s in %.2f s", request.method, request.path, delay)
    return delay
