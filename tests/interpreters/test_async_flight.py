"""One client, threads and tasks on several event loops at once, one token cache: the
single flight holds across all of them; a token expiring mid-run is renewed once and the
runs carry on; cancelling ``arun`` at any await point leaves the client usable and its
cache consistent, and names a dataset created before the cancel. All over real HTTP."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from graphistry_fp.effects import PlotResult
from graphistry_fp.interpreters.clients import ClientUserPass
from graphistry_fp.server import LocalServer
from tests.support.clients import user_client
from tests.support.data import EDGES, NODES, edges_plan, full_plan
from tests.support.server import requests_by_kind, settled_log

LOGIN = "/api-token-auth/"


def in_loop_thread(main: Callable[[], Awaitable[Any]], box: list[Any]) -> threading.Thread:
    """A thread running ``asyncio.run(main())`` on its own loop, its outcome put in ``box``."""

    def target() -> None:
        try:
            box.append(asyncio.run(main()))  # type: ignore[arg-type]
        except BaseException as error:  # surfaced by the test
            box.append(error)

    return threading.Thread(target=target, daemon=True)


def join(threads: list[threading.Thread], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert [] == [t.name for t in threads if t.is_alive()], "hung"


def expired_client(srv: LocalServer) -> ClientUserPass:
    """alice's client holding a token that has expired (1 s tokens), later ones long-lived."""
    srv.token_ttl = 1
    client = user_client(srv, timeout=(3.0, 10.0))
    client.token()
    time.sleep(1.2)
    srv.token_ttl = 3600
    srv.clear_request_log()
    return client


def test_one_login_for_100_tasks_on_two_loops_and_20_threads(srv: LocalServer) -> None:
    """The token has expired; 50 tasks on each of two event loops (in two threads) and 20
    threads need it at the same instant (a quarter of each plot, the rest ask for a token):
    the server sees exactly one login and no refresh, every caller gets the new token, and
    every dataset is alice's."""
    client = expired_client(srv)
    barrier = threading.Barrier(22)
    boxes: list[list[Any]] = [[], []]

    async def wave() -> list[Any]:
        async def one(i: int) -> Any:
            if i % 4 == 0:
                return await client.arun(edges_plan("task"))
            return await client.atoken()

        return await asyncio.gather(*(one(i) for i in range(50)), return_exceptions=True)

    def loop_main() -> Awaitable[Any]:
        barrier.wait(10)
        return wave()

    loops = [in_loop_thread(loop_main, box) for box in boxes]
    thread_out: list[Any] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait(10)
        try:
            value: Any = client.run(edges_plan("thread")) if i % 4 == 0 else client.token()
        except BaseException as error:  # surfaced below
            value = error
        with lock:
            thread_out.append(value)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(20)]
    for thread in [*loops, *threads]:
        thread.start()
    join([*loops, *threads], 60)

    outcomes = [*boxes[0][0], *boxes[1][0], *thread_out]
    assert 120 == len(outcomes)
    assert [] == [o for o in outcomes if isinstance(o, BaseException)]
    kinds = requests_by_kind(srv)
    assert (1, 0) == (kinds["login"], kinds["refresh"])
    token = client.token()
    assert {token} == {o for o in outcomes if isinstance(o, str)}
    plotted = [o.dataset_id for o in outcomes if isinstance(o, PlotResult)]
    assert 2 * 13 + 5 == len(plotted)
    assert {"alice"} == {srv.dataset(d).owner for d in plotted}


