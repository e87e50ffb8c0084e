"""The wire records of every flow, and :func:`run_flow`, the one thing that runs flows.

Theory of operation (as httpx's auth flows and h11's events): a *flow* is a generator that
yields *steps* and receives their answers; its return value is the outcome (a grant, a
dataset id, ...). A step is one of:

* :class:`Request` -- one HTTP request, described; answered with a :class:`Response`;
* :class:`Now` -- asks the time (monotonic seconds); answered with a ``float``;
* :class:`Sleep` -- a pause; answered with ``None``;
* :class:`Prompt` -- a URL to hand to the user (single sign-on); answered with ``None``.

A flow never performs I/O, reads a clock or sleeps: :func:`run_flow` does all of that, so
the sync runner here, a later async runner and the unit tests (which feed canned replies)
share the same decisions. An error raised while performing a step (no connection, a
refused re-authentication, a closed client) is thrown *into* the flow at that step: a flow
may catch it (the SSO poll loop treats transport errors as transient) or let it propagate.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Mapping
from typing import Any, TypeVar

import attrs

from graphistry_fp.errors import GraphistryError

T = TypeVar("T")

#: Statuses retried (with backoff) on requests that are safe to repeat.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@attrs.frozen
class Request:
    """One HTTP request, described; the runner's ``send`` performs it.

    Attributes:
        method: ``GET`` or ``POST``.
        path: the path below ``protocol://server`` (no query string, no secret).
        json: a JSON body, or None.
        form: a form body (``application/x-www-form-urlencoded``), or None.
        body: raw bytes (an Arrow buffer) sent with no Content-Type, or None.
        bearer: the token for ``Authorization: Bearer``; None for no header.
        run_token: True when the sender must use the current token of the run instead.
        headers: extra headers (the personal-key header).
        idempotent: True when the request is safe to repeat (retries allowed).
        what: a short human name of the step, used in error messages.
        timeout: the longest this request may take (seconds), capping the configured
            connect and read timeouts; None keeps them.
    """

    method: str
    path: str
    json: Mapping[str, Any] | None = attrs.field(default=None, repr=False, eq=False)
    form: Mapping[str, str] | None = attrs.field(default=None, repr=False, eq=False)
    body: Any = attrs.field(default=None, repr=False, eq=False)
    bearer: str | None = attrs.field(default=None, repr=False)
    run_token: bool = False
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False)
    idempotent: bool = True
    what: str = ""
    timeout: float | None = None


@attrs.frozen
class Response:
    """One HTTP reply: status, headers (lower-case names) and the body bytes."""

    status: int
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    content: bytes = attrs.field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    def json_object(self) -> dict[str, Any] | None:
        """The body as a JSON object, or None when it is not one."""
        try:
            value = json.loads(self.content)
        except (ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None


@attrs.frozen
class Now:
    """Asks the runner for the time: monotonic seconds (a ``float``)."""


@attrs.frozen
class Sleep:
    """Asks the runner to pause ``seconds`` (it may raise instead, e.g. a closed client)."""

    seconds: float


@attrs.frozen
class Prompt:
    """Asks the runner to hand ``url`` to the user (the single sign-on page)."""

    url: str = attrs.field(repr=False)


#: The one :class:`Now` instruction (``now: float = yield NOW``).
NOW = Now()

Step = Request | Now | Sleep | Prompt
#: A flow: yields steps, receives their answers (a Response for a Request), returns a T.
Flow = Generator[Step, Any, T]


def no_prompt(url: str) -> None:
    """The default prompt of both flow runners: a flow that asks for one fails."""
    raise RuntimeError("this flow asks the user to open a URL, but its runner has no prompt")


def run_flow(
    flow: Flow[T],
    send: Callable[[Request], Response],
    *,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    prompt: Callable[[str], object] = no_prompt,
) -> T:
    """Run ``flow`` to its outcome: the sync runner every flow shares.

    Args:
        flow: the flow.
        send: performs a :class:`Request` (the client's transport, or a run's sender).
        sleep, clock, prompt: perform :class:`Sleep`, :class:`Now` and :class:`Prompt`.

    A :class:`~graphistry_fp.errors.GraphistryError` raised while performing a step is
    thrown into the flow at that step; whatever the flow raises propagates.
    """
    try:
        step = next(flow)
        while True:
            try:
                if isinstance(step, Request):
                    answer: Any = send(step)
                elif isinstance(step, Now):
                    answer = clock()
                elif isinstance(step, Sleep):
                    answer = sleep(step.seconds)
                else:
                    answer = prompt(step.url)
            except GraphistryError as error:
                step = flow.throw(error)
            else:
                step = flow.send(answer)
    except StopIteration as done:
        result: T = done.value
        return result
