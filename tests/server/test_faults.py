"""The test knobs: fault injection, latency, the request log, the token TTL."""

from __future__ import annotations

import time

import pytest
import requests

from graphistry_fp.server import LocalServer, RequestRecord
from tests.support.server import get, login, post


def test_fault_status_body_headers_and_count(srv: LocalServer) -> None:
    """The next `count` matching requests get the injected reply; then normal service."""
    srv.inject_fault(
        "/api-token-auth/", status=503, count=2, body={"x": 1}, headers={"Retry-After": "3"}
    )
    body = {"username": "alice", "password": "alice-pw"}
    for _ in range(2):
        reply = post(srv, "/api-token-auth/", json=body)
        assert (503, {"x": 1}, "3") == (
            reply.status_code,
            reply.json(),
            reply.headers["retry-after"],
        )
    assert 200 == post(srv, "/api-token-auth/", json=body).status_code


def test_fault_prefix_method_and_text_body(srv: LocalServer) -> None:
    """Faults match a path prefix and, when given, a method; str bodies go as they are."""
    srv.inject_fault(
        "/api/v2/upload/",
        status=500,
        method="GET",
        body="<html>oops</html>",
        content_type="text/html",
    )
    token = login(srv, "alice", "alice-pw")
    assert (
        200 == post(srv, "/api/v2/upload/datasets/", token, json={}).status_code
    )  # POST: no match
    reply = get(srv, "/api/v2/upload/datasets/whatever", token)
    assert (500, "<html>oops</html>", "text/html") == (
        reply.status_code,
        reply.text,
        reply.headers["content-type"],
    )


def test_fault_delay_then_normal_handling(srv: LocalServer) -> None:
    """With no status, a fault only delays the request, which is then served normally."""
    srv.inject_fault("/", delay_s=0.3)
    started = time.monotonic()
    reply = get(srv, "/")
    assert 200 == reply.status_code
    assert time.monotonic() - started >= 0.3


def test_fault_delay_triggers_client_timeout(srv: LocalServer) -> None:
    """A stall longer than the client's read timeout looks like a dead server."""
    srv.inject_fault("/", delay_s=1.0, status=200)
    with pytest.raises(requests.ReadTimeout):
        requests.get(srv.url + "/", timeout=0.2)


def test_fault_reset_closes_connection(srv: LocalServer) -> None:
    """reset=True drops the connection with no reply; the log records status None."""
    srv.inject_fault("/api-token-auth/", reset=True)
    with pytest.raises(requests.ConnectionError):
        post(srv, "/api-token-auth/", json={"username": "alice", "password": "alice-pw"})
    assert (
        RequestRecord(method="POST", path="/api-token-auth/", status=None, username=None)
        == (srv.request_log()[-1])
    )
    assert 200 == get(srv, "/").status_code


def test_clear_faults(srv: LocalServer) -> None:
    """clear_faults drops pending faults."""
    srv.inject_fault("/", status=500, count=5)
    srv.clear_faults()
    assert 200 == get(srv, "/").status_code


def test_request_log(srv: LocalServer) -> None:
    """Every request is logged in order with method, path, status and user."""
    token = login(srv, "bob", "bob-pw")
    post(srv, "/api/v2/upload/datasets/", token, json={})
    get(srv, "/missing")
    assert [
        RequestRecord(method="POST", path="/api-token-auth/", status=200, username="bob"),
        RequestRecord(method="POST", path="/api/v2/upload/datasets/", status=200, username="bob"),
        RequestRecord(method="GET", path="/missing", status=404, username=None),
    ] == srv.request_log()
    srv.clear_request_log()
    assert [] == srv.request_log()


def test_latency(srv: LocalServer) -> None:
    """set_latency delays every request."""
    srv.set_latency(200)
    started = time.monotonic()
    get(srv, "/")
    assert time.monotonic() - started >= 0.2
    srv.set_latency(0)


def test_token_ttl_settable(srv: LocalServer) -> None:
    """token_ttl changes the lifetime of tokens issued from then on."""
    import jwt

    srv.token_ttl = 42
    claims = jwt.decode(login(srv, "alice", "alice-pw"), options={"verify_signature": False})
    assert 42 == claims["exp"] - claims["iat"]
