"""The async flow runner: :func:`arun_flow`, the twin of ``wire.run_flow`` for event loops.

A flow (``wire.py``) is a generator of steps; the sync runner performs each step by
blocking, this one by awaiting: a :class:`~.wire.Request` through an async ``send`` (the
client's :class:`~.async_transport.AsyncTransport`, or a run's sender), a
:class:`~.wire.Sleep` with an awaitable sleep, :class:`~.wire.Now` with the clock and a
:class:`~.wire.Prompt` with the client's prompt. The flows themselves are the same objects
the sync runner drives: no protocol decision lives here.

As in the sync runner, a :class:`~graphistry_fp.errors.GraphistryError` raised while
performing a step is thrown into the flow at that step. Anything else (a cancellation
above all) closes the flow, so its ``finally``/``except BaseException`` clauses restore
what it changed, then propagates.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from graphistry_fp.errors import GraphistryError

from .wire import Flow, Now, Request, Response, Sleep, no_prompt

T = TypeVar("T")

AsyncSend = Callable[[Request], Awaitable[Response]]


async def arun_flow(
    flow: Flow[T],
    send: AsyncSend,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    prompt: Callable[[str], object] = no_prompt,
) -> T:
    """Run ``flow`` to its outcome on the running loop (the async runner every flow shares).

    Args:
        flow: the flow.
        send: performs a :class:`~.wire.Request` (awaitable).
        sleep: performs :class:`~.wire.Sleep` (awaitable); clock, prompt: :class:`~.wire.Now`
            and :class:`~.wire.Prompt` (plain calls: they do not wait).
    """
    try:
        step = next(flow)
        while True:
            try:
                if isinstance(step, Request):
                    answer: Any = await send(step)
                elif isinstance(step, Now):
                    answer = clock()
                elif isinstance(step, Sleep):
                    answer = await sleep(step.seconds)
                else:
                    answer = prompt(step.url)
            except GraphistryError as error:
                step = flow.throw(error)
            else:
                step = flow.send(answer)
    except StopIteration as done:
        result: T = done.value
        return result
    except BaseException:
        flow.close()
        raise
