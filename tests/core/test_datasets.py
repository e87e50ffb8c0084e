"""A ``pyarrow.dataset.Dataset`` bound lazily (DESIGN.md 3, "Large tables and progress").

The datasets of this module are built once from Parquet files that are then *deleted*:
whatever is asked of them afterwards (binding, planning, comparing, printing, a dry run)
proves that only the schema and the file list were used, since reading a row would fail
with ``FileNotFoundError``. Every PlanError of the in-memory table that a schema can
decide is raised for a dataset too, before any I/O.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import graphistry_fp as graphistry
from graphistry_fp import DryRunClient, PlanError
from graphistry_fp.effects import DatasetTable, UploadTable, plan_digest

E = pa.table({"s": ["a", "b"], "d": ["b", "a"], "w": [1.0, 2.0]})
N = pa.table({"n": ["a", "b"], "Label": ["x", "y"]})
GONE: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def _gone_datasets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Datasets over Parquet files deleted right after the datasets were made."""
    root = tmp_path_factory.mktemp("gone")
    for name, table in (("edges", E), ("nodes", N), ("empty", pa.table({}))):
        folder = root / name
        folder.mkdir()
        pq.write_table(table, folder / "part-0.parquet")
        GONE[name] = ds.dataset(folder)
    GONE["edges_again"] = ds.dataset(root / "edges")
    shutil.rmtree(root)
    yield
    GONE.clear()


def edges_ds() -> Any:
    return GONE["edges"]


def nodes_ds() -> Any:
    return GONE["nodes"]


def ok() -> Any:
    return graphistry.edges(edges_ds(), "s", "d")


Thunk = Callable[[], Any]

#: The cases of tests/core/test_bad_input.py a schema decides (nulls and empty tables are
#: found while streaming: tests/interpreters/test_streaming.py).
CASES: list[tuple[str, Thunk, list[str]]] = [
    ("edges_no_columns", lambda: graphistry.edges(GONE["empty"], "s", "d").plan(), ["edges", "no columns"]),
    ("source_unbound", lambda: graphistry.edges(edges_ds(), destination="d").plan(), ["source", "not bound"]),
    ("destination_unbound", lambda: graphistry.edges(edges_ds(), "s").plan(), ["destination", "not bound"]),
    ("source_missing_column", lambda: graphistry.edges(edges_ds(), "src", "d").plan(), ["'src'", "source", "'s', 'd', 'w'"]),
    ("edge_binding_missing_column", lambda: ok().bind(edge_title="nope").plan(), ["'nope'", "edge_title"]),
    ("edge_id_missing_column", lambda: graphistry.edges(edges_ds(), "s", "d", "eid").plan(), ["'eid'", "edge="]),
    ("node_binding_missing_column", lambda: ok().nodes(nodes_ds(), "n").bind(point_title="nope").plan(),
     ["'nope'", "point_title", "nodes"]),
    ("node_id_missing_column", lambda: ok().nodes(nodes_ds(), "id").plan(), ["'id'", "node"]),
    ("node_binding_without_nodes", lambda: ok().bind(point_color="w").plan(), ["'w'", "point_color", "nodes"]),
    ("nodes_without_node_binding", lambda: ok().nodes(nodes_ds()).plan(), ["node"]),
    ("encoding_missing_edge_column", lambda: ok().encode_edge_color("nope", palette=["red"], as_categorical=True).plan(),
     ["'nope'", "edgeColorEncoding"]),
    ("encoding_missing_node_column",
     lambda: ok().nodes(nodes_ds(), "n").encode_point_size("nope", categorical_mapping={"a": 1}).plan(),
     ["'nope'", "pointSizeEncoding", "nodes"]),
    ("palette_without_kind", lambda: ok().encode_edge_color("w", palette=["red"]), ["'w'", "as_categorical"]),
    ("unknown_badge_position", lambda: ok().encode_edge_badge("w", "Middle", categorical_mapping={1: "a"}),
     ["'Middle'"]),
    ("privacy_bad_mode", lambda: ok().privacy(mode="friends").plan(), ["'friends'"]),
]  # fmt: skip


