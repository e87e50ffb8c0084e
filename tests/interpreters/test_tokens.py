"""Unit tests of the token cache: a fake clock and an in-memory responder, no sockets.

The real-HTTP versions of the expiry and single-flight tests are in test_http_tokens.py;
these pin the exact decisions (margins, expired tokens, shared failures) deterministically.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

import jwt
import pytest

from graphistry_fp.errors import AuthenticationError
from graphistry_fp.interpreters import auth_flows, wire
from graphistry_fp.interpreters.tokens import AuthState, TokenCache
from graphistry_fp.interpreters.wire import Request, Response
from tests.support.threads import at_once


def make_jwt(iat: float, ttl: float, org: str | None = None) -> str:
    claims: dict[str, Any] = {"username": "alice", "iat": int(iat), "exp": int(iat + ttl)}
    if org is not None:
        claims["org"] = org
    return jwt.encode(claims, "test-secret-key-of-some-length-32b", algorithm="HS256")


class FakeServer:
    """Answers auth requests in memory; counts them by path; optionally slow or failing."""

    def __init__(self, clock: list[float], ttl: float = 100.0, delay: float = 0.0) -> None:
        self.clock = clock
        self.ttl = ttl
        self.delay = delay
        self.fail_login = False
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def send(self, request: Request) -> Response:
        with self.lock:
            self.calls[request.path] += 1
        if self.delay:
            time.sleep(self.delay)
        if request.path == "/api-token-auth/" and self.fail_login:
            return Response(401, {}, b'{"detail": "no"}')
        org = None
        if request.json is not None:
            org = request.json.get("org_name")
        if request.form is not None:
            org = request.form["slug"]
        body = {"token": make_jwt(self.clock[0], self.ttl, org), "status": "OK"}
        return Response(200, {}, json.dumps(body).encode())

    def run(self, flow: wire.Flow[Any]) -> Any:
        return wire.run_flow(flow, self.send)


def cache(server: FakeServer, *, org: str | None = None, token: str | None = None,
          credentials: bool = True) -> TokenCache:
    login = (lambda o: auth_flows.password_login("alice", "pw", o)) if credentials else None
    return TokenCache(
        login=login, org_name=org, run_flow=server.run, run_flow_str=server.run,
        token=token, clock=lambda: server.clock[0],
    )


def test_auth_state_margin_is_min_of_60s_and_half_lifetime() -> None:
    """refresh_at = exp - min(60, lifetime/2): 50 s before a 100 s token, 60 s before 1 h."""
    assert 1050.0 == AuthState.of(make_jwt(1000, 100), None, 1000).refresh_at
    assert 1000.0 + 3600 - 60 == AuthState.of(make_jwt(1000, 3600), None, 1000).refresh_at
    assert None is AuthState.of("opaque-token", None, 1000).refresh_at


def test_login_at_first_need_then_cached() -> None:
    """Construction sends nothing; the first current() logs in; later ones send nothing."""
    server = FakeServer([1000.0])
    tokens = cache(server)
    assert Counter() == server.calls
    first = tokens.current()
    assert first == tokens.current()
    assert Counter({"/api-token-auth/": 1}) == server.calls


def test_refresh_ahead_of_expiry_only_inside_margin() -> None:
    """At 49 s of a 100 s token nothing is sent; at 51 s one refresh is sent."""
    clock = [1000.0]
    server = FakeServer(clock)
    tokens = cache(server)
    tokens.current()
    clock[0] = 1049.0
    tokens.current()
    assert 0 == server.calls["/api/v2/auth/token/refresh"]
    clock[0] = 1051.0
    tokens.current()
    assert 1 == server.calls["/api/v2/auth/token/refresh"]
    assert 1 == server.calls["/api-token-auth/"]


def test_expired_token_logs_in_afresh_not_refresh() -> None:
    """An expired token is never sent to refresh: one fresh login."""
    clock = [1000.0]
    server = FakeServer(clock)
    tokens = cache(server)
    tokens.current()
    clock[0] = 1200.0
    tokens.current()
    assert Counter({"/api-token-auth/": 2}) == server.calls


def test_expired_jwt_without_credentials_raises() -> None:
    """A ClientJWT-style cache with an expired token raises and sends nothing."""
    server = FakeServer([5000.0])
    tokens = cache(server, token=make_jwt(1000, 100), credentials=False)
    with pytest.raises(AuthenticationError):
        tokens.current()
    assert Counter() == server.calls


def test_fifty_threads_one_login() -> None:
    """50 threads needing a token at once cause exactly one login; all get the same token."""
    server = FakeServer([1000.0], delay=0.2)
    tokens = cache(server)
    results = at_once(50, lambda: tokens.current().token)
    assert Counter({"/api-token-auth/": 1}) == server.calls
    assert (1, 50) == (len(set(results)), len(results))


def test_failed_flight_is_shared_not_repeated() -> None:
    """When the single login fails, the waiting threads get the error without new requests."""
    server = FakeServer([1000.0], delay=0.2)
    server.fail_login = True
    tokens = cache(server)
    outcomes = at_once(20, tokens.current)
    assert 20 == len([o for o in outcomes if isinstance(o, AuthenticationError)])
    assert 1 == server.calls["/api-token-auth/"]


def test_org_switch_posted_once_at_first_login_with_org() -> None:
    """A cache created with an org logs in with it and switches once; then no more switches."""
    server = FakeServer([1000.0])
    tokens = cache(server, org="acme")
    tokens.current()
    tokens.current()
    assert Counter({"/api-token-auth/": 1, "/api/v2/o/acme/switch/": 1}) == server.calls
    assert "acme" == tokens.org_name


def test_switch_changes_org_and_reauth_keeps_it() -> None:
    """switch() posts one switch; a later re-login asks for the switched org, no switch."""
    clock = [1000.0]
    server = FakeServer(clock)
    tokens = cache(server)
    tokens.current()
    tokens.switch("beta")
    assert "beta" == tokens.current().org_name
    stale = tokens.current()
    clock[0] = 1001.0
    assert "beta" == tokens.reauthenticate(stale).org_name
    assert Counter({"/api-token-auth/": 2, "/api/v2/o/beta/switch/": 1}) == server.calls


def test_concurrent_reauth_for_same_stale_token_is_one_login() -> None:
    """Two requests that both got 401 for the same token cause one login."""
    clock = [1000.0]
    server = FakeServer(clock, delay=0.1)
    tokens = cache(server)
    stale = tokens.current()
    threads = [threading.Thread(target=tokens.reauthenticate, args=(stale,)) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 2 == server.calls["/api-token-auth/"]
