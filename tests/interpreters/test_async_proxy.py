"""The async transport's routes, over real sockets on 127.0.0.1: TLS to the server, an HTTP
proxy for an http:// server (absolute-form requests), a CONNECT tunnel through an HTTP proxy
for an https:// server (TLS inside it, the certificate still checked), credentials from the
proxy URL, the environment read once per client, and an unsupported proxy refused by name.
The proxy is ``tests/support/proxy.py``; the TLS server is the hostile server's, its socket
wrapped with a self-signed certificate for 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphistry_fp import ClientUserPass
from graphistry_fp.errors import ProtocolError, TransportError
from graphistry_fp.server import LocalServer
from tests.reliability import hostile
from tests.reliability.hostile import TOKEN, HostileServer
from tests.support.clients import TIMEOUT, user_client
from tests.support.data import edges_plan
from tests.support.proxy import Proxy
from tests.support.sockets import certificate

_PROXY_VARS = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable set, whatever the machine's environment says."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    return monkeypatch


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    """A fresh proxy per test."""
    p = Proxy()
    yield p
    p.close()


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[HostileServer, Path]]:
    """The hostile server speaking TLS (a certificate for 127.0.0.1) and granting a token
    at login; with the certificate's path (the CA bundle that trusts it)."""
    cert, key = certificate(tmp_path)
    server = HostileServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd: Any = server._httpd
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    server.behave(hostile.grant(TOKEN))
    yield server, cert
    server.close()


def https_user(server: HostileServer, **kw: Any) -> ClientUserPass:
    """A password client for the TLS server."""
    kw.setdefault("timeout", TIMEOUT)
    kw.setdefault("max_retries", 0)
    return ClientUserPass("alice", "pw", server=server.server, protocol="https", **kw)


def failure(client: ClientUserPass) -> BaseException:
    """What ``await client.atoken()`` raises."""
    try:
        asyncio.run(client.atoken())
    except BaseException as error:
        return error
    raise AssertionError("expected an exception")


def basic(userinfo: str) -> str:
    """The Proxy-Authorization value for ``user:password``."""
    return "Basic " + base64.b64encode(userinfo.encode()).decode()


def test_tls_to_the_server_checks_its_certificate(
    env: pytest.MonkeyPatch, tls_server: tuple[HostileServer, Path]
) -> None:
    """With the server's certificate as the CA bundle, atoken logs in over TLS; without it,
    the certificate is refused (TransportError, nothing reaches the handler); with
    certificate_validation=False it is not checked."""
    server, cert = tls_server
    refused = failure(https_user(server))
    assert isinstance(refused, TransportError)
    assert "connection failed" in str(refused)
    assert [] == server.seen
    with pytest.warns(UserWarning, match="certificate_validation=False"):
        unchecked = https_user(server, certificate_validation=False)
    assert TOKEN == asyncio.run(unchecked.atoken())
    env.setenv("REQUESTS_CA_BUNDLE", str(cert))
    assert TOKEN == asyncio.run(https_user(server).atoken())
    assert ["/api-token-auth/", "/api-token-auth/"] == [path for _, path, _, _ in server.seen]


def test_http_proxy_carries_absolute_form_requests(
    env: pytest.MonkeyPatch, proxy: Proxy, srv: LocalServer
) -> None:
    """HTTP_PROXY with credentials: a whole arun (login, create, upload) goes through the
    proxy, every request with its absolute URL and the proxy's Basic credentials (percent
    escapes decoded), and the server stores the dataset."""
    env.setenv("HTTP_PROXY", proxy.url("us%40er:p%3Ass@"))
    client = user_client(srv)
    result = asyncio.run(client.arun(edges_plan()))
    base = f"http://{srv.server}"
    assert [
        ("POST", base + "/api-token-auth/"),
        ("POST", base + "/api/v2/upload/datasets/"),
        ("POST", base + f"/api/v2/upload/datasets/{result.dataset_id}/edges/arrow"),
    ] == [tuple(first.split(" ")[:2]) for first, _ in proxy.heads]
    assert {basic("us@er:p:ss")} == {h["proxy-authorization"] for _, h in proxy.heads}
    assert result.dataset_id in {d.dataset_id for d in srv.datasets()}


def test_connect_tunnel_carries_tls_to_an_https_server(
    env: pytest.MonkeyPatch, proxy: Proxy, tls_server: tuple[HostileServer, Path]
) -> None:
    """HTTPS_PROXY: one CONNECT to the server's host:port with the proxy's credentials,
    then TLS inside the tunnel to the server itself (its certificate checked against the
    bundle): the login reaches the server, the proxy sees no request but the CONNECT."""
    server, cert = tls_server
    env.setenv("HTTPS_PROXY", proxy.url("alice:s3cret@"))
    env.setenv("REQUESTS_CA_BUNDLE", str(cert))
    assert TOKEN == asyncio.run(https_user(server).atoken())
    assert [f"CONNECT {server.server} HTTP/1.1"] == [first for first, _ in proxy.heads]
    assert basic("alice:s3cret") == proxy.heads[0][1]["proxy-authorization"]
    assert ["/api-token-auth/"] == [path for _, path, _, _ in server.seen]


def test_tunnel_refused_by_the_proxy_is_a_transport_error(
    env: pytest.MonkeyPatch, tls_server: tuple[HostileServer, Path]
) -> None:
    """A proxy answering CONNECT with 407: TransportError ("connection failed"), the proxy's
    credentials nowhere in it, nothing sent to the server."""
    server, _ = tls_server
    refusing = Proxy(refuse=407)
    try:
        env.setenv("HTTPS_PROXY", refusing.url("alice:s3cret@"))
        error = failure(https_user(server))
    finally:
        refusing.close()
    assert isinstance(error, TransportError)
    assert "connection failed" in str(error)
    assert "s3cret" not in str(error)
    assert [] == server.seen


def test_unsupported_proxy_is_named_not_bypassed(env: pytest.MonkeyPatch, srv: LocalServer) -> None:
    """A socks5 proxy in HTTP_PROXY: the first request raises a ProtocolError naming the
    proxy without its password; nothing reaches the server (it is not silently bypassed)."""
    env.setenv("HTTP_PROXY", "socks5://bob:hunter2@127.0.0.1:1080")
    srv.clear_request_log()
    error = failure(user_client(srv))
    assert isinstance(error, ProtocolError)
    assert "socks5://127.0.0.1:1080" in str(error)
    assert "hunter2" not in str(error)
    assert [] == srv.request_log()


def test_environment_is_read_once_per_client(
    env: pytest.MonkeyPatch, proxy: Proxy, srv: LocalServer
) -> None:
    """The route is fixed when the client is made, as the sync transport's: a client made
    under NO_PROXY for the server keeps going direct after the variables change, and one
    made under HTTP_PROXY keeps its proxy after HTTP_PROXY is unset."""
    env.setenv("HTTP_PROXY", proxy.url())
    env.setenv("NO_PROXY", "127.0.0.1")
    direct = user_client(srv)
    env.delenv("NO_PROXY")
    proxied = user_client(srv)
    env.delenv("HTTP_PROXY")
    asyncio.run(direct.atoken())
    assert [] == proxy.heads
    asyncio.run(proxied.atoken())
    assert [("POST", f"http://{srv.server}/api-token-auth/")] == [
        tuple(first.split(" ")[:2]) for first, _ in proxy.heads
    ]
