"""The local Graphistry-compatible server (DESIGN.md section 7).

It speaks the protocol pygraphistry 0.61 speaks (PROTOCOL.md) with real HTTP (starlette on
uvicorn), real HS256 JWTs and SQLite storage, and enforces what a real server enforces:
token expiry, org membership, dataset ownership. Install the ``server`` extra.

Start it with ``python -m graphistry_fp serve --user alice:secret:acme`` or in Python::

    from graphistry_fp.server import LocalServer
    with LocalServer(users=["alice:pw:acme,shared"]) as srv:
        ...  # point a client at srv.server (protocol "http")
        srv.datasets()
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "graphistry_fp.server needs the 'server' extra: pip install 'graphistry_fp[server]'"
    ) from exc

from .local import LocalServer
from .records import DatasetRecord, FileRecord, RequestRecord

__all__ = ["DatasetRecord", "FileRecord", "LocalServer", "RequestRecord"]
