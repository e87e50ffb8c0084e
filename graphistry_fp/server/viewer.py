"""The viewer page ``/graph/graph.html?dataset=ID``.

For now a plain page naming the dataset and its tables; it lives alone in this module so a
real drawing viewer can replace it without touching the rest of the server. Like a
Graphistry viewer link, it is readable without a token (the server binds loopback by
default).
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from .context import context
from .errors import detail


async def graph_page(request: Request) -> HTMLResponse:
    """``GET /graph/graph.html?dataset=ID``."""
    dataset_id = request.query_params.get("dataset", "")
    if not dataset_id:
        raise detail(400, "Missing the 'dataset' query parameter.")
    record = context(request).store.dataset(dataset_id)
    if record is None:
        raise detail(404, f"No dataset {dataset_id!r}.")
    rows = [
        ("Dataset", record.dataset_id),
        ("Name", record.name),
        ("Description", record.description),
        ("Owner", record.owner),
        ("Organization", record.org),
        ("Edges", "-" if record.edges_rows is None else str(record.edges_rows)),
        ("Nodes", "-" if record.nodes_rows is None else str(record.nodes_rows)),
    ]
    table = "\n".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    title = html.escape(record.name)
    return HTMLResponse(
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        f"<title>{title} - graphistry_fp</title></head>\n"
        f"<body><h1>{title}</h1>\n<table>\n{table}\n</table></body></html>\n"
    )


ROUTES = [Route("/graph/graph.html", graph_page, methods=["GET"])]
