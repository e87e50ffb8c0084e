"""Receiving one Arrow table upload: read the body, then check it and put it in place in
one trip to a worker thread.

A small body (the common case) arrives in memory; it is checked there, then written to a
scratch file, fsynced and renamed over its destination. A big one was streamed to a
scratch file as it arrived; it is fsynced, checked from a memory map and renamed. Either
way the event loop hands the work to a thread once per upload (a check or an fsync must
not stall other requests, and each hand-off costs the loop and the kernel a little): small
bodies to the server's few disk threads (``ServerContext.disk``, the cheapest hand-off),
big ones to the general thread pool, so a table of hundreds of megabytes never holds up
the small ones. A reader never sees a half-written table. Durability: the table's bytes
and its directory entry are on disk before the reply says the upload succeeded.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from .arrow_files import arrow_bytes_shape, arrow_file_shape
from .bodies import UPLOAD_SUFFIX, upload_body
from .context import ServerContext


def _scratch(data: bytes, tmp_dir: Path) -> Path:
    """A new private scratch file under ``tmp_dir`` holding ``data``, fsynced."""
    fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=UPLOAD_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _move(source: Path, dest: Path) -> None:
    """Publish ``source`` (already fsynced) as ``dest``, and make the rename durable."""
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(source, dest)
    _fsync(dest.parent)


def _store_bytes(data: bytes, tmp_dir: Path, dest: Path, keep_invalid: bool) -> tuple[int, int]:
    """Check ``data`` and publish it at ``dest`` (an invalid body only if ``keep_invalid``)."""
    try:
        shape = arrow_bytes_shape(data)
    except BaseException:
        if keep_invalid:
            _move(_scratch(data, tmp_dir), dest)
        raise
    _move(_scratch(data, tmp_dir), dest)
    return shape


def _store_file(tmp: Path, dest: Path, keep_invalid: bool) -> tuple[int, int]:
    """Check the scratch file ``tmp`` and publish it at ``dest`` (see :func:`_store_bytes`)."""
    try:
        _fsync(tmp)
        shape = arrow_file_shape(tmp)
    except BaseException:
        if keep_invalid:
            _move(tmp, dest)
        else:
            tmp.unlink(missing_ok=True)
        raise
    _move(tmp, dest)
    return shape


async def receive_arrow(
    ctx: ServerContext, request: Request, dest: Path, *, keep_invalid: bool = False
) -> tuple[int, int]:
    """Store the request's Arrow IPC file body at ``dest``; return ``(rows, columns)``.

    Raises:
        InvalidArrow: the body is not an Arrow IPC file; ``dest`` then holds the bytes
            only if ``keep_invalid``.
    """
    body = await upload_body(request, ctx.tmp_dir)
    if isinstance(body, bytes):
        # Cancelled before a disk thread takes it, it never runs; once taken, it runs to
        # the end (a table published, or nothing) whether or not anyone still waits.
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            ctx.disk, _store_bytes, body, ctx.tmp_dir, dest, keep_invalid
        )
    try:
        return await run_in_threadpool(_store_file, body, dest, keep_invalid)
    except BaseException:
        body.unlink(missing_ok=True)  # gone already, unless cancelled before the thread ran
        raise
