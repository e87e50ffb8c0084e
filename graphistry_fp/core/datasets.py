"""Binding a ``pyarrow.dataset.Dataset`` lazily: the schema now, the rows when a plan runs.

``edges(ds.dataset("edges/"))`` keeps the dataset object and describes it as a
:class:`~graphistry_fp.effects.stream.DatasetTable`: its files, its format and the schema
that will be uploaded. Nothing here reads a file: the dataset object already holds its
file list and schema (``ds.dataset(...)`` read them when the user made it). ``plan()``
validates bindings and encodings against that schema; the interpreter streams the rows.

The uploaded schema is the dataset's, made plain for any server: view types become their
large flavours (as for in-memory tables), dictionary columns are decoded to their value
type (the IPC *file* format allows one dictionary per column, and files of a dataset each
bring their own), and metadata is dropped. A filter set with ``dataset.filter(expr)``
is applied when streaming and is part of the table's identity.

Not lazy: an ``InMemoryDataset`` (its rows are already in memory) binds as its table.
"""

from __future__ import annotations

import sys
from typing import Any

import pyarrow as pa

from ..effects.stream import DatasetTable
from ..errors import PlanError


def dataset_class() -> type | None:
    """``pyarrow.dataset.Dataset``, if the user loaded it (else nothing can be one)."""
    module = sys.modules.get("pyarrow._dataset")
    cls = getattr(module, "Dataset", None)
    return cls if isinstance(cls, type) else None


def is_dataset(data: object) -> bool:
    """True for a ``pyarrow.dataset.Dataset`` (checked without importing pyarrow.dataset)."""
    cls = dataset_class()
    return cls is not None and isinstance(data, cls)


def _plain(dtype: pa.DataType) -> pa.DataType:
    from .frames import _plain_type

    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
    return _plain_type(dtype)


def upload_schema(schema: pa.Schema) -> pa.Schema:
    """The schema a dataset uploads with: plain types, no metadata."""
    return pa.schema([pa.field(f.name, _plain(f.type), f.nullable) for f in schema])


def _files_and_format(data: Any, what: str) -> tuple[tuple[str, ...], str]:
    children = getattr(data, "children", None)
    if children is not None:  # a UnionDataset
        files: list[str] = []
        formats: set[str] = set()
        for child in children:
            child_files, child_format = _files_and_format(child, what)
            files.extend(child_files)
            formats.add(child_format)
        return tuple(files), formats.pop() if len(formats) == 1 else "mixed"
    paths = getattr(data, "files", None)
    file_format = getattr(data, "format", None)
    if paths is None or file_format is None:
        raise PlanError(
            f"{what}: a {type(data).__name__} cannot be streamed; pass a dataset of files "
            "(pyarrow.dataset.dataset('folder/' or [paths], format='parquet'|'arrow'|'csv')) "
            "or a pyarrow.Table"
        )
    name = str(getattr(file_format, "default_extname", "") or type(file_format).__name__)
    return tuple(str(p) for p in paths), name


def _filter_text(data: Any) -> str:
    options = getattr(data, "_scan_options", None)
    expression = options.get("filter") if isinstance(options, dict) else None
    return "" if expression is None else str(expression)


def dataset_table(data: Any, what: str) -> DatasetTable | pa.Table:
    """Describe ``data`` (a ``pyarrow.dataset.Dataset``) for a lazy upload.

    Returns an in-memory dataset's table as it is (its rows are already in memory).

    Raises:
        PlanError: repeated column names, or a dataset that is neither files nor memory.
    """
    from .frames import _check_names

    if type(data).__name__ == "InMemoryDataset":
        table: pa.Table = data.to_table()
        return table
    _check_names(list(data.schema.names), what)
    files, file_format = _files_and_format(data, what)
    filter_text = _filter_text(data)
    if filter_text:
        file_format = f"{file_format} where {filter_text}"
    return DatasetTable(
        dataset=data, schema=upload_schema(data.schema), files=files, format=file_format
    )
