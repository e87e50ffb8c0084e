"""Faults over real HTTP: retries where safe, typed errors with the run's context.

Faults are injected into the local server (``srv.inject_fault``). Upload paths are matched
with the prefix ``/api/v2/upload/datasets/ds`` (dataset ids start with ``ds``), which does
not match the create-dataset path itself.
"""

from __future__ import annotations

import socket
import time
from collections import Counter

import pytest

from graphistry_fp.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ServerError,
    TransportError,
)
from graphistry_fp.interpreters.clients import ClientAPIKey, ClientUserPass
from graphistry_fp.server import LocalServer
from tests.support.clients import user_client
from tests.support.data import CREATE, UPLOADS, edges_plan, full_plan
from tests.support.server import requests_by_kind, settled_log


@pytest.mark.parametrize("status", [503, 429, 502, 504])
def test_transient_status_then_success(srv: LocalServer, status: int) -> None:
    """A 503/429/502/504 on an upload, then success: the plot succeeds after one retry."""
    with user_client(srv) as client:
        client.token()
        srv.inject_fault(UPLOADS, status=status, count=1)
        result = client.run(edges_plan())
    assert 3 == srv.dataset(result.dataset_id).edges_rows
    assert [status, 200] == [r.status for r in settled_log(srv) if r.path.endswith("/arrow")]


def test_transient_login_then_success(srv: LocalServer) -> None:
    """A 503 on the login (safe to repeat) is retried: one failed and one good login."""
    srv.inject_fault("/api-token-auth/", status=503, count=1)
    with user_client(srv) as client:
        client.run(edges_plan())
    assert Counter({"login": 2, "create": 1, "edges": 1}) == requests_by_kind(srv)


def test_retry_after_is_honoured(srv: LocalServer) -> None:
    """A 429 with Retry-After: 1 waits at least about one second before the retry."""
    with user_client(srv) as client:
        client.token()
        srv.inject_fault(UPLOADS, status=429, count=1, headers={"Retry-After": "1"})
        started = time.monotonic()
        client.run(edges_plan())
        elapsed = time.monotonic() - started
    assert elapsed >= 0.95


def test_500_forever_is_server_error_after_bounded_retries(srv: LocalServer) -> None:
    """500 on every upload: ServerError after 1 + max_retries attempts, with run context."""
    with user_client(srv, org_name="shared", max_retries=2) as client:
        client.token()
        srv.clear_request_log()
        srv.inject_fault(UPLOADS, status=500, count=100)
        with pytest.raises(ServerError) as info:
            client.run(edges_plan())
    error = info.value
    assert (srv.server, "shared", 500) == (error.server, error.org_name, error.status)
    assert error.dataset_id is not None and error.dataset_id.startswith("ds")
    assert Counter({"create": 1, "edges": 3}) == requests_by_kind(srv)


def test_429_forever_is_rate_limit_error(srv: LocalServer) -> None:
    """429 on every upload: RateLimitError after the retries."""
    with user_client(srv, max_retries=1) as client:
        client.token()
        srv.inject_fault(UPLOADS, status=429, count=100)
        with pytest.raises(RateLimitError):
            client.run(edges_plan())


def test_create_dataset_is_never_retried(srv: LocalServer) -> None:
    """A 503 on create-dataset (not safe to repeat) is a ServerError after one request."""
    with user_client(srv) as client:
        client.token()
        srv.clear_request_log()
        srv.inject_fault(CREATE, status=503, count=1, method="POST")
        with pytest.raises(ServerError) as info:
            client.run(edges_plan())
    assert None is info.value.dataset_id
    assert Counter({"create": 1}) == requests_by_kind(srv)


def test_unreachable_port_is_transport_error_quickly() -> None:
    """A port nobody listens on: TransportError within a couple of seconds (with retries)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    client = ClientUserPass("alice", "alice-pw", server=f"127.0.0.1:{port}", protocol="http")
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        client.run(edges_plan())
    assert time.monotonic() - started < 3.0
    assert f"127.0.0.1:{port}" == info.value.server
    client.close()


def test_read_timeout_is_transport_error(srv: LocalServer) -> None:
    """A reply slower than the read timeout is a TransportError (no retry: max_retries=0)."""
    with user_client(srv, timeout=(2, 0.3), max_retries=0) as client:
        client.token()
        srv.inject_fault(UPLOADS, delay_s=1.0, count=1)
        with pytest.raises(TransportError) as info:
            client.run(edges_plan())
    assert "timed out" in str(info.value)


@pytest.mark.parametrize("path", [CREATE, UPLOADS, "/api-token-auth/"])
def test_html_reply_is_protocol_error(srv: LocalServer, path: str) -> None:
    """An HTML page where JSON is due (a proxy's error page) is a ProtocolError."""
    srv.inject_fault(
        path,
        status=200,
        body="<html><head><title>Corporate proxy</title></head><body>hi</body></html>",
        content_type="text/html",
        count=1,
    )
    with user_client(srv) as client, pytest.raises(ProtocolError) as info:
        client.run(edges_plan())
    assert "HTML page titled 'Corporate proxy'" in str(info.value)
    assert 200 == info.value.status


def test_other_4xx_is_protocol_error(srv: LocalServer) -> None:
    """A 413 (body over the server's limit) is a ProtocolError with the status."""
    with user_client(srv) as client:
        client.token()
        srv.inject_fault(UPLOADS, status=413, body={"detail": "too large"}, count=1)
        with pytest.raises(ProtocolError) as info:
            client.run(full_plan())
    assert 413 == info.value.status
    assert "too large" in str(info.value)


def test_wrong_password_is_authentication_error(srv: LocalServer) -> None:
    """A wrong password: AuthenticationError from the login, one request, no retry."""
    client = ClientUserPass("alice", "wrong", server=srv.server, protocol="http")
    with pytest.raises(AuthenticationError) as info:
        client.run(edges_plan())
    assert (401, srv.server) == (info.value.status, info.value.server)
    assert Counter({"login": 1}) == requests_by_kind(srv)
    client.close()


def test_wrong_key_secret_is_authentication_error(srv: LocalServer) -> None:
    """A wrong personal key secret: AuthenticationError."""
    with ClientAPIKey(
        "alice-key", "nope", server=srv.server, protocol="http"
    ) as client, pytest.raises(AuthenticationError):
        client.token()


def test_org_not_a_member_is_permission_denied(srv: LocalServer) -> None:
    """Logging in to an org the user is not in: PermissionDeniedError (403)."""
    with user_client(srv, org_name="globex") as client, pytest.raises(PermissionDeniedError):
        client.token()
    with user_client(srv) as client:
        client.token()
        with pytest.raises(PermissionDeniedError):
            client.switch_org("globex")
        assert "acme" == client.org_name  # a failed switch changes nothing


def test_connection_reset_on_upload_is_retried(srv: LocalServer) -> None:
    """A connection closed with no reply during an upload is retried (uploads are safe)."""
    with user_client(srv) as client:
        client.token()
        srv.inject_fault(UPLOADS, reset=True, count=1)
        result = client.run(full_plan())
    record = srv.dataset(result.dataset_id)
    assert (3, 4) == (record.edges_rows, record.nodes_rows)


def test_connection_reset_on_create_is_not_retried(srv: LocalServer) -> None:
    """A connection closed during create-dataset is a TransportError, sent once."""
    with user_client(srv) as client:
        client.token()
        srv.clear_request_log()
        srv.inject_fault(CREATE, reset=True, count=1, method="POST")
        with pytest.raises(TransportError):
            client.run(edges_plan())
    assert 1 == requests_by_kind(srv)["create"]
