"""Clients for the users of the ``graphistry_server`` fixture (password ``<user>-pw``,
personal key ``<user>-key``/``<user>-secret`` for alice and carol), with small timeouts."""

from __future__ import annotations

from typing import Any

from graphistry_fp.interpreters.clients import ClientAPIKey, ClientJWT, ClientUserPass
from graphistry_fp.interpreters.sso import ClientSSO
from graphistry_fp.server import LocalServer

#: Client timeouts used throughout: (connect, read) seconds. Small, so nothing waits long.
TIMEOUT = (3.0, 5.0)


def user_client(srv: LocalServer, user: str = "alice", **kw: Any) -> ClientUserPass:
    """A password client for a fixture user on ``srv`` (small timeouts unless given)."""
    kw.setdefault("timeout", TIMEOUT)
    return ClientUserPass(user, f"{user}-pw", server=srv.server, protocol="http", **kw)


def key_client(srv: LocalServer, user: str = "alice", **kw: Any) -> ClientAPIKey:
    """A personal-key client (``<user>-key`` / ``<user>-secret``: alice and carol)."""
    kw.setdefault("timeout", TIMEOUT)
    return ClientAPIKey(f"{user}-key", f"{user}-secret", server=srv.server, protocol="http", **kw)


def jwt_client(srv: LocalServer, **kw: Any) -> ClientJWT:
    """A ClientJWT holding a token alice obtained elsewhere (a throwaway login); the
    request log is cleared after that login."""
    with user_client(srv) as other:
        token = other.token()
    srv.clear_request_log()
    return ClientJWT(token, server=srv.server, protocol="http", **kw)


def sso_client(srv: LocalServer, **kw: Any) -> ClientSSO:
    """A ClientSSO on ``srv`` over http (a short ``sso_timeout`` unless given)."""
    kw.setdefault("sso_timeout", 10)
    return ClientSSO(server=srv.server, protocol="http", **kw)
