"""The SSO poll loop as a sans-I/O flow, run under a fake clock: no sockets, no sleeping.

The runner here answers ``NOW`` from a counter that only ``Sleep`` advances, so these tests
show the loop's decisions (backoff, deadline, the last poll, transient errors) exactly.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from graphistry_fp.errors import AuthenticationError, SSOTimeoutError, TransportError
from graphistry_fp.interpreters.grants import Grant
from graphistry_fp.interpreters.sso_flows import await_approval, sso_login
from graphistry_fp.interpreters.wire import Flow, Request, Response, run_flow

PENDING = Response(200, content=json.dumps({"status": "PENDING"}).encode())
GRANTED = Response(200, content=json.dumps({"status": "OK", "data": {"token": "h.T.s"}}).encode())


class FakeRunner:
    """Answers the flow's steps: scripted replies, a clock moved only by Sleep, a log."""

    def __init__(self, replies: list[Response | Exception]) -> None:
        self.replies = replies
        self.now = 1000.0
        self.log: list[tuple[str, Any]] = []

    def send(self, request: Request) -> Response:
        self.log.append(("poll" if "/jwt/" in request.path else request.path, request.timeout))
        reply = self.replies.pop(0) if self.replies else PENDING
        if isinstance(reply, Exception):
            raise reply
        return reply

    def sleep(self, seconds: float) -> None:
        self.log.append(("sleep", round(seconds, 3)))
        self.now += seconds

    def prompt(self, url: str) -> None:
        self.log.append(("prompt", url))

    def run(self, flow: Flow[Any]) -> Any:
        return run_flow(
            flow, self.send, sleep=self.sleep, clock=lambda: self.now, prompt=self.prompt
        )


def test_polls_with_backoff_until_granted() -> None:
    """Pauses of 0.25 s then 0.5 s before each poll; the grant ends the loop."""
    runner = FakeRunner([PENDING, GRANTED])
    assert Grant("h.T.s", None) == runner.run(await_approval("st", None, None))
    assert [("sleep", 0.25), ("poll", None), ("sleep", 0.5), ("poll", None)] == runner.log


def test_times_out_after_a_last_poll_just_before_the_deadline() -> None:
    """With 1 s: polls at 0.25 s and 0.75 s, a last one at 0.9 s, then SSOTimeoutError at 1 s."""
    runner = FakeRunner([])
    with pytest.raises(SSOTimeoutError, match="not approved within 1 s"):
        runner.run(await_approval("st", None, 1.0))
    sleeps = [value for kind, value in runner.log if kind == "sleep"]
    assert [0.25, 0.5, 0.15, 0.1] == sleeps
    assert 1001.0 == pytest.approx(runner.now)
    # Each poll's timeout is capped by the time left plus the slack.
    timeouts = [value for kind, value in runner.log if kind == "poll"]
    assert [1.25, 0.75, 0.6] == pytest.approx(timeouts)


def test_transport_errors_are_transient_until_the_deadline() -> None:
    """A TransportError thrown into the loop is remembered, polling goes on to the grant."""
    runner = FakeRunner([TransportError("reset"), GRANTED])
    assert "h.T.s" == runner.run(await_approval("st", None, 10.0)).token
    with pytest.raises(SSOTimeoutError, match="the last poll failed: reset"):
        FakeRunner([TransportError("reset")] * 20).run(await_approval("st", None, 1.0))


def test_an_expired_state_ends_the_loop_at_once() -> None:
    """A 410 is not transient: AuthenticationError after one poll."""
    runner = FakeRunner([Response(410, content=b"{}")])
    with pytest.raises(AuthenticationError):
        runner.run(await_approval("st", None, 10.0))
    assert 1 == sum(1 for kind, _ in runner.log if kind == "poll")


def test_login_prompts_before_the_deadline_starts() -> None:
    """sso_login starts, prompts the auth URL once, then polls; time spent before counts not."""
    started = Response(
        200,
        content=json.dumps(
            {"status": "OK", "data": {"state": "st", "auth_url": "/sso/authorize/st"}}
        ).encode(),
    )
    runner = FakeRunner([started, GRANTED])
    grant = runner.run(sso_login(None, None, "http://hub.example", 5.0))
    assert "h.T.s" == grant.token
    assert [
        "/api/v2/g/sso/oidc/login/", "prompt", "sleep", "poll"
    ] == [kind for kind, _ in runner.log]
    assert ("prompt", "http://hub.example/sso/authorize/st") == runner.log[1]
