"""Error replies: every error the server sends is a JSON object, never an HTML page.

Handlers raise :class:`ApiError` with the exact body the protocol wants for that endpoint
(``{"detail": ...}`` for DRF-style endpoints, ``{"non_field_errors": [...]}`` for refresh,
``{"status": "Failed", ...}`` for the org switch); the handlers below also turn starlette's
own 404/405 and any unexpected exception into JSON.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

_log = logging.getLogger(__name__)


#: Headers of every HTML page holding a password form: no other site may frame it (a
#: framed login form can be overlaid and clicked through: clickjacking).
NO_FRAMING = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


class ApiError(Exception):
    """An error reply: ``status``, the JSON ``body`` to send and extra ``headers``."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def detail(status: int, message: str, **extra: Any) -> ApiError:
    """An :class:`ApiError` with the DRF-style body ``{"detail": message, **extra}``."""
    return ApiError(status, {"detail": message, **extra})


class BodyTooLarge(Exception):
    """The request body passed the server's limit (raised while the body is read)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than {limit} bytes")
        self.limit = limit


class BodyTooSlow(Exception):
    """The request body stalled, or trickled in under the minimum rate."""

    def __init__(self, timeout_s: float, min_rate: float) -> None:
        super().__init__(
            f"request body stalled for {timeout_s:g} s or arrived under {min_rate:g} bytes/s"
        )


def too_large_response(limit: int) -> JSONResponse:
    """The 413 reply, shared by the Content-Length check and the streaming check."""
    return JSONResponse(
        {"detail": f"Request body too large: the limit is {limit} bytes.", "success": False},
        status_code=413,
        headers={"connection": "close"},
    )


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        {"detail": exc.detail}, status_code=exc.status_code, headers=dict(exc.headers or {})
    )


async def _too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLarge)
    return too_large_response(exc.limit)


async def _too_slow(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooSlow)
    return JSONResponse(
        {"detail": f"Request timeout: the {exc}.", "success": False},
        status_code=408,
        headers={"connection": "close"},
    )


async def _client_gone(request: Request, exc: Exception) -> Response:
    # The client hung up (its timeout, a reset) before its body arrived: nobody will read
    # a reply, and it is not a server error (no traceback in the log). 499 as nginx logs it.
    assert isinstance(exc, ClientDisconnect)
    return Response(status_code=499)


async def _server_error(request: Request, exc: Exception) -> Response:
    _log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "Internal server error."}, status_code=500)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: _api_error,
    HTTPException: _http_error,
    BodyTooLarge: _too_large,
    BodyTooSlow: _too_slow,
    ClientDisconnect: _client_gone,
    Exception: _server_error,
}