def test_threads_and_tasks_with_tokens_expiring_mid_run(srv: LocalServer) -> None:
    """Tokens live 2 s; for 3.5 s four threads run() and eight tasks arun() the same client
    (shared org): every run succeeds, every dataset is complete and wholly alice's in
    'shared', and renewals are not multiplied by the callers (at most one per second)."""
    srv.token_ttl = 2
    client = user_client(srv, org_name="shared", timeout=(3.0, 10.0))
    client.token()
    srv.clear_request_log()
    stop = threading.Event()
    results: list[Any] = []
    lock = threading.Lock()

    def thread_worker() -> None:
        while not stop.is_set():
            try:
                value: Any = client.run(full_plan("thread"))
            except BaseException as error:  # surfaced below
                value = error
            with lock:
                results.append(value)

    async def tasks() -> None:
        async def task_worker() -> None:
            while not stop.is_set():
                try:
                    value: Any = await client.arun(full_plan("task"))
                except BaseException as error:  # surfaced below
                    value = error
                with lock:
                    results.append(value)

        await asyncio.gather(*(task_worker() for _ in range(8)))

    box: list[Any] = []
    threads = [threading.Thread(target=thread_worker, daemon=True) for _ in range(4)]
    threads.append(in_loop_thread(tasks, box))
    for thread in threads:
        thread.start()
    time.sleep(3.5)
    stop.set()
    join(threads, 30)
    assert [None] == box
    assert [] == [repr(r) for r in results if isinstance(r, BaseException)]
    assert len(results) >= 12
    records = [srv.dataset(r.dataset_id) for r in results]
    bad = [
        r.dataset_id for r in records
        if (r.owner, r.org, r.edges_uploader, r.nodes_uploader, r.edges_rows, r.nodes_rows)
        != ("alice", "shared", "alice", "alice", len(EDGES), len(NODES))
    ]  # fmt: skip
    assert [] == bad
    kinds = requests_by_kind(srv)
    assert 1 <= kinds["login"] + kinds["refresh"] <= 6, kinds


# -- cancellation ---------------------------------------------------------------------------


def cancel_at_send(client: ClientUserPass, k: int) -> None:
    """Make the client's k-th async send (1-based) be cancelled at its first await."""
    transport = client._atransport
    original = transport.send
    calls = [0]

    async def send(request: Any, bearer: Any = None, **kw: Any) -> Any:
        calls[0] += 1
        if calls[0] == k:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()
        return await original(request, bearer, **kw)

    transport.send = send  # type: ignore[method-assign]


#: A fresh client's first run with org and share sends: login, switch, create, edges,
#: nodes (concurrently), share. Cancel at each of them.
SENDS = ["login", "switch", "create", "upload", "upload", "share"]


@pytest.mark.parametrize("k", range(1, len(SENDS) + 1))
def test_cancel_at_every_await_point_leaves_the_client_usable(srv: LocalServer, k: int) -> None:
    """Cancelling the first arun at its k-th request: the caller sees CancelledError; no
    flight is left in the air and the cache holds either nothing or a usable token for the
    client's org; a dataset created before the cancel is named on the error (and exists,
    alice's); the same client's next arun (and a sync run) succeed."""
    import graphistry_fp as graphistry
    from graphistry_fp.effects import PlotPlan

    plan: PlotPlan = (
        graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").privacy(mode="organization").plan()
    )
    client = user_client(srv, org_name="shared", timeout=(3.0, 10.0))
    cancel_at_send(client, k)
    before = {d.dataset_id for d in srv.datasets()}

    async def main() -> Any:
        try:
            await client.arun(plan)
        except asyncio.CancelledError as error:
            return error
        return None

    error = asyncio.run(main())
    assert isinstance(error, asyncio.CancelledError)
    assert not client._tokens._cell.in_flight
    state = client._tokens.peek()
    assert state is None or state.org_name == "shared"
    created = {d.dataset_id for d in srv.datasets()} - before
    if k > SENDS.index("create") + 1:
        assert getattr(error, "dataset_id", None) in created
        assert any(error.dataset_id in note for note in getattr(error, "__notes__", []))
        assert {"alice"} == {srv.dataset(d).owner for d in created}
    else:
        assert getattr(error, "dataset_id", None) is None

    after = asyncio.run(client.arun(full_plan("after cancel")))
    sync_after = client.run(full_plan("sync after cancel"))
    for result in (after, sync_after):
        record = srv.dataset(result.dataset_id)
        assert ("alice", "shared", len(EDGES), len(NODES)) == (
            record.owner, record.org, record.edges_rows, record.nodes_rows
        )  # fmt: skip
    settled_log(srv)


