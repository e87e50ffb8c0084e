"""Reply handling: what a server's reply means, in words and typed errors.

Theory of operation. Flows decide what a *successful* reply means; everything else about
replies lives here, once: :func:`error_for` maps a non-success status to the typed error of
DESIGN.md section 6, :func:`expect_json` insists on a JSON object (a proxy's HTML page is a
:class:`~graphistry_fp.errors.ProtocolError`, not a crash), :func:`server_message` gives
the server's own words, short, and :func:`scrub` removes anything that looks like a JWT
from text that may reach a message or a log line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from graphistry_fp.errors import (
    AuthenticationError,
    GraphistryError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ServerError,
)

from .wire import Request, Response

_JWT_LIKE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
_SPACES = re.compile(r"\s+")


def scrub(text: str) -> str:
    """Remove anything that looks like a JWT from ``text`` (server messages may echo one)."""
    return _JWT_LIKE.sub("<token>", text)


def server_message(response: Response) -> str:
    """The server's own words for a reply, short and without secrets."""
    obj = response.json_object()
    if obj is not None:
        for key in ("message", "detail", "error", "non_field_errors", "errors"):
            if obj.get(key):
                value = obj[key]
                text = value if isinstance(value, str) else json.dumps(value)
                return scrub(text[:300])
        return scrub(json.dumps(obj)[:300])
    text = response.content[:2000].decode("utf-8", "replace")
    title = re.search(r"<title>(.*?)</title>", text, re.I | re.S)
    if title:
        text = f"an HTML page titled {title.group(1).strip()!r}"
    elif "<html" in text.lower():
        text = "an HTML page"
    return scrub(_SPACES.sub(" ", text).strip()[:300]) or "an empty body"


def error_for(response: Response, what: str, request: Request | None = None) -> GraphistryError:
    """The typed error for a reply that is not a success (DESIGN.md section 6)."""
    status = response.status
    said = server_message(response)
    where = f" ({request.method} {request.path})" if request is not None else ""
    if status == 401:
        return AuthenticationError(
            f"{what}: the server refused the credentials or token{where}: {said}", status=status
        )
    if status == 403:
        return PermissionDeniedError(
            f"{what}: permission denied{where}; check the org and the user's access: {said}",
            status=status,
        )
    if status == 429:
        return RateLimitError(
            f"{what}: rate limited by the server{where}; retry later: {said}", status=status
        )
    if status >= 500:
        return ServerError(f"{what}: server error{where}: {said}", status=status)
    if 300 <= status < 400:
        location = response.headers.get("location", "?")
        return ProtocolError(
            f"{what}: the server redirected{where} to {location}; check protocol and server",
            status=status,
        )
    return ProtocolError(f"{what}: unexpected reply{where}: {said}", status=status)


def expect_json(response: Response, what: str, request: Request) -> dict[str, Any]:
    """The reply's JSON object, or :class:`ProtocolError` (an HTML page, an empty body)."""
    obj = response.json_object()
    if obj is None:
        raise ProtocolError(
            f"{what}: expected a JSON object from {request.method} {request.path}, "
            f"got {server_message(response)}",
            status=response.status,
        )
    return obj
