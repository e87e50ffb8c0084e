"""Issue 17, item 9: the request log of a long-running server stays bounded."""

from __future__ import annotations

from graphistry_fp.server import LocalServer
from tests.support.server import get, post


def test_request_log_keeps_the_newest_entries_up_to_its_limit() -> None:
    """The log keeps 10,000 entries by default and at most ``request_log_limit``, the
    newest, once that limit is lowered.

    Fails before the fix: the log had no limit (no ``request_log_limit`` knob)."""
    with LocalServer(users=["alice:pw"]) as srv:
        assert 10_000 == srv.request_log_limit
        srv.request_log_limit = 3
        for index in range(6):
            get(srv, f"/nope/{index}")
        assert ["/nope/3", "/nope/4", "/nope/5"] == [r.path for r in srv.request_log()]


def test_login_throttle_is_on_by_default() -> None:
    """A LocalServer (as ``serve`` runs it) throttles from the start: the 11th failed
    login for a name within a minute is a 429, even with the right password.

    Fails before the fix: every attempt was checked."""
    with LocalServer(users=["alice:pw"]) as srv:
        for _ in range(10):
            reply = post(srv, "/api-token-auth/", json={"username": "alice", "password": "no"})
            assert 401 == reply.status_code
        reply = post(srv, "/api-token-auth/", json={"username": "alice", "password": "pw"})
        assert 429 == reply.status_code
        assert "retry-after" in reply.headers
