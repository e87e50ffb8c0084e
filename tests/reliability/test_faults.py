"""Faults injected into the local server: every run ends in success or a typed
``GraphistryError``, within a bound; the same client's next run succeeds; and what a failed
run leaves on the server is exactly what the README says.

What a failed run leaves behind (the README's "Guarantees under concurrency and failure"):

* failed before or at create-dataset (login refused, create answered 4xx/5xx/429/garbage,
  reset or timed out): nothing. (A real server that had already created the dataset when
  the reply was lost may keep a dataset the client never learned the id of; the local
  server drops a request whose client has gone.)
* failed after create (an upload failed after its retries): the dataset record, owned by
  the run's tenant in the run's org, without the table(s) that failed: ``edges_rows`` /
  ``nodes_rows`` None. The error's ``dataset_id`` names it. The protocol has no delete
  endpoint, so the client does not (cannot) clean it up; run the plan again for a new one.
* failed at share: the complete dataset, not shared (``privacy`` None).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import attrs
import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp import ClientJWT, ClientUserPass
from graphistry_fp.effects import PlotPlan
from graphistry_fp.errors import (
    AuthenticationError,
    GraphistryError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ServerError,
    TransportError,
)
from graphistry_fp.server import LocalServer
from graphistry_fp.testing import TEST_PERSONAL_KEYS, TEST_USERS
from tests.support.clients import user_client
from tests.support.data import CREATE, EDGES, LOGIN, NODES, SHARE, UPLOADS, full_plan
from tests.support.server import dataset_ids, settled_log
from tests.support.threads import bounded, join_all

Residue = list[tuple[int | None, int | None, str | None]]
#: (edges_rows, nodes_rows, privacy) of each dataset a run left behind.
NOTHING: Residue = []
BARE: Residue = [(None, None, None)]
COMPLETE: Residue = [(len(EDGES), len(NODES), None)]
SHARED: Residue = [(len(EDGES), len(NODES), "organization")]
HTML = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def shared_plan() -> PlotPlan:
    """create + edges + nodes + share (organization)."""
    return (
        graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").privacy(mode="organization").plan()
    )


@attrs.frozen
class Case:
    """One fault scenario: faults to inject, client options, and the expected outcome."""

    faults: list[dict[str, Any]]
    outcome: type[GraphistryError] | None  # None: the run succeeds
    residue: Residue | list[Residue]  # a list of alternatives when either may happen
    fragment: str = ""  # in the error message
    client: dict[str, Any] = attrs.field(factory=dict)
    login_first: bool = True
    plan: Callable[[], PlotPlan] = full_plan
    min_s: float = 0.0  # the run takes at least this long (Retry-After honoured)
    max_s: float = 8.0  # and at most this long


def fault(path: str, **kw: Any) -> dict[str, Any]:
    return {"path": path, **kw}


def post(path: str, **kw: Any) -> dict[str, Any]:
    return {"path": path, "method": "POST", **kw}


FAST = {"timeout": (2.0, 0.5)}

CASES: dict[str, Case] = {
    # -- 5xx
    "upload_503_once": Case([fault(UPLOADS, status=503)], None, COMPLETE),
    "upload_500_always": Case([fault(UPLOADS, status=500, count=100)], ServerError, BARE, "server error"),
    "create_502": Case([post(CREATE, status=502)], ServerError, NOTHING, "create dataset"),
    "login_503_once": Case([fault(LOGIN, status=503)], None, COMPLETE, login_first=False),
    "login_500_always": Case([fault(LOGIN, status=500, count=100)], ServerError, NOTHING, "login",
                             login_first=False),
    "share_503_always": Case([fault(SHARE, status=503, count=100)], ServerError, COMPLETE, "share",
                             plan=shared_plan),
    # -- 429 with Retry-After
    "upload_429_retry_after_1s": Case([fault(UPLOADS, status=429, headers={"Retry-After": "1"})],
                                      None, COMPLETE, min_s=0.95),
    "upload_429_always": Case([fault(UPLOADS, status=429, count=100, headers={"Retry-After": "0"})],
                              RateLimitError, BARE, "rate limited", client={"max_retries": 1}),
    "create_429_not_retried": Case([post(CREATE, status=429, headers={"Retry-After": "5"})],
                                   RateLimitError, NOTHING, "rate limited", max_s=2.0),
    "login_429_retry_after_1s": Case([fault(LOGIN, status=429, headers={"Retry-After": "1"})],
                                     None, COMPLETE, login_first=False, min_s=0.95),
    # -- replies slower than the read timeout
    "upload_slow_once": Case([fault(UPLOADS, delay_s=1.5)], None, COMPLETE, client=FAST),
    "upload_slow_always": Case([fault(UPLOADS, delay_s=1.0, count=6)], TransportError, BARE,
                               "timed out", client=FAST),
    "create_slow": Case([post(CREATE, delay_s=1.0)], TransportError, NOTHING, "timed out",
                        client=FAST),
    "login_slow_always": Case([fault(LOGIN, delay_s=1.0, count=3)], TransportError, NOTHING,
                              "timed out", client=FAST, login_first=False),
    "share_slow_always": Case([fault(SHARE, delay_s=1.0, count=3)], TransportError, COMPLETE,
                              "timed out", client=FAST, plan=shared_plan),
    # -- connections reset with no reply
    "upload_reset_once": Case([fault(UPLOADS, reset=True)], None, COMPLETE),
    "upload_reset_always": Case([fault(UPLOADS, reset=True, count=100)], TransportError, BARE,
                                "connection failed"),
    "one_upload_reset_no_retry": Case([fault(UPLOADS, reset=True)], TransportError,
                                      [[(len(EDGES), None, None)], [(None, len(NODES), None)]],
                                      "connection failed", client={"max_retries": 0}),
    "create_reset": Case([post(CREATE, reset=True)], TransportError, NOTHING, "connection failed"),
    "login_reset_once": Case([fault(LOGIN, reset=True)], None, COMPLETE, login_first=False),
    # -- malformed JSON and HTML error pages
    "create_malformed_json": Case([post(CREATE, status=200, body="{not json")], ProtocolError,
                                  NOTHING, "expected a JSON object"),
    "create_reply_without_id": Case([post(CREATE, status=200, body={"success": True, "data": {}})],
                                    ProtocolError, NOTHING, "dataset_id"),
    "upload_malformed_json": Case([fault(UPLOADS, status=200, body="{oops", count=2)],
                                  ProtocolError, BARE, "expected a JSON object"),
    "upload_html_502_always": Case([fault(UPLOADS, status=502, body=HTML, content_type="text/html",
                                          count=100)], ServerError, BARE, "502 Bad Gateway"),
    "create_html_200": Case([post(CREATE, status=200, body=HTML, content_type="text/html")],
                            ProtocolError, NOTHING, "HTML page titled"),
    "login_malformed_json": Case([fault(LOGIN, status=200, body="{")], ProtocolError, NOTHING,
                                 "login", login_first=False),
    "login_html_200": Case([fault(LOGIN, status=200, body=HTML, content_type="text/html")],
                           ProtocolError, NOTHING, "HTML page", login_first=False),
    "share_malformed_json": Case([fault(SHARE, status=200, body="[1, 2")], ProtocolError, COMPLETE,
                                 "share", plan=shared_plan),
    # -- other statuses
    "upload_401_once": Case([fault(UPLOADS, status=401)], None, COMPLETE),
    "upload_403": Case([fault(UPLOADS, status=403, count=2)], PermissionDeniedError, BARE,
                       "permission denied"),
    "upload_413": Case([fault(UPLOADS, status=413, body={"detail": "too large"}, count=2)],
                       ProtocolError, BARE, "too large"),
}  # fmt: skip


def residue_of(srv: LocalServer, before: set[str]) -> Residue:
    new = [srv.dataset(d) for d in sorted(dataset_ids(srv) - before)]
    return sorted(((d.edges_rows, d.nodes_rows, d.privacy) for d in new), key=repr)


#: Runs a plan with a client: ``client.run`` here, ``client.arun`` on a loop in
#: ``tests/interpreters/test_async_faults.py`` (the same table, the same checks).
PlanRunner = Callable[[ClientUserPass, PlotPlan], Any]


@pytest.mark.parametrize("name", sorted(CASES))
def test_fault_ends_typed_bounded_and_client_stays_usable(srv: LocalServer, name: str) -> None:
    """The run succeeds or raises the expected GraphistryError subclass, naming the step,
    within its bound; the server holds exactly the documented residue, owned by the run's
    tenant in the run's org; the same client's next run succeeds."""
    check_fault_case(srv, name, lambda client, plan: client.run(plan))


def check_fault_case(srv: LocalServer, name: str, run: PlanRunner) -> None:
    """Run fault case ``name`` with ``run`` and check its outcome, bound and residue."""
    case = CASES[name]
    client = user_client(srv, "alice", org_name="shared", **case.client)
    if case.login_first:
        client.token()
    before = dataset_ids(srv)
    for spec in case.faults:
        srv.inject_fault(**spec)
    started = time.monotonic()

    def attempt() -> Any:
        try:
            return run(client, case.plan())
        except GraphistryError as error:
            return error

    outcome = bounded(case.max_s + 5, attempt)
    elapsed = time.monotonic() - started
    srv.clear_faults()
    # A request the client gave up on is still held by the server for its fault's delay:
    # let it finish, so the residue is final and no late entry reaches the next test's log.
    time.sleep(max((spec.get("delay_s", 0.0) for spec in case.faults), default=0.0))
    settled_log(srv)
    if case.outcome is None:
        assert not isinstance(outcome, BaseException), repr(outcome)
    else:
        assert isinstance(outcome, case.outcome), repr(outcome)
        assert case.fragment in str(outcome)
        assert (srv.server, "shared") == (outcome.server, outcome.org_name)
    assert case.min_s <= elapsed <= case.max_s, elapsed

    residue = residue_of(srv, before)
    alternatives = case.residue if case.residue and isinstance(case.residue[0], list) else [case.residue]
    assert residue in alternatives
    left = [srv.dataset(d) for d in dataset_ids(srv) - before]
    assert [] == [d for d in left if (d.owner, d.org) != ("alice", "shared")]
    if isinstance(outcome, GraphistryError):
        # The error names the half-made dataset, if any, so the caller can log it.
        assert ([d.dataset_id for d in left] or [None]) == [outcome.dataset_id]

    after = bounded(10, lambda: run(client, full_plan("after the fault")))
    record = srv.dataset(after.dataset_id)
    assert (len(EDGES), len(NODES), "alice", "shared") == (
        record.edges_rows, record.nodes_rows, record.owner, record.org
    )  # fmt: skip
    client.close()


def test_failed_login_flight_is_shared_then_recovers(srv: LocalServer) -> None:
    """Eight threads need the first login while it fails (500 after the retries): every one
    gets a ServerError (one flight, its error shared), within a bound; nothing is created;
    then the same client logs in and plots."""
    client = user_client(srv, "alice", max_retries=1)
    before = dataset_ids(srv)
    srv.inject_fault(LOGIN, status=500, count=2)
    outcomes: list[Any] = []

    def run() -> None:
        try:
            outcomes.append(client.run(full_plan()))
        except GraphistryError as error:
            outcomes.append(error)

    import threading

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    join_all(threads, 15)
    assert 8 * [ServerError] == [type(o) for o in outcomes]
    assert set() == dataset_ids(srv) - before
    logins = [r for r in settled_log(srv) if r.path == LOGIN]
    assert 2 == len(logins)  # one flight: 1 + max_retries attempts, not 8 x 2
    assert bounded(10, lambda: client.run(full_plan()).dataset_id)


def test_token_expiring_mid_plot_relogs_in_once(srv: LocalServer) -> None:
    """A token that expires between create and the uploads (1 s tokens, uploads held 1.5 s
    by the server before it checks the token): the uploads get 401, the client logs in
    once and replays them; the dataset is complete and wholly alice's."""
    srv.token_ttl = 1
    client = user_client(srv, "alice", org_name="shared", timeout=(3.0, 5.0))
    client.token()
    srv.clear_request_log()
    srv.inject_fault(UPLOADS, delay_s=1.5, count=2)
    result = bounded(15, lambda: client.run(full_plan()))
    record = srv.dataset(result.dataset_id)
    assert ("alice", "shared", "alice", "alice", 3, 4) == (
        record.owner, record.org, record.edges_uploader, record.nodes_uploader,
        record.edges_rows, record.nodes_rows,
    )  # fmt: skip
    log = settled_log(srv)
    assert 401 in [r.status for r in log if r.path.endswith("/arrow")]
    assert 1 <= len([r for r in log if r.path == LOGIN]) <= 2  # ahead-of-expiry + after 401
    srv.token_ttl = 3600
    assert bounded(10, lambda: client.run(full_plan()).dataset_id)


