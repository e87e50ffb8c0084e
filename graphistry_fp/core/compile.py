"""Compile a :class:`Plottable` into a :class:`PlotPlan`: validate, then describe the upload.

Every check of DESIGN.md section 6 that needs the whole plottable (bindings against the
tables' columns, null ids, the node binding) runs here, before any I/O; checks that need
only one method's arguments ran when that method was called. The create-dataset JSON is
built exactly as pygraphistry 0.61 builds it (PROTOCOL.md 4.3 and 6), including the
automatic ``node_title``, so a server sees the same body from either client.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc
from pyrsistent import thaw

from .._meta import AGENT_NAME, USERTAG, __version__
from ..effects import DATASET, CreateDataset, PlotPlan, Stage, TableKind, UploadTable
from ..effects.stream import DatasetTable
from ..errors import PlanError
from .bindings import serialize, side_of

if TYPE_CHECKING:
    from .frames import Frame
    from .plottable import Plottable

_TITLE_EXACT = ("nodetitle", "nodelabel", "label", "title", "name")
_TITLE_PARTIAL = ("title", "label", "name")
#: encodings whose ``attribute`` the viewer computes (``encode_axis`` reads node degree).
_VIRTUAL_ATTRIBUTES = frozenset({"pointAxisEncoding"})


#: What an upload holds: an Arrow table, or a dataset streamed at run time.
Source: TypeAlias = "pa.Table | DatasetTable"


def _columns_text(table: Source) -> str:
    names = table.column_names
    shown = ", ".join(repr(n) for n in names[:12])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 12 else "")


def _check_table(table: Source | None, what: str) -> None:
    if table is None:
        return
    if table.num_columns == 0:
        raise PlanError(f"the {what} table has no columns")
    if table.num_rows == 0:  # a dataset's rows (None: unknown) are counted as it streams
        raise PlanError(f"the {what} table has no rows; plot at least one {what[:-1]}")


def _check_ids(table: Source, column: str, binding: str, what: str) -> None:
    if isinstance(table, DatasetTable):
        return  # checked batch by batch while streaming (UploadTable.ids)
    values = table.column(column)
    nulls = int(values.null_count)
    if nulls == 0 and pa.types.is_floating(values.type):
        nulls = int(pc.sum(pc.is_nan(values)).as_py() or 0)
    if nulls:
        raise PlanError(
            f"the {what} column {column!r} (bound as {binding}) has {nulls} null or NaN "
            f"value(s); ids cannot be missing: drop those rows, e.g. "
            f"df.dropna(subset=[{column!r}])"
        )


def _require_column(table: Source | None, column: str, where: str, what: str) -> None:
    if table is None:
        raise PlanError(
            f"{where} names column {column!r} of the {what} table, but no {what} table is "
            f"bound; call .{what}(df, ...) first"
        )
    if column not in table.column_names:
        raise PlanError(
            f"{where} names column {column!r}, which the {what} table does not have "
            f"(columns: {_columns_text(table)})"
        )


def label_column(columns: list[str]) -> str | None:
    """pygraphistry's label-like column (``infer_labels``), or ``None`` (PROTOCOL 4.3)."""
    for wanted in _TITLE_EXACT:
        for column in columns:
            if column.lower() == wanted:
                return str(column)
    for wanted in _TITLE_PARTIAL:
        for column in columns:
            if wanted in column.lower():
                return str(column)
    return None


def _infer_node_title(nodes: Source, node: str) -> str:
    """pygraphistry's automatic title: a label-like column, else the node id (PROTOCOL 4.3)."""
    return label_column(nodes.column_names) or node


