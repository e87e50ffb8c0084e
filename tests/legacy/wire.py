"""Run the same notebook code through pygraphistry 0.61.2 and through graphistry_fp against
the local server, and read back what the server stored, for the wire parity tests.

What is compared (issue 13): the create-dataset JSON minus ``metadata.agent``,
``agentversion`` and ``usertag``; the uploaded tables row for row (column names, Arrow types,
values, nulls); the share body; and the viewer URL parameters after the fixed ones
(``dataset``, ``type``, ``viztoken``, ``usertag``, ``splashAfter``), percent-decoded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlparse

import attrs
import pyarrow as pa

import graphistry_fp
from graphistry_fp.server import LocalServer

_AGENT_KEYS = {"agent", "agentversion", "usertag"}
_FIXED_PARAMS = {"dataset", "type", "viztoken", "usertag", "splashAfter"}


@attrs.frozen(eq=False)
class Stored:
    """What the server keeps of one plot, minus what may differ by design."""

    body: dict[str, Any]
    edges: pa.Table | None
    nodes: pa.Table | None
    share: dict[str, Any] | None
    url_params: list[tuple[str, str]]


def _table(srv: LocalServer, dataset_id: str, kind: str) -> pa.Table | None:
    path = srv.data_dir / "datasets" / dataset_id / f"{kind}.arrow"
    if not path.exists():
        return None
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    return table.replace_schema_metadata(None)


def stored(srv: LocalServer, url: str, *, keep_default_name: bool = False) -> Stored:
    """Read back the dataset ``url`` points at (name compared only when set by the code)."""
    query = urlparse(str(url)).query
    params = parse_qsl(query, keep_blank_values=True)
    dataset_id = dict(params)["dataset"]
    record = srv.dataset(dataset_id)
    metadata = {k: v for k, v in record.metadata.items() if k not in _AGENT_KEYS}
    name = record.name
    if name.startswith("Untitled ") and not keep_default_name:
        name = "Untitled <random>"  # pygraphistry's is random, ours derived from the plan
    body = {
        "node_encodings": record.node_encodings,
        "edge_encodings": record.edge_encodings,
        "metadata": metadata,
        "name": name,
        "description": record.description,
        "org": record.org,
    }
    share = None if record.share is None else {
        k: v for k, v in record.share.items() if k != "obj_pk"
    }
    return Stored(
        body=body,
        edges=_table(srv, dataset_id, "edges"),
        nodes=_table(srv, dataset_id, "nodes"),
        share=share,
        url_params=[(k, v) for k, v in params if k not in _FIXED_PARAMS],
    )


def register_both(srv: LocalServer, pygraphistry: Any, user: str = "alice") -> None:
    """Log both libraries' global sessions in as ``user`` on ``srv``."""
    pygraphistry.register(
        api=3, server=srv.server, protocol="http", username=user, password=f"{user}-pw"
    )
    pygraphistry.privacy()  # reset pygraphistry's process-wide default sharing...
    pygraphistry.PyGraphistry.session.privacy = None  # ...to "never called"
    graphistry_fp.register(
        username=user, password=f"{user}-pw", server=srv.server, protocol="http"
    )


def run_both(
    srv: LocalServer, pygraphistry: Any, code: Callable[[Any], Any]
) -> tuple[Stored, Stored]:
    """``code(module)`` with each library's module, returning the stored results
    (theirs, ours). ``code`` returns what ``plot(render="url")`` or ``upload()`` returned."""
    register_both(srv, pygraphistry)
    theirs = code(pygraphistry)
    ours = code(graphistry_fp)
    return stored(srv, _url_of(theirs)), stored(srv, _url_of(ours))


def _url_of(result: Any) -> str:
    url = getattr(result, "_url", None)
    return str(url if url is not None else result)


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    """Rows as dicts, NaN spelled ``"NaN"`` so that equal tables compare equal."""
    return [
        {k: ("NaN" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in table.to_pylist()
    ]


def assert_same(theirs: Stored, ours: Stored) -> None:
    """The two stored plots are equal in everything the wire bar covers."""
    assert theirs.body == ours.body
    for kind in ("edges", "nodes"):
        want, got = getattr(theirs, kind), getattr(ours, kind)
        assert (want is None) == (got is None), kind
        if want is not None:
            assert want.schema.names == got.schema.names, kind
            assert [str(t) for t in want.schema.types] == [str(t) for t in got.schema.types], kind
            assert _rows(want) == _rows(got), kind
    assert theirs.share == ours.share
    assert theirs.url_params == ours.url_params