@pytest.mark.parametrize(("thunk", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_schema_decides_the_plan_errors(thunk: Thunk, fragments: list[str]) -> None:
    """Each case raises the core table's PlanError for a dataset, with the same words, and
    without reading a row (the files are gone)."""
    client = DryRunClient()
    with graphistry.using(client), pytest.raises(PlanError) as info:
        thunk()
    message = str(info.value)
    assert [] == [f for f in fragments if f not in message], message
    assert [] == client.performed


def test_plan_of_a_dataset_uploads_it_lazily_with_its_id_columns() -> None:
    """The plan's uploads hold DatasetTables (files + schema) and name the id columns the
    run checks while streaming; the schema's types are kept."""
    plan = ok().nodes(nodes_ds(), "n").plan()
    edges, nodes = plan.uploads()
    assert isinstance(edges.table, DatasetTable)
    assert (("s", "source"), ("d", "destination")) == edges.ids
    assert (("n", "node"),) == nodes.ids
    assert E.schema == edges.table.schema
    assert [str(Path(f).name) for f in edges.table.files] == ["part-0.parquet"]
    assert None is edges.num_rows


def test_equal_dataset_plottables_give_equal_plans_and_digests() -> None:
    """Two Dataset objects over the same files and schema plan equal (==, hash of the
    table, digest, default name), without reading rows; a different file list differs."""
    a = ok().nodes(nodes_ds(), "n").plan()
    b = graphistry.edges(GONE["edges_again"], "s", "d").nodes(nodes_ds(), "n").plan()
    assert a == b
    assert hash(next(a.uploads()).table) == hash(next(b.uploads()).table)
    assert plan_digest(a) == plan_digest(b)
    assert a.name == b.name
    other = graphistry.edges(nodes_ds(), "n", "n").plan()
    assert next(other.uploads()) != next(a.uploads())


def test_automatic_node_title_comes_from_the_schema() -> None:
    """pygraphistry's automatic node_title works from the dataset's column names."""
    plan = ok().nodes(nodes_ds(), "n").plan()
    assert "Label" == plan.create.json()["node_encodings"]["bindings"]["node_title"]


def test_encodings_are_checked_and_sent_from_the_schema() -> None:
    """An encoding on a dataset column plans (the create body carries it)."""
    plan = ok().encode_edge_color("w", palette=["blue", "red"], as_continuous=True).plan()
    complex_ = plan.create.json()["edge_encodings"]["complex"]["default"]
    assert "w" == complex_["edgeColorEncoding"]["attribute"]


def test_summary_says_rows_are_counted_at_run_time() -> None:
    """The printable plan says the rows are counted at run time, and what is streamed."""
    text = str(ok().name("big").plan())
    expected = "  2. upload edges: 3 columns, rows counted at run time, streamed from a parquet dataset, 1 file"
    assert expected in text.splitlines()


def test_dry_run_reads_no_file() -> None:
    """A DryRunClient runs a dataset plan (the files are gone) and records the upload."""
    client = DryRunClient()
    result = client.run(ok().plan())
    assert ["CreateDataset", "UploadTable"] == [type(e).__name__ for e in client.performed]
    assert result == DryRunClient().run(ok().plan())


def test_view_and_dictionary_types_upload_as_plain_types(tmp_path: Path) -> None:
    """A dataset's dictionary column uploads decoded, and schema metadata is dropped."""
    table = pa.table({"s": pa.array(["a", "b"]).dictionary_encode(), "d": ["b", "a"]})
    table = table.replace_schema_metadata({"k": "v"})
    pq.write_table(table, tmp_path / "t.parquet")
    data = ds.dataset(tmp_path / "t.parquet", schema=table.schema)
    upload = next(graphistry.edges(data, "s", "d").plan().uploads())
    assert pa.schema([("s", pa.string()), ("d", pa.string())]) == upload.table.schema


def test_filtered_dataset_is_another_table(tmp_path: Path) -> None:
    """A dataset.filter(...) is part of the table's identity (plans differ by filter)."""
    pq.write_table(E, tmp_path / "e.parquet")
    data = ds.dataset(tmp_path)
    kept = graphistry.edges(data.filter(ds.field("w") > 1), "s", "d").plan()
    whole = graphistry.edges(data, "s", "d").plan()
    assert kept != whole
    assert "where" in next(kept.uploads()).table.format


def test_in_memory_dataset_binds_as_its_table() -> None:
    """An InMemoryDataset holds rows already: it binds (and uploads) as a table."""
    g = graphistry.edges(ds.dataset(E), "s", "d")
    upload: UploadTable = next(g.plan().uploads())
    assert isinstance(upload.table, pa.Table)
    assert E.equals(upload.table)


def test_plottable_repr_and_edges_table_of_a_dataset() -> None:
    """``edges_table`` gives back the Dataset; repr shows unknown rows as ``?``."""
    g = ok()
    assert g.edges_table is edges_ds()
    assert "edges=?x3" in repr(g)
