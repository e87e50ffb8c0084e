"""Shared helpers of the interpreter tests: clients and plans against the local server.

The server is the session-wide ``graphistry_server`` of the ``graphistry_fp.testing``
plugin (users alice/bob/carol/dave, see that module); ``srv`` resets its faults, latency,
request log and token TTL around each test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp.effects import PlotPlan
from graphistry_fp.interpreters.clients import ClientAPIKey, ClientJWT, ClientUserPass
from graphistry_fp.server import LocalServer
from tests.helpers import settled_log

EDGES = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "w": [1.0, 2.0, 3.0]})
NODES = pd.DataFrame({"n": ["a", "b", "c", "d"], "label": ["A", "B", "C", "D"]})


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> Iterator[LocalServer]:
    """The shared local server, reset around the test."""
    yield graphistry_server_clean


def edges_plan(name: str = "edges only") -> PlotPlan:
    """An edges-only plan (create + upload edges)."""
    return graphistry.edges(EDGES, "s", "d").name(name).plan()


def full_plan(name: str = "edges and nodes") -> PlotPlan:
    """An edges + nodes plan with an encoding (create + upload edges + upload nodes)."""
    return (
        graphistry.edges(EDGES, "s", "d")
        .nodes(NODES, "n")
        .bind(point_title="label")
        .encode_edge_color("w", palette=["blue", "red"], as_continuous=True)
        .name(name)
        .plan()
    )


def user_client(srv: LocalServer, user: str = "alice", **kwargs: Any) -> ClientUserPass:
    """A ClientUserPass for a test user (password ``<user>-pw``) on ``srv``."""
    return ClientUserPass(user, f"{user}-pw", server=srv.server, protocol="http", **kwargs)


def key_client(srv: LocalServer, **kwargs: Any) -> ClientAPIKey:
    """alice's personal-key client on ``srv``."""
    return ClientAPIKey("alice-key", "alice-secret", server=srv.server, protocol="http", **kwargs)


def jwt_client(srv: LocalServer, **kwargs: Any) -> ClientJWT:
    """A ClientJWT holding a token alice obtained elsewhere (a throwaway login)."""
    with user_client(srv) as other:
        token = other.token()
    srv.clear_request_log()
    return ClientJWT(token, server=srv.server, protocol="http", **kwargs)


def requests_by_kind(srv: LocalServer, user: str | None = None) -> Counter[str]:
    """The server's request log (of ``user``, if given), counted by kind (login, refresh,
    switch, create, ...)."""
    kinds: Counter[str] = Counter()
    for record in settled_log(srv):
        if user is not None and record.username != user:
            continue
        path = record.path
        if path == "/api-token-auth/" or path == "/api/v2/auth/pkey/jwt/":
            kinds["login"] += 1
        elif path.startswith("/api/v2/auth/token/refresh"):
            kinds["refresh"] += 1
        elif path.endswith("/switch/"):
            kinds["switch"] += 1
        elif path == "/api/v2/upload/datasets/":
            kinds["create"] += 1
        elif path.endswith("/edges/arrow"):
            kinds["edges"] += 1
        elif path.endswith("/nodes/arrow"):
            kinds["nodes"] += 1
        elif path == "/api/v2/share/link/":
            kinds["share"] += 1
        else:
            kinds[path] += 1
    return kinds
