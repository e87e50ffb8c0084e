"""Receiving one Arrow table upload: stream to disk, check off the event loop, move in place."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from .arrow_files import arrow_file_shape
from .bodies import body_to_file
from .context import ServerContext


def _move(source: Path, dest: Path) -> None:
    """Publish ``source`` (already fsynced) as ``dest``, and make the rename durable."""
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(source, dest)
    directory = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


async def receive_arrow(
    ctx: ServerContext, request: Request, dest: Path, *, keep_invalid: bool = False
) -> tuple[int, int]:
    """Store the request's Arrow IPC file body at ``dest``; return ``(rows, columns)``.

    The body is written to a scratch file first and checked in a worker thread (parsing a
    big table must not stall other requests), then renamed over ``dest``, so a reader never
    sees a half-written table.

    Raises:
        InvalidArrow: the body is not an Arrow IPC file; ``dest`` then holds the bytes
            only if ``keep_invalid``.
    """
    tmp = await body_to_file(request, ctx.tmp_dir)
    try:
        shape = await run_in_threadpool(arrow_file_shape, tmp)
    except BaseException:
        if keep_invalid:
            _move(tmp, dest)
        else:
            tmp.unlink(missing_ok=True)
        raise
    await run_in_threadpool(_move, tmp, dest)
    return shape
