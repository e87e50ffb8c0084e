"""Issue 17, items 2 and 8: JSON and form bodies are small, finite and not too deep."""

from __future__ import annotations

import socket

import pytest

from graphistry_fp.server import LocalServer
from tests.support.server import TIMEOUT, create_dataset, get, login, post


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> LocalServer:
    return graphistry_server_clean


def _raw_request(srv: LocalServer, head: bytes, body: bytes) -> bytes:
    """Send ``head`` + ``body`` on a fresh socket; return the reply's first bytes."""
    with socket.create_connection((srv.host, srv.port), timeout=TIMEOUT) as sock:
        sock.sendall(head + body)
        return sock.recv(4096)


def test_big_login_body_is_413_before_it_is_read(srv: LocalServer) -> None:
    """A login body announcing 50 MB is answered 413 (no token needed) before the server
    reads it: the reply comes back while the client has sent only the headers.

    Fails before the fix: the server waited for all 50 MB (the recv timed out)."""
    head = (
        b"POST /api-token-auth/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000000\r\n\r\n"
    )
    reply = _raw_request(srv, head, b'{"username": "')
    assert reply.startswith(b"HTTP/1.1 413 ")


def test_chunked_json_body_over_the_cap_is_413(srv: LocalServer) -> None:
    """A JSON body with no Content-Length is cut off with 413 once it passes 1 MiB.

    Fails before the fix: 2 MiB of JSON was read and parsed (a 400 or a 401)."""
    chunks = iter([b'{"username": "' + b"a" * 1024 * 1024, b"a" * 1024 * 1024 + b'"}'])
    reply = post(srv, "/api-token-auth/", data=chunks)
    assert 413 == reply.status_code
    token = login(srv, "alice", "alice-pw")
    assert 413 == post(srv, "/api/v2/upload/datasets/", token, data=b" " * (2**20 + 1)).status_code


def test_body_under_the_cap_still_parses(srv: LocalServer) -> None:
    """A 900 KB create body (parsed off the loop) still creates the dataset."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token, description="d" * 900_000)
    assert 900_000 == len(srv.dataset(dataset_id).description)


def test_deep_json_is_400(srv: LocalServer) -> None:
    """A 10,000-deep JSON body is a 400, not a 500 from a RecursionError.

    Fails before the fix: the parser's RecursionError became a 500."""
    deep = b"[" * 10_000 + b"]" * 10_000
    reply = post(srv, "/api-token-auth/", data=deep, headers={"Content-Type": "application/json"})
    assert 400 == reply.status_code
    assert "nested too deeply" in reply.json()["detail"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_in_create_body_is_400_and_nothing_is_stored(srv: LocalServer, constant: str) -> None:
    """NaN/Infinity in a create body (metadata) is refused with 400 and no dataset.

    Fails before the fix: the dataset was created and then answered 500 for good."""
    token = login(srv, "alice", "alice-pw")
    before = len(srv.datasets())
    body = '{"name": "n", "metadata": {"x": ' + constant + '}, "edge_encodings": {}}'
    reply = post(
        srv,
        "/api/v2/upload/datasets/",
        token,
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert (400, False) == (reply.status_code, reply.json()["success"])
    assert f"{constant} is not JSON" in reply.json()["detail"]
    assert before == len(srv.datasets())


def test_sso_form_over_the_cap_is_413(srv: LocalServer) -> None:
    """The IdP form is capped like JSON bodies.

    Fails before the fix: the 2 MiB form was read and parsed (a 401)."""
    state = post(srv, "/api/v2/g/sso/oidc/login/").json()["data"]["state"]
    reply = post(
        srv,
        f"/sso/authorize/{state}",
        data={"username": "alice", "password": "x" * 2 * 2**20, "state": state},
    )
    assert 413 == reply.status_code
    assert 200 == get(srv, f"/sso/authorize/{state}").status_code