def _validate(g: Plottable) -> dict[str, str]:
    """Check ``g`` against its tables; return the bindings to send (with any auto title)."""
    edges, nodes = _source(g.edge_frame), _source(g.node_frame)
    if edges is None:
        raise PlanError("nothing to plot: bind edges first, e.g. .edges(df, 'src', 'dst')")
    _check_table(edges, "edges")
    _check_table(nodes, "nodes")
    bindings = dict(g.bindings)
    for role in ("source", "destination"):
        if role not in bindings:
            raise PlanError(
                f"the {role} column is not bound: use .edges(df, source='src', "
                f"destination='dst') or .bind({role}='...')"
            )
    if nodes is not None and "node" not in bindings:
        raise PlanError("a nodes table is bound but no node id column: use .nodes(df, node='id')")
    for binding, column in sorted(bindings.items()):
        if binding == "node" and nodes is None:
            # Without a nodes table the server derives the nodes from the edges and names
            # their id column after this binding; pygraphistry sends it, and so do we.
            continue
        what = "nodes" if side_of(binding) == "node" else "edges"
        _require_column(nodes if what == "nodes" else edges, column, f"bind({binding}={column!r})", what)
    _check_ids(edges, bindings["source"], "source", "edges")
    _check_ids(edges, bindings["destination"], "destination", "edges")
    if nodes is not None:
        _check_ids(nodes, bindings["node"], "node", "nodes")
        auto = g.legacy.auto_title  # pygraphistry infers none for Arrow/polars nodes
        if auto and "point_title" not in bindings and "point_label" not in bindings:
            bindings["point_title"] = _infer_node_title(nodes, bindings["node"])
    for (side, _slot, key), obj in sorted(g.complex_encodings.items()):
        if key in _VIRTUAL_ATTRIBUTES:
            continue
        attribute = obj.get("attribute")
        what = "nodes" if side == "node" else "edges"
        table = nodes if side == "node" else edges
        _require_column(table, str(attribute), f"the {key} encoding", what)
    return bindings


def _encodings(g: Plottable, bindings: dict[str, str], side: str) -> dict[str, Any]:
    out: dict[str, Any] = {"bindings": serialize(bindings, "node" if side == "node" else "edge")}
    complex_: dict[str, Any] = {}
    for slot in ("current", "default"):
        chosen = {
            key: thaw(obj)
            for (s, sl, key), obj in sorted(g.complex_encodings.items())
            if s == side and sl == slot
        }
        if chosen:
            complex_[slot] = chosen
    if complex_:
        out["complex"] = complex_
    return out


def _shape_digest(g: Plottable, body: dict[str, Any]) -> str:
    """A cheap digest of what the plan uploads: JSON, schemas and row counts, not the data."""
    h = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode())
    for table in (_source(g.edge_frame), _source(g.node_frame)):
        if isinstance(table, DatasetTable):
            h.update(table.digest().encode())
        elif table is not None:
            h.update(str(table.schema).encode())
            h.update(str(table.num_rows).encode())
    return h.hexdigest()


_NAME_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _default_name(digest: str) -> str:
    """``Untitled XXXXXXXXXX`` as pygraphistry names datasets, but derived, not random."""
    number = int(digest, 16)
    letters = []
    for _ in range(10):
        number, index = divmod(number, len(_NAME_ALPHABET))
        letters.append(_NAME_ALPHABET[index])
    return "Untitled " + "".join(letters)


def _body(g: Plottable, bindings: dict[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "agent": AGENT_NAME,
        "apiversion": "3",
        "agentversion": __version__,
        "usertag": USERTAG,
    }
    metadata.update(thaw(g.style_settings))
    body: dict[str, Any] = {
        "node_encodings": _encodings(g, bindings, "node"),
        "edge_encodings": _encodings(g, bindings, "edge"),
        "metadata": metadata,
        # an empty name counts as none, as in pygraphistry (``name or ... or "Untitled ..."``)
        "name": g.dataset_name or None,
        "description": g.dataset_description or "",
    }
    if body["name"] is None:
        body["name"] = _default_name(_shape_digest(g, body))
    return body


def _source(frame: Frame | None) -> Source | None:
    return None if frame is None else frame.table


def _upload(kind: TableKind, table: Source, bindings: dict[str, str]) -> UploadTable:
    """The upload of one table; a streamed dataset carries the id columns to check."""
    if not isinstance(table, DatasetTable):
        return UploadTable(DATASET, kind, table)
    roles = ("source", "destination") if kind == "edges" else ("node",)
    return UploadTable(DATASET, kind, table, ids=[(bindings[role], role) for role in roles])


def compile_plan(g: Plottable) -> PlotPlan:
    """Validate ``g`` and describe its upload as stages of effects (see ``PlotPlan``)."""
    bindings = _validate(g)
    stages: list[Stage] = [(CreateDataset(_body(g, bindings)),)]
    edges = _source(g.edge_frame)
    assert edges is not None  # _validate refused a plottable without edges
    uploads = [_upload("edges", edges, bindings)]
    nodes = _source(g.node_frame)
    if nodes is not None:
        uploads.append(_upload("nodes", nodes, bindings))
    stages.append(tuple(uploads))
    if g.privacy_settings is not None:
        stages.append((g.privacy_settings,))
    return PlotPlan(stages=tuple(stages), url_params=g.url_params)
