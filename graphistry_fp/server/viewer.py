"""The viewer: ``/graph/graph.html?dataset=ID``, its data and its static files.

The page is self-contained (no CDN, no network): ``static/viewer.js`` fetches
``/graph/data/<id>.json`` and draws the graph on a canvas with a force-directed layout,
applying the dataset's bindings and encodings. Like a Graphistry viewer link, the page and
its data are readable without a token when the dataset is public or was never shared;
private and organization datasets need a viewer session (see :mod:`.viewer_access`).

Routes:
    ``GET /graph/graph.html?dataset=ID``: the page (404 for an unknown dataset).
    ``GET /graph/data/<id>.json``: the dataset as JSON (see :func:`dataset_payload`).
    ``GET /graph/static/<name>``: the files of ``graphistry_fp/server/static/``.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from .colours import safe_metadata
from .context import ServerContext, context
from .errors import detail
from .ipc_layout import LayoutError, check_uncompressed
from .records import DatasetRecord
from .viewer_access import login_page, may_view

#: Rows sent per table; beyond this the payload says ``truncated`` (the viewer stays fluid).
MAX_EDGES = 30_000
MAX_NODES = 30_000

STATIC_DIR = Path(__file__).resolve().parent / "static"
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - graphistry_fp</title>
<link rel="stylesheet" href="/graph/static/viewer.css">
</head>
<body data-dataset="{dataset_id}" data-status="loading">
<header id="bar"><h1 id="title">{title}</h1><span id="stats"></span></header>
<main id="stage"><canvas id="graph"></canvas>
<div id="legend" hidden></div><div id="tip" hidden></div>
<div id="message">Loading dataset {dataset_id}&hellip;</div></main>
<script src="/graph/static/viewer.js"></script>
</body></html>
"""


def _record(request: Request, dataset_id: str) -> tuple[ServerContext, DatasetRecord]:
    ctx = context(request)
    record = ctx.store.dataset(dataset_id)
    if record is None:
        raise detail(404, f"No dataset {dataset_id!r}.")
    return ctx, record


async def graph_page(request: Request) -> HTMLResponse:
    """``GET /graph/graph.html?dataset=ID``: the viewer page, or the viewer's login form
    (401) for a dataset shared as private or organization and no allowed session."""
    dataset_id = request.query_params.get("dataset", "")
    if not dataset_id:
        raise detail(400, "Missing the 'dataset' query parameter.")
    ctx, record = _record(request, dataset_id)
    if not may_view(ctx, request, record):
        return login_page(dataset_id, "Sign in as a user it is shared with to see it.")
    page = _PAGE.format(title=html.escape(record.name), dataset_id=html.escape(dataset_id))
    return HTMLResponse(page)


