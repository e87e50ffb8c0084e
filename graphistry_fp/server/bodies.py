"""Reading request bodies: small JSON and form bodies in memory, big ones onto disk.

JSON and form bodies are capped (:data:`MAX_SMALL_BODY_BYTES`, 1 MiB): a bigger one is
answered 413 as soon as its Content-Length or its bytes pass the cap, before it is read
further, and needs no token to be refused. Bodies past :data:`PARSE_INLINE_BYTES` are
parsed in a worker thread so the event loop keeps serving everyone else. Upload bodies
(Arrow tables) are kept in memory up to :data:`MEMORY_BODY_BYTES` and streamed to a
scratch file past that.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from .errors import BodyTooLarge, detail

#: The largest JSON or form body read; pygraphistry's biggest (a create-dataset body with
#: every encoding) is a few kilobytes.
MAX_SMALL_BODY_BYTES = 1024 * 1024
#: Bodies up to this size are parsed on the event loop; bigger ones in a worker thread.
PARSE_INLINE_BYTES = 64 * 1024
_MAX_FORM_FIELDS = 20
#: Upload bodies up to this size are received in memory (see :func:`upload_body`).
MEMORY_BODY_BYTES = 1024 * 1024
#: The suffix of the scratch files of uploads being received.
UPLOAD_SUFFIX = ".upload"


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not JSON (numbers must be finite)")


def _parse_json(raw: bytes) -> Any:
    """``json.loads`` that refuses NaN/Infinity and turns a too-deep nesting into 400."""
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except _NotJson as exc:
        raise detail(400, f"Request body is not valid JSON: {exc}.") from exc
    except RecursionError as exc:
        raise detail(400, "Request body is not valid JSON: nested too deeply.") from exc
    except ValueError as exc:
        raise detail(400, "Request body is not valid JSON.") from exc


async def small_body(request: Request, limit: int = MAX_SMALL_BODY_BYTES) -> bytes:
    """The whole body, refused with 413 as soon as it is known to pass ``limit`` bytes.

    Raises:
        BodyTooLarge: the Content-Length or the bytes received pass ``limit``.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object body; an empty body counts as ``{}``.

    The personal-key login is a GET with a JSON body, so this reads the body whatever the
    method and whatever the Content-Type says.

    Raises:
        ApiError: 400 when the body is not a JSON object (NaN and Infinity included, and
            nesting too deep for the parser).
        BodyTooLarge: the body passes :data:`MAX_SMALL_BODY_BYTES` (413).
    """
    raw = await small_body(request)
    if not raw.strip():
        return {}
    if len(raw) > PARSE_INLINE_BYTES:
        value = await run_in_threadpool(_parse_json, raw)
    else:
        value = _parse_json(raw)
    if not isinstance(value, dict):
        raise detail(400, "Request body must be a JSON object.")
    return value


async def form_body(request: Request) -> dict[str, str]:
    """The request's ``application/x-www-form-urlencoded`` body (first value per field).

    Raises:
        ApiError: 415 for another content type, 400 for a malformed form.
        BodyTooLarge: the body passes :data:`MAX_SMALL_BODY_BYTES` (413).
    """
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise detail(415, "Send the form as application/x-www-form-urlencoded.")
    raw = await small_body(request)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), max_num_fields=_MAX_FORM_FIELDS)
    except ValueError as exc:
        raise detail(400, "Malformed form body.") from exc
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form


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


async def upload_body(request: Request, tmp_dir: Path) -> bytes | Path:
    """An upload's body: its bytes when it fits :data:`MEMORY_BODY_BYTES`, else the path
    of a scratch file under ``tmp_dir`` holding it (:func:`body_to_file`).

    A small table (the common case) is then checked and written to disk in one go, off
    the event loop, instead of passing through a scratch file chunk by chunk. A body
    whose Content-Length says it is bigger goes straight to disk; one of unknown length
    (chunked) spills to disk once it passes the limit.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MEMORY_BODY_BYTES:
        return await body_to_file(request.stream(), tmp_dir)
    chunks: list[bytes] = []
    size = 0
    stream = request.stream()
    async for chunk in stream:
        chunks.append(chunk)
        size += len(chunk)
        if size > MEMORY_BODY_BYTES:
            return await body_to_file(stream, tmp_dir, head=chunks)
    return b"".join(chunks)


async def body_to_file(
    stream: AsyncIterator[bytes], tmp_dir: Path, head: Sequence[bytes] = ()
) -> Path:
    """Write ``head`` and then the rest of ``stream`` into a new file under ``tmp_dir``
    and return its path.

    Uploads can be hundreds of megabytes and arrive concurrently, so the body goes to disk
    chunk by chunk instead of being held (and copied) in memory. The file is private
    (0600) and named ``*.upload`` (a start of the server removes any a kill left behind).
    It is not fsynced here: whoever publishes it must (see ``tables.py``). The caller
    owns the file.
    """
    tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=UPLOAD_SUFFIX)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.writelines(head)
            async for chunk in stream:
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
