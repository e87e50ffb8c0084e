"""Reply handling: what a server's reply means, in words and typed errors.

Theory of operation. Flows decide what a *successful* reply means; everything else about
replies lives here, once: :func:`error_for` maps a non-success status to the typed error of
DESIGN.md section 6, :func:`expect_json` insists on a JSON object (a proxy's HTML page is a
:class:`~graphistry_fp.errors.ProtocolError`, not a crash), :func:`server_message` gives
the server's own words, short, and :func:`scrub` removes anything that looks like a JWT
from text that may reach a message or a log line.

Secrets. A hostile (or careless) server may echo what it was sent: the password, the
personal key, a token. The flows build messages from the server's words without knowing
the client's secrets, so the client scrubs each error once, on its way out
(:func:`scrub_error`, called by the HTTP clients for every error they raise), of every
credential it holds: password, personal-key id and secret, the tokens it holds, in the
forms they travel (as is, JSON-escaped, URL-encoded). Secrets shorter than
:data:`MIN_SCRUBBED_CHARS` are not replaced: replacing two letters everywhere in a message
would spell them out by where the placeholders fall in its fixed text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

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
#: Secrets shorter than this are not scrubbed (see the module docstring).
MIN_SCRUBBED_CHARS = 4
_PLACEHOLDER = "<secret>"


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove anything that looks like a JWT, and each of ``secrets``, from ``text``."""
    for secret in _forms(secrets):
        text = text.replace(secret, _PLACEHOLDER)
    return _JWT_LIKE.sub("<token>", text)


def _forms(secrets: Iterable[str]) -> list[str]:
    """Each secret as it may come back: as is, JSON-escaped, URL-encoded; longest first."""
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) >= MIN_SCRUBBED_CHARS:
            forms.update(
                (secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
                 quote(secret, safe=""), quote_plus(secret, safe=""))
            )  # fmt: skip
    return sorted(forms, key=len, reverse=True)


def scrub_error(error: GraphistryError, secrets: Iterable[str]) -> GraphistryError:
    """``error`` with ``secrets`` (and JWT-like text) removed from its message and fields.

    The one place a client's credentials meet its errors: the HTTP clients pass every
    error they raise through it. Returns the same object, changed in place.
    """
    forms = list(secrets)
    message = scrub(error.message, forms)
    if message != error.message or error.args != (message,):
        error.message = message
        error.args = (message,)
    for field in ("server", "org_name", "dataset_id"):
        value = getattr(error, field)
        if isinstance(value, str):
            setattr(error, field, scrub(value, forms))
    return error


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