def test_jwt_expiring_mid_plot_is_authentication_error(srv: LocalServer) -> None:
    """A ClientJWT whose token expires mid-plot cannot log in again: AuthenticationError
    naming the expiry, the bare dataset left as documented; a new ClientJWT with a fresh
    token works (the expired one stays unusable by nature: it holds no credentials)."""
    srv.token_ttl = 2
    with user_client(srv, "alice") as source:
        token = source.token()
    client = ClientJWT(token, server=srv.server, protocol="http", timeout=(3.0, 5.0))
    before = dataset_ids(srv)
    srv.inject_fault(UPLOADS, delay_s=2.5, count=2)
    with pytest.raises(AuthenticationError, match="expired") as info:
        bounded(15, lambda: client.run(full_plan()))
    assert BARE == residue_of(srv, before)
    assert info.value.dataset_id == next(iter(dataset_ids(srv) - before))
    srv.token_ttl = 3600
    with user_client(srv, "alice") as source:
        fresh = ClientJWT(source.token(), server=srv.server, protocol="http")
    assert bounded(10, lambda: fresh.run(full_plan()).dataset_id)


def test_tokens_issued_already_expired_fail_fast(srv: LocalServer) -> None:
    """A server that issues expired tokens (token_ttl 0): AuthenticationError after one
    re-login, no loop, nothing created; once tokens are good again, the client works."""
    srv.token_ttl = 0
    client = user_client(srv, "alice")
    before = dataset_ids(srv)
    with pytest.raises(AuthenticationError):
        bounded(10, lambda: client.run(full_plan()))
    assert set() == dataset_ids(srv) - before
    assert len([r for r in settled_log(srv) if r.path == LOGIN]) <= 3
    srv.token_ttl = 3600
    assert bounded(10, lambda: client.run(full_plan()).dataset_id)