def _json_column(column: pa.ChunkedArray) -> list[Any]:
    """A column as JSON-safe Python values (NaN/inf -> null; exotic types -> strings)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_floating(kind):
        values: list[Any] = column.to_pylist()
        return [v if v is None or math.isfinite(v) else None for v in values]
    if (
        pa.types.is_integer(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
    ):
        return list(column.to_pylist())
    try:
        return list(pc.cast(column, pa.string()).to_pylist())
    except (pa.ArrowException, NotImplementedError):
        return [None if v is None else str(v) for v in column.to_pylist()]


def _table_json(table: pa.Table, limit: int, total: int | None = None) -> dict[str, Any]:
    """``{"count", "total", "truncated", "columns": {name: [values]}}`` of a table
    (``total``: the rows of the whole table when ``table`` is already its head)."""
    total = table.num_rows if total is None else total
    head = table.slice(0, limit)
    return {
        "count": head.num_rows,
        "total": total,
        "truncated": total > head.num_rows,
        "columns": {name: _json_column(head.column(name)) for name in head.column_names},
    }


def _read_head(path: Path, limit: int) -> tuple[pa.Table, int] | None:
    """The first ``limit`` rows of the Arrow file at ``path``, and its total row count.

    Batches are read from a memory map (zero-copy, uncompressed files only: see
    :mod:`.ipc_layout`) until ``limit`` rows are in hand, so a large table costs what the
    viewer shows, not its size. None when the file does not exist.
    """
    if not path.exists():
        return None
    try:
        check_uncompressed(path)
    except LayoutError as exc:
        raise detail(409, f"This dataset's table cannot be shown: {exc}.") from exc
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        batches, rows, total = [], 0, 0
        for index in range(reader.num_record_batches):
            batch = reader.get_batch(index)
            total += batch.num_rows
            if rows < limit:
                batches.append(batch.slice(0, limit - rows))
                rows += batches[-1].num_rows
        return pa.Table.from_batches(batches, schema=reader.schema), total


def _derived_nodes(edges: pa.Table | None, source: str, destination: str) -> pa.Table:
    """One row per distinct endpoint, in order of first appearance (no nodes uploaded)."""
    if edges is None or source not in edges.column_names or destination not in edges.column_names:
        return pa.table({"id": pa.array([], pa.string())})
    src, dst = edges.column(source), edges.column(destination)
    if src.type != dst.type:
        src, dst = src.cast(pa.string()), dst.cast(pa.string())
    both = pa.chunked_array(src.chunks + dst.chunks, type=src.type)
    return pa.table({"id": pc.unique(both)})


def dataset_payload(ctx: ServerContext, record: DatasetRecord) -> dict[str, Any]:
    """The JSON the viewer draws from.

    ``dataset`` (id, name, description, owner, org, row counts), ``node_encodings`` and
    ``edge_encodings`` as stored, ``edges`` and ``nodes`` as column lists capped at
    :data:`MAX_EDGES` / :data:`MAX_NODES` rows (``truncated`` and ``total`` say so). When
    no nodes table was uploaded, nodes are derived from the endpoints of the edges sent
    (one ``id`` column, ``nodes_derived`` true).
    """
    edge_bindings = record.edge_encodings.get("bindings") or {}
    source = str(edge_bindings.get("source", ""))
    destination = str(edge_bindings.get("destination", ""))
    edges_read = _read_head(ctx.table_path(record.dataset_id, "edges"), MAX_EDGES)
    nodes_read = _read_head(ctx.table_path(record.dataset_id, "nodes"), MAX_NODES)
    edges, edges_total = edges_read or (pa.table({}), 0)
    node_encodings = dict(record.node_encodings)
    derived = nodes_read is None
    if nodes_read is None:
        # From the edges that will be sent, so every derived node has an edge on the page.
        derived_nodes = _derived_nodes(None if edges_read is None else edges, source, destination)
        nodes_read = derived_nodes, derived_nodes.num_rows
        node_encodings["bindings"] = {**(node_encodings.get("bindings") or {}), "node": "id"}
    nodes, nodes_total = nodes_read
    return {
        "dataset": {
            "dataset_id": record.dataset_id,
            "name": record.name,
            "description": record.description,
            "owner": record.owner,
            "org_name": record.org,
            "edges_rows": record.edges_rows,
            "nodes_rows": record.nodes_rows,
        },
        "metadata": safe_metadata(record.metadata),
        "node_encodings": node_encodings,
        "edge_encodings": record.edge_encodings,
        "nodes_derived": derived,
        "edges": _table_json(edges, MAX_EDGES, edges_total),
        "nodes": _table_json(nodes, MAX_NODES, nodes_total),
    }


def graph_data(request: Request) -> Response:
    """``GET /graph/data/<id>.json`` (sync: starlette runs it off the event loop); 401
    without a session allowed to see a private or organization dataset."""
    ctx, record = _record(request, str(request.path_params["dataset_id"]))
    if not may_view(ctx, request, record):
        raise detail(401, "This dataset is not public: sign in on its viewer page.")
    body = json.dumps(dataset_payload(ctx, record), separators=(",", ":"), allow_nan=False)
    return Response(body, media_type="application/json")


def _static_files() -> dict[str, Path]:
    if not STATIC_DIR.is_dir():
        return {}
    return {p.name: p for p in STATIC_DIR.iterdir() if p.is_file() and p.suffix in _MEDIA_TYPES}


async def static_file(request: Request) -> FileResponse:
    """``GET /graph/static/<name>``: only the files shipped in ``static/`` (no paths)."""
    name = str(request.path_params["name"])
    path = _static_files().get(name)
    if path is None:
        raise detail(404, f"No static file {name!r}.")
    return FileResponse(path, media_type=_MEDIA_TYPES[path.suffix])


ROUTES = [
    Route("/graph/graph.html", graph_page, methods=["GET"]),
    Route("/graph/data/{dataset_id}.json", graph_data, methods=["GET"]),
    Route("/graph/static/{name}", static_file, methods=["GET"]),
]
