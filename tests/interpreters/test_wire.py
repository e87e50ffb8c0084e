"""The flow runner: it performs every kind of step, and throws step errors into the flow."""

from __future__ import annotations

from typing import Any

import pytest

from graphistry_fp.errors import TransportError
from graphistry_fp.interpreters.wire import (
    NOW,
    Flow,
    Prompt,
    Request,
    Response,
    Sleep,
    run_flow,
)


def test_run_flow_answers_each_kind_of_step_in_order() -> None:
    """A Request gets send's Response, NOW the clock, Sleep and Prompt their callables."""
    log: list[Any] = []

    def flow() -> Flow[tuple[int, float]]:
        response: Response = yield Request("GET", "/x", what="x")
        started: float = yield NOW
        yield Sleep(1.5)
        yield Prompt("http://example/login")
        return response.status, started

    outcome = run_flow(
        flow(),
        lambda request: log.append(("send", request.path)) or Response(204),
        sleep=lambda seconds: log.append(("sleep", seconds)),
        clock=lambda: 42.0,
        prompt=lambda url: log.append(("prompt", url)),
    )
    assert (204, 42.0) == outcome
    assert [("send", "/x"), ("sleep", 1.5), ("prompt", "http://example/login")] == log


def test_run_flow_throws_a_send_error_into_the_flow() -> None:
    """A TransportError raised by send reaches the flow at its yield, which may handle it."""

    def flow() -> Flow[str]:
        try:
            yield Request("GET", "/down")
        except TransportError as error:
            return f"handled: {error}"
        return "not reached"

    def send(request: Request) -> Response:
        raise TransportError("no route")

    assert "handled: no route" == run_flow(flow(), send)


def test_run_flow_lets_an_unhandled_step_error_propagate() -> None:
    """A step error the flow does not catch propagates from run_flow unchanged."""

    def flow() -> Flow[None]:
        yield Request("GET", "/down")

    error = TransportError("no route")

    def send(request: Request) -> Response:
        raise error

    with pytest.raises(TransportError) as raised:
        run_flow(flow(), send)
    assert error is raised.value


def test_a_prompt_without_a_prompter_is_refused() -> None:
    """A flow asking to prompt a runner that cannot is a RuntimeError, not a silent skip."""

    def flow() -> Flow[None]:
        yield Prompt("http://example/login")

    with pytest.raises(RuntimeError, match="no prompt"):
        run_flow(flow(), lambda request: Response(200))