def _server(data_dir: Any, port: int = 0) -> LocalServer:
    return LocalServer(
        users=list(TEST_USERS), personal_keys=list(TEST_PERSONAL_KEYS), data_dir=data_dir, port=port
    ).start()


def test_server_restart_between_plots(tmp_path: Any) -> None:
    """Plot, restart the server on the same data dir and port, plot again with the same
    client: it succeeds without logging in again (tokens survive the restart), and both
    datasets are on the restarted server, alice's, in her org."""
    first_server = _server(tmp_path)
    port = first_server.port
    client = ClientUserPass("alice", "alice-pw", server=first_server.server, protocol="http",
                            timeout=(2.0, 5.0))  # fmt: skip
    try:
        first = bounded(10, lambda: client.run(full_plan("before restart")))
    finally:
        first_server.stop()
    second_server = _server(tmp_path, port)
    try:
        second = bounded(10, lambda: client.run(full_plan("after restart")))
        records = [second_server.dataset(r.dataset_id) for r in (first, second)]
        assert [("alice", "acme", 3, 4)] * 2 == [
            (r.owner, r.org, r.edges_rows, r.nodes_rows) for r in records
        ]
        assert [] == [r for r in settled_log(second_server) if r.path == LOGIN]
    finally:
        client.close()
        second_server.stop()


