"""Reading request bodies: small JSON and form bodies in memory, big ones onto disk."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from starlette.requests import Request

from .errors import detail


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object body; an empty body counts as ``{}``.

    The personal-key login is a GET with a JSON body, so this reads the body whatever the
    method and whatever the Content-Type says.

    Raises:
        ApiError: 400 when the body is not a JSON object.
    """
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise detail(400, "Request body is not valid JSON.") from exc
    if not isinstance(value, dict):
        raise detail(400, "Request body must be a JSON object.")
    return value


def string_field(body: dict[str, Any], key: str, default: str = "") -> str:
    """``body[key]`` as a string (400 when it is present but not a string)."""
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise detail(400, f"Field {key!r} must be a string.")
    return value


def object_field(body: dict[str, Any], key: str) -> dict[str, Any]:
    """``body[key]`` as a JSON object, ``{}`` when absent (400 when not an object)."""
    value = body.get(key) or {}
    if not isinstance(value, dict):
        raise detail(400, f"Field {key!r} must be a JSON object.")
    return value


async def body_to_file(request: Request, tmp_dir: Path) -> Path:
    """Stream the request body into a new file under ``tmp_dir`` and return its path.

    Uploads can be hundreds of megabytes and arrive concurrently, so the body goes to disk
    chunk by chunk instead of being held (and copied) in memory. The caller owns the file.
    """
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".upload")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
