"""The ASGI application: every route of PROTOCOL.md 7.1 behind the test knobs."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from . import routes_auth, routes_datasets, routes_files, routes_sso, viewer, viewer_access
from .context import ServerContext
from .control import ControlMiddleware
from .errors import EXCEPTION_HANDLERS


async def _index(request: Request) -> JSONResponse:
    return JSONResponse({"status": "OK", "server": "graphistry_fp"})


def build_app(ctx: ServerContext) -> ASGIApp:
    """The server's ASGI app for ``ctx``; the knobs of ``ctx.controls`` wrap everything."""
    app = Starlette(
        routes=[
            # Matched in order: the busiest routes (create, upload) first. No path of
            # one module matches a route of another, so the order changes nothing else.
            *routes_datasets.ROUTES,
            Route("/", _index, methods=["GET"]),
            *routes_auth.ROUTES,
            *routes_files.ROUTES,
            *routes_sso.ROUTES,
            *viewer.ROUTES,
            *viewer_access.ROUTES,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.ctx = ctx
    return ControlMiddleware(app, ctx.controls)