def test_cancelled_leader_hands_the_flight_to_a_waiter(srv: LocalServer) -> None:
    """Ten tasks need the first login; the server holds logins 0.5 s; the leader is
    cancelled: one waiter leads a second login and all nine others get its token. Two
    logins in all, never ten."""
    client = user_client(srv, timeout=(3.0, 10.0))
    srv.inject_fault(LOGIN, delay_s=0.5, count=2)

    async def main() -> list[Any]:
        tasks = [asyncio.ensure_future(client.atoken()) for _ in range(10)]
        await asyncio.sleep(0.2)  # the first task leads, the others wait
        tasks[0].cancel()
        return await asyncio.gather(*tasks, return_exceptions=True)

    outcomes = asyncio.run(main())
    assert isinstance(outcomes[0], asyncio.CancelledError)
    assert 1 == len(set(outcomes[1:])) and isinstance(outcomes[1], str)
    assert outcomes[1] == client.token()
    time.sleep(0.6)  # let the abandoned login finish on the server
    assert 2 == requests_by_kind(srv)["login"]


def test_cancelled_waiter_does_not_cancel_the_flight(srv: LocalServer) -> None:
    """A thread leads a slow login (0.5 s); a task waiting for it is cancelled; the thread's
    login completes and a later atoken returns its token with no second login."""
    client = user_client(srv, timeout=(3.0, 10.0))
    srv.inject_fault(LOGIN, delay_s=0.5)
    box: list[str] = []
    leader = threading.Thread(target=lambda: box.append(client.token()), daemon=True)
    leader.start()
    time.sleep(0.1)

    async def main() -> str:
        waiter = asyncio.ensure_future(client.atoken())
        await asyncio.sleep(0.1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return await client.atoken()

    token = asyncio.run(main())
    join([leader], 10)
    assert [token] == box
    assert 1 == requests_by_kind(srv)["login"]


@pytest.mark.parametrize("turns", [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48])
def test_cancel_after_any_number_of_loop_turns(srv: LocalServer, turns: int) -> None:
    """A sweep over await points the request count does not name (the token flight, the
    body writes, the turn before the first request, the transport's own awaits): cancel the first
    arun after ``turns`` turns of the loop. Whatever was in progress, the caller sees
    CancelledError or the result, no flight is left in the air, the cache holds nothing
    or a token for the client's org, and the next arun succeeds."""
    import graphistry_fp as graphistry

    plan = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").privacy(mode="organization").plan()
    client = user_client(srv, org_name="shared", timeout=(3.0, 10.0))

    async def main() -> Any:
        task = asyncio.ensure_future(client.arun(plan))
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        try:
            return await task
        except asyncio.CancelledError as error:
            return error

    outcome = asyncio.run(main())
    assert isinstance(outcome, asyncio.CancelledError | PlotResult)
    assert not client._tokens._cell.in_flight
    state = client._tokens.peek()
    assert state is None or state.org_name == "shared"
    after = asyncio.run(client.arun(full_plan("after cancel")))
    assert ("alice", "shared") == (srv.dataset(after.dataset_id).owner, srv.dataset(after.dataset_id).org)
    settled_log(srv)


def test_cancelled_leader_of_a_store_renewal_waits_for_its_thread(srv: LocalServer) -> None:
    """With a token store the renewal is sync (on a worker thread). Cancelling the task
    that leads it (logins held 0.5 s) ends that task only once the thread's login has
    ended, so the waiter that leads next never overlaps it; the login's token reached the
    store, so the waiter adopts it: one login in all, and the waiter's token works."""
    import graphistry_fp as graphistry

    client = user_client(srv, timeout=(3.0, 10.0), token_store=graphistry.MemoryTokenStore())
    srv.inject_fault(LOGIN, delay_s=0.5, count=2)
    seen: list[int] = []

    async def main() -> Any:
        leader = asyncio.ensure_future(client.atoken())
        await asyncio.sleep(0.1)
        waiter = asyncio.ensure_future(client.atoken())
        await asyncio.sleep(0.1)
        leader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leader
        seen.append(len([r for r in srv.request_log() if r.path == LOGIN]))
        return await waiter

    token = asyncio.run(main())
    assert [1] == seen  # the first login had ended, the waiter's not begun
    assert token == client.token()
    assert 1 == requests_by_kind(srv)["login"]
