"""Datasets: create, Arrow upload of edges/nodes, share link, fetch (PROTOCOL.md 2.8-2.13).

Ownership rules: a dataset belongs to the user whose token created it, in the org named
by the body's ``org_name`` (else the token's org), which that user must belong to. Only
the owner may upload its tables or share it (403 for anyone else). Reading it back
(``GET``) is allowed to the owner, to members of its org unless it was shared as
``private``, and to anyone logged in once it is ``public``.

Failures of these endpoints carry ``"success": false`` beside ``detail``, since
pygraphistry reads ``success`` before anything else.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .arrow_files import InvalidArrow
from .auth import bearer_claims
from .bodies import json_body, object_field, string_field
from .context import ServerContext, context
from .errors import ApiError, detail
from .records import DatasetRecord, FileRecord
from .sharing import may_read
from .tables import receive_arrow
from .tokens import Claims

TABLE_KINDS = ("edges", "nodes")
SHARE_MODES = ("private", "organization", "public")


def _failed(exc: ApiError) -> ApiError:
    return ApiError(exc.status, {"success": False, **exc.body})


def _claims(request: Request) -> Claims:
    try:
        return bearer_claims(request)
    except ApiError as exc:
        raise _failed(exc) from exc


def member_org(ctx: ServerContext, claims: Claims, body: dict[str, Any]) -> str:
    """The org a new object goes to: ``org_name`` of the body, else the token's org.

    Raises:
        ApiError: 403 when the user is not a member of that org.
    """
    org = string_field(body, "org_name") or claims.org
    if not ctx.store.is_member(claims.username, org):
        raise detail(403, f"User {claims.username!r} is not a member of organization {org!r}.")
    return org


def check_owner(ctx: ServerContext, claims: Claims, dataset_id: str) -> None:
    """Refuse unless ``claims`` is the owner of the dataset (404 unknown, 403 someone
    else's); reads the owner alone, not the whole record."""
    owner = ctx.store.dataset_owner(dataset_id)
    if owner is None:
        raise detail(404, f"No dataset {dataset_id!r}.")
    if owner != claims.username:
        raise detail(403, f"Dataset {dataset_id!r} belongs to another user.")


def owned_dataset(ctx: ServerContext, claims: Claims, dataset_id: str) -> DatasetRecord:
    """The dataset, if ``claims`` is its owner (404 unknown, 403 someone else's)."""
    record = ctx.store.dataset(dataset_id)
    if record is None:
        raise detail(404, f"No dataset {dataset_id!r}.")
    if record.owner != claims.username:
        raise detail(403, f"Dataset {dataset_id!r} belongs to another user.")
    return record


def _referenced_files(
    ctx: ServerContext, claims: Claims, body: dict[str, Any]
) -> list[tuple[str, FileRecord]]:
    """File mode: the ``edge_files`` / ``node_files`` of a create body, checked before the
    dataset exists so a refused reference leaves nothing behind."""
    found = []
    for kind in TABLE_KINDS:
        refs = body.get(f"{kind[:-1]}_files") or []
        if not isinstance(refs, list) or not refs:
            continue
        ref = refs[0][0] if isinstance(refs[0], list) and refs[0] else refs[0]
        record = ctx.store.file(str(ref))
        if record is None or not record.uploaded or record.rows is None:
            raise detail(400, f"File {ref!r} does not exist or holds no valid Arrow table.")
        if record.owner != claims.username:
            raise detail(403, f"File {ref!r} belongs to another user.")
        found.append((kind, record))
    return found


def _attach_files(ctx: ServerContext, dataset_id: str, files: list[tuple[str, FileRecord]]) -> None:
    """Take the files in as the dataset's tables (a hard link: uploads replace, never
    rewrite, a file, so the dataset keeps the bytes it was created with)."""
    for kind, record in files:
        dest = ctx.table_path(dataset_id, kind)
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.link(ctx.file_path(record.file_id), dest)
        except OSError:
            shutil.copyfile(ctx.file_path(record.file_id), dest)
            os.chmod(dest, 0o600)
        ctx.store.set_table(dataset_id, kind, record.rows or 0, record.owner)


async def create_dataset(request: Request) -> JSONResponse:
    """``POST /api/v2/upload/datasets/``: a new dataset owned by the token's user."""
    ctx = context(request)
    claims = _claims(request)
    try:
        body = await json_body(request)
        org = member_org(ctx, claims, body)
        name = string_field(body, "name") or "Untitled"
        files = _referenced_files(ctx, claims, body)
        dataset_id = ctx.store.create_dataset(
            owner=claims.username,
            org=org,
            name=name,
            description=string_field(body, "description"),
            node_encodings=object_field(body, "node_encodings"),
            edge_encodings=object_field(body, "edge_encodings"),
            metadata=object_field(body, "metadata"),
        )
        _attach_files(ctx, dataset_id, files)
    except ApiError as exc:
        raise _failed(exc) from exc
    return JSONResponse(
        {"success": True, "message": "Dataset created", "data": {"dataset_id": dataset_id}}
    )


async def upload_table(request: Request) -> JSONResponse:
    """``POST /api/v2/upload/datasets/<id>/{edges,nodes}/arrow``: a raw Arrow IPC file."""
    ctx = context(request)
    kind, dataset_id = str(request.path_params["kind"]), str(request.path_params["dataset_id"])
    if kind not in TABLE_KINDS:
        raise ApiError(404, {"success": False, "detail": f"Unknown table kind {kind!r}."})
    claims = _claims(request)
    try:
        check_owner(ctx, claims, dataset_id)
        try:
            rows, cols = await receive_arrow(ctx, request, ctx.table_path(dataset_id, kind))
        except InvalidArrow as exc:
            raise detail(
                400, f"Invalid {kind} upload: the body must be an Arrow IPC file ({exc})."
            ) from exc
    except ApiError as exc:
        raise _failed(exc) from exc
    ctx.store.set_table(dataset_id, kind, rows, claims.username)
    return JSONResponse(
        {
            "success": True,
            "message": f"{kind} uploaded",
            "data": {"dataset_id": dataset_id, "num_rows": rows, "num_cols": cols},
        }
    )


async def share_link(request: Request) -> JSONResponse:
    """``POST /api/v2/share/link/``: set a dataset's sharing mode (owner only)."""
    ctx = context(request)
    claims = _claims(request)
    try:
        body = await json_body(request)
        if string_field(body, "obj_type", "dataset") != "dataset":
            raise detail(400, "Only datasets can be shared (obj_type must be 'dataset').")
        mode = string_field(body, "mode", "private")
        if mode not in SHARE_MODES:
            raise detail(400, f"Invalid sharing mode {mode!r}: one of {', '.join(SHARE_MODES)}.")
        record = owned_dataset(ctx, claims, string_field(body, "obj_pk"))
    except ApiError as exc:
        raise _failed(exc) from exc
    share: dict[str, Any] = {
        k: body[k]
        for k in ("mode", "notify", "invited_users", "mode_action", "message")
        if k in body
    }
    share["mode"] = mode
    ctx.store.set_share(record.dataset_id, mode, share)
    return JSONResponse({"success": True, "data": {"obj_pk": record.dataset_id, **share}})


def dataset_json(record: DatasetRecord) -> dict[str, Any]:
    """The public JSON of a dataset record."""
    return {
        "dataset_id": record.dataset_id,
        "owner": record.owner,
        "org_name": record.org,
        "name": record.name,
        "description": record.description,
        "node_encodings": record.node_encodings,
        "edge_encodings": record.edge_encodings,
        "metadata": record.metadata,
        "edges_rows": record.edges_rows,
        "nodes_rows": record.nodes_rows,
        "privacy": record.privacy,
        "created_at": record.created_at,
    }


async def get_dataset(request: Request) -> JSONResponse:
    """``GET /api/v2/upload/datasets/<id>``: the dataset's record."""
    ctx = context(request)
    claims = _claims(request)
    record = ctx.store.dataset(str(request.path_params["dataset_id"]))
    if record is None:
        raise ApiError(404, {"success": False, "detail": "No such dataset."})
    if not may_read(ctx.store, claims.username, record):
        raise ApiError(403, {"success": False, "detail": "You may not read this dataset."})
    return JSONResponse({"success": True, "data": dataset_json(record)})


ROUTES = [
    Route("/api/v2/upload/datasets/", create_dataset, methods=["POST"]),
    Route("/api/v2/upload/datasets/{dataset_id}", get_dataset, methods=["GET"]),
    Route("/api/v2/upload/datasets/{dataset_id}/", get_dataset, methods=["GET"]),
    Route("/api/v2/upload/datasets/{dataset_id}/{kind}/arrow", upload_table, methods=["POST"]),
    Route("/api/v2/share/link/", share_link, methods=["POST"]),
]