def test_server_down_then_back_with_lost_state(tmp_path: Any) -> None:
    """The server goes away: a run fails with TransportError within a bound, leaving
    nothing; a server with fresh state (new token key) comes back on the same port: the
    same client's next run gets a 401, logs in once and succeeds."""
    first_server = _server(tmp_path / "one")
    port = first_server.port
    client = ClientUserPass("alice", "alice-pw", server=first_server.server, protocol="http",
                            timeout=(1.0, 3.0))  # fmt: skip
    try:
        bounded(10, lambda: client.run(full_plan()))
    finally:
        first_server.stop()
    started = time.monotonic()
    with pytest.raises(TransportError, match="connection failed") as info:
        bounded(10, lambda: client.run(full_plan()))
    assert time.monotonic() - started < 5.0
    assert None is info.value.dataset_id
    second_server = _server(tmp_path / "two", port)
    try:
        result = bounded(10, lambda: client.run(full_plan("after the outage")))
        assert [result.dataset_id] == [d.dataset_id for d in second_server.datasets()]
        log = settled_log(second_server)
        assert [401, 200] == [r.status for r in log if r.path == CREATE]
        assert 1 == len([r for r in log if r.path == LOGIN])
    finally:
        client.close()
        second_server.stop()


def test_reset_in_the_middle_of_a_large_body_is_retried(srv: LocalServer) -> None:
    """A 24 MB edges body whose connection is cut while the client is still sending it
    (reset after 50 ms): the upload is retried and the dataset is complete; cut on every
    attempt: TransportError, the dataset left without edges, the client still usable."""
    import numpy as np

    rows = 1_000_000
    big = pd.DataFrame({"s": np.arange(rows) % 1000, "d": np.arange(rows) % 777,
                        "w": np.linspace(0, 1, rows)})  # fmt: skip
    plan = graphistry.edges(big, "s", "d").plan()
    client = user_client(srv, "alice", org_name="shared")
    client.token()
    srv.inject_fault(UPLOADS, reset=True, delay_s=0.05)
    result = bounded(20, lambda: client.run(plan))
    assert rows == srv.dataset(result.dataset_id).edges_rows
    before = dataset_ids(srv)
    srv.inject_fault(UPLOADS, reset=True, delay_s=0.05, count=3)
    with pytest.raises(TransportError) as info:
        bounded(20, lambda: client.run(plan))
    assert BARE == residue_of(srv, before)
    assert info.value.dataset_id in dataset_ids(srv) - before
    assert bounded(20, lambda: client.run(plan)).dataset_id
