"""The file API used by ``upload()`` / ``as_files=True`` (PROTOCOL.md 2.10, 2.11).

A file belongs to the user who created it; only they may upload its bytes, and a dataset
may only reference its owner's files (see ``routes_datasets``). An invalid Arrow body is
answered 400 with ``is_valid: false``; ``erase=true`` (the default) drops the bytes,
``erase=false`` keeps them (``is_uploaded: true``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .arrow_files import InvalidArrow
from .auth import bearer_claims
from .bodies import json_body, string_field
from .context import context
from .errors import ApiError, detail
from .routes_datasets import member_org
from .tables import receive_arrow


async def create_file(request: Request) -> JSONResponse:
    """``POST /api/v2/files/``: a new, empty file record."""
    ctx = context(request)
    claims = bearer_claims(request)
    body = await json_body(request)
    record = ctx.store.create_file(
        owner=claims.username,
        org=member_org(ctx, claims, body),
        name=string_field(body, "name"),
        file_type=string_field(body, "file_type", "arrow"),
    )
    return JSONResponse(
        {
            "file_id": record.file_id,
            "name": record.name,
            "file_type": record.file_type,
            "description": "",
            "created_at": record.created_at,
        }
    )


async def upload_file(request: Request) -> JSONResponse:
    """``POST /api/v2/upload/files/<file_id>?erase=true|false``: the file's Arrow bytes."""
    ctx = context(request)
    claims = bearer_claims(request)
    file_id = str(request.path_params["file_id"])
    record = ctx.store.file(file_id)
    if record is None:
        raise detail(404, f"No file {file_id!r}.")
    if record.owner != claims.username:
        raise detail(403, f"File {file_id!r} belongs to another user.")
    erase = request.query_params.get("erase", "true").lower() != "false"
    dest = ctx.file_path(file_id)
    try:
        rows, cols = await receive_arrow(ctx, request, dest, keep_invalid=not erase)
    except InvalidArrow as exc:
        if erase:
            dest.unlink(missing_ok=True)
        ctx.store.set_file_rows(file_id, None, uploaded=not erase)
        raise ApiError(
            400,
            {
                "file_id": file_id,
                "is_valid": False,
                "is_uploaded": not erase,
                "errors": {"arrow": str(exc)},
                "detail": f"Invalid file upload: the body must be an Arrow IPC file ({exc}).",
            },
        ) from exc
    ctx.store.set_file_rows(file_id, rows, uploaded=True)
    return JSONResponse(
        {
            "file_id": file_id,
            "is_valid": True,
            "is_uploaded": True,
            "errors": {},
            "bytes_count": dest.stat().st_size,
            "num_rows": rows,
            "num_cols": cols,
        }
    )


ROUTES = [
    Route("/api/v2/files/", create_file, methods=["POST"]),
    Route("/api/v2/upload/files/{file_id}", upload_file, methods=["POST"]),
]
