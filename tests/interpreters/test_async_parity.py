"""One flow, two runners: every performer and every auth flow runs on the sync runner
(``wire.run_flow`` over requests) and on the async runner (``async_flow.arun_flow`` over
the async transport) against the local server, with the same outcome and the same requests on the wire.

The lists of flows are read from the modules (every function annotated to return a
``Flow``), so a flow added later without a scenario here fails
:func:`test_every_flow_has_a_scenario`.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pyarrow as pa
import pytest

from graphistry_fp.effects import CreateDataset, Share, UploadTable
from graphistry_fp.interpreters import auth_flows, http, sso_flows
from graphistry_fp.interpreters.async_flow import arun_flow
from graphistry_fp.interpreters.async_transport import AsyncTransport
from graphistry_fp.interpreters.config import make_config
from graphistry_fp.interpreters.grants import Grant, claims
from graphistry_fp.interpreters.transport import Transport
from graphistry_fp.interpreters.wire import Flow, Request, run_flow
from graphistry_fp.server import LocalServer
from tests.support.server import settled_log

#: Runs a flow (with ``bearer`` on requests marked run_token) and returns its outcome.
Runner = Callable[[Flow[Any], "str | None"], Any]


def flows_of(module: ModuleType) -> set[str]:
    """Names of the functions of ``module`` that return a flow."""
    return {
        name
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and "Flow[" in str(fn.__annotations__.get("return"))
    }


def sync_runner(srv: LocalServer) -> Runner:
    transport = Transport(make_config(srv.server, "http", {}))

    def run(flow: Flow[Any], bearer: str | None) -> Any:
        return run_flow(
            flow,
            lambda r: transport.send(r, bearer if r.run_token else None),
            prompt=lambda url: None,
        )

    return run


def async_runner(srv: LocalServer) -> Runner:
    transport = AsyncTransport(make_config(srv.server, "http", {}))

    def run(flow: Flow[Any], bearer: str | None) -> Any:
        async def send(r: Request) -> Any:
            return await transport.send(r, bearer if r.run_token else None)

        async def main() -> Any:
            try:
                return await arun_flow(flow, send, prompt=lambda url: None)
            finally:
                await transport.aclose()

        return asyncio.run(main())

    return run


def shape(value: Any) -> Any:
    """An outcome with its unique parts (tokens, ids, states) replaced by what they mean."""
    if isinstance(value, Grant):
        return ("grant", value.org_name, claims(value.token).org)
    if isinstance(value, str) and value.startswith("eyJ"):
        return ("token", claims(value).org)
    if isinstance(value, str) and value.startswith("ds"):
        return "dataset id"
    if isinstance(value, sso_flows.SSOStarted):
        return ("started", "/sso/" in value.auth_url)
    if isinstance(value, dict):
        return ("json", sorted(value))
    return value


def _login(run: Runner) -> str:
    grant = run(auth_flows.password_login("alice", "alice-pw", "shared"), None)
    token: str = grant.token
    return token


def _dataset(run: Runner, token: str) -> str:
    created: str = run(http.create_dataset(CreateDataset({"name": "parity"}), "shared"), token)
    return created


TABLE = pa.table({"s": ["a", "b"], "d": ["b", "c"]})

SCENARIOS: dict[str, Callable[[Runner], Any]] = {
    "password_login": lambda run: run(auth_flows.password_login("alice", "alice-pw", "shared"), None),
    "personal_key_login": lambda run: run(
        auth_flows.personal_key_login("alice-key", "alice-secret", None), None
    ),
    "refresh": lambda run: run(auth_flows.refresh(_login(run)), None),
    "switch_org": lambda run: run(auth_flows.switch_org(_login(run), "acme"), None),
    "renew": lambda run: run(
        auth_flows.renew(
            None, expired=False, org_name="shared", switch=True,
            login=lambda org: auth_flows.password_login("alice", "alice-pw", org),
        ),
        None,
    ),
    "sso_start": lambda run: run(sso_flows.sso_start(None, None, "http://viewer"), None),
    "sso_poll": lambda run: run(
        sso_flows.sso_poll(run(sso_flows.sso_start(None, None, "http://v"), None).state, None),
        None,
    ),
    "await_approval": lambda run: run(
        sso_flows.await_approval(
            run(sso_flows.sso_start(None, None, "http://v"), None).state, None, 10.0
        ),
        None,
    ),
    "sso_login": lambda run: run(sso_flows.sso_login(None, None, "http://v", 10.0), None),
    "create_dataset": lambda run: _dataset(run, _login(run)),
    "upload_table": lambda run: (lambda token: run(
        http.upload_table(UploadTable(_dataset(run, token), "edges", TABLE), "shared"), token
    ))(_login(run)),
    "share": lambda run: (lambda token: run(
        http.share(Share(_dataset(run, token), mode="organization"), "shared"), token
    ))(_login(run)),
}  # fmt: skip


def test_every_flow_has_a_scenario() -> None:
    """The scenarios cover every auth flow, every SSO flow and every performer of the
    dispatch table: nothing runs on only one runner untested."""
    flows = flows_of(auth_flows) | flows_of(sso_flows) | flows_of(http)
    performers = {fn.__name__ for fn in http.PERFORMERS.values()}
    assert flows | performers == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_flow_runs_the_same_on_both_runners(srv: LocalServer, name: str) -> None:
    """The flow's outcome (its meaning: org, kind of value) and the requests it sent
    (method, path, status, user) are the same on the sync and the async runner."""
    srv.sso_auto_approve = "alice"
    outcomes, logs = [], []
    for make in (sync_runner, async_runner):
        srv.clear_request_log()
        outcomes.append(shape(SCENARIOS[name](make(srv))))
        logs.append([
            (r.method, "/".join("<id>" if len(p) > 15 else p
                                for p in r.path.split("/")), r.status, r.username)
            for r in settled_log(srv)
        ])  # fmt: skip
    assert outcomes[0] == outcomes[1]
    assert logs[0] == logs[1]
    assert logs[0], "the scenario sent requests"


def test_runners_answer_every_step_kind() -> None:
    """A flow that asks for the time, a pause and a prompt gets the same kinds of answers
    from both runners (a float, None, the prompt called with the URL), and an error raised
    by a step is thrown into the flow on both."""
    from graphistry_fp.errors import TransportError
    from graphistry_fp.interpreters.wire import NOW, Prompt, Response, Sleep

    def flow() -> Flow[tuple[Any, ...]]:
        now = yield NOW
        paused = yield Sleep(0.0)
        prompted = yield Prompt("http://open-me")
        try:
            yield Request("GET", "/x")
        except TransportError as error:
            caught = str(error)
        return (type(now).__name__, paused, prompted, caught)

    def failing_send(request: Request) -> Response:
        raise TransportError("no route")

    async def afailing_send(request: Request) -> Response:
        raise TransportError("no route")

    prompts: list[str] = []
    sync = run_flow(flow(), failing_send, sleep=lambda s: None, prompt=prompts.append)
    asynchronous = asyncio.run(arun_flow(flow(), afailing_send, prompt=prompts.append))
    assert ("float", None, None, "no route") == sync == asynchronous
    assert ["http://open-me", "http://open-me"] == prompts
