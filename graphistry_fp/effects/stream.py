"""Tables read from files when a plan runs, and the streaming Arrow IPC *file* writer.

A :class:`DatasetTable` stands where an ``UploadTable`` would hold a ``pyarrow.Table``
when the user bound a ``pyarrow.dataset.Dataset`` (DESIGN.md 3, "Large tables and
progress"). It is a *description*: the dataset object, the files it reads and the schema
it uploads. Plans stay pure: equality, hashing and the digest come from the format, the
files and the schema, never from the rows, so comparing or printing a plan reads nothing.

:func:`ipc_file_chunks` turns an iterator of record batches into the bytes of one Arrow
IPC file (PROTOCOL.md 4.4), yielding them as they are produced, so an upload holds a few
batches, never the table. The file format ends with a footer that indexes every batch;
the writer emits it when the batches run out. Id columns (source, destination, node) are
checked batch by batch: a null stops the stream with a :class:`PlanError` *before* the
footer, so a server can never store a table that has one. Producing the batches (reading
the files) is the interpreter's business; this module only transforms them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import PlanError

#: Rows per record batch read from a dataset and written to the body.
BATCH_ROWS = 1 << 16
#: Small IPC pieces (headers, padding) are coalesced up to this many bytes per chunk.
COALESCE_BYTES = 1 << 16


@attrs.frozen(eq=False, repr=False)
class DatasetTable:
    """A table read from files when the plan runs (a ``pyarrow.dataset.Dataset``).

    Attributes:
        dataset: the ``pyarrow.dataset.Dataset`` (opaque here: the interpreter reads it).
        schema: the schema uploaded (view and dictionary types made plain, no metadata).
        files: the files the dataset reads, in its order.
        format: the files' format (``parquet``, ``ipc``, ``csv``...).
        rows: the row count when known without reading rows, else ``None``.
    """

    dataset: Any
    schema: pa.Schema
    files: tuple[str, ...]
    format: str
    rows: int | None = None

    def _key(self) -> tuple[str, tuple[str, ...], bytes]:
        return self.format, self.files, self.schema.serialize().to_pybytes()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DatasetTable):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def num_rows(self) -> int | None:
        """Rows, when known without reading them (else ``None``: counted at run time)."""
        return self.rows

    @property
    def num_columns(self) -> int:
        """Columns of the uploaded schema."""
        return len(self.schema)

    @property
    def column_names(self) -> list[str]:
        """Column names of the uploaded schema."""
        return list(self.schema.names)

    def digest(self) -> str:
        """SHA-256 of the format, the file list and the schema (no rows are read)."""
        h = hashlib.sha256(b"dataset\0" + self.format.encode())
        for path in self.files:
            h.update(b"\0" + path.encode())
        h.update(self.schema.serialize().to_pybytes())
        return h.hexdigest()

    def describe(self) -> str:
        """A short human description: format and number of files."""
        count = len(self.files)
        return f"{self.format} dataset, {count} file{'s' if count != 1 else ''}"

    def __repr__(self) -> str:
        return f"DatasetTable({self.describe()}, columns={self.column_names})"


def _null_count(column: pa.Array) -> int:
    nulls = int(column.null_count)
    if nulls == 0 and pa.types.is_floating(column.type):
        nulls = int(pc.sum(pc.is_nan(column)).as_py() or 0)
    return nulls


def check_batch_ids(batch: pa.RecordBatch, ids: Iterable[tuple[str, str]], number: int,
                    first_row: int, what: str) -> None:  # fmt: skip
    """Raise :class:`PlanError` if an id column of ``batch`` holds a null or NaN.

    Args:
        batch: the record batch.
        ids: ``(column, binding)`` pairs that must hold no nulls.
        number: the batch's 1-based position in the stream, for the message.
        first_row: the row number (0-based) of the batch's first row.
        what: ``edges`` or ``nodes``.
    """
    for column, binding in ids:
        nulls = _null_count(batch.column(column))
        if nulls:
            last = first_row + batch.num_rows - 1
            raise PlanError(
                f"the {what} column {column!r} (bound as {binding}) has {nulls} null or NaN "
                f"value(s) in batch {number} (rows {first_row}-{last}); ids cannot be "
                f"missing: filter them out first, e.g. "
                f"dataset.filter(pyarrow.compute.field({column!r}).is_valid())"
            )


class _Collector:
    """A write-only file for ``pa.PythonFile``: keeps what the IPC writer writes.

    Large pieces arrive as ``pyarrow.Buffer`` views of the batch's own memory (no copy);
    small ones (headers, padding) are coalesced into one ``bytes`` chunk.
    """

    closed = False

    def __init__(self) -> None:
        self.chunks: list[Any] = []
        self._small = bytearray()

    def write(self, data: Any) -> int:
        size = len(data)
        if size < COALESCE_BYTES:
            self._small += data
            if len(self._small) >= COALESCE_BYTES:
                self._flush_small()
        else:
            self._flush_small()
            self.chunks.append(memoryview(data).cast("B"))
        return size

    def _flush_small(self) -> None:
        if self._small:
            self.chunks.append(bytes(self._small))
            self._small = bytearray()

    def take(self) -> list[Any]:
        """Everything written since the last call, in order."""
        self._flush_small()
        out, self.chunks = self.chunks, []
        return out

    def flush(self) -> None:
        """Nothing to flush: :meth:`take` hands the bytes over."""

    def close(self) -> None:
        """Nothing to close."""


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` with ``schema``: columns by name, cast where a file's type differs, nulls
    for a column a file lacks, no metadata; zero-copy when the types already agree."""
    if batch.schema.equals(schema, check_metadata=True):
        return batch
    if batch.schema.remove_metadata().equals(schema):
        return pa.RecordBatch.from_arrays(batch.columns, schema=schema)
    names = batch.schema.names
    columns = []
    for field in schema:
        if field.name not in names:
            columns.append(pa.nulls(batch.num_rows, field.type))
            continue
        column = batch.column(field.name)
        columns.append(column if column.type == field.type else column.cast(field.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def ipc_file_chunks(
    schema: pa.Schema,
    batches: Iterable[pa.RecordBatch],
    *,
    ids: Iterable[tuple[str, str]] = (),
    what: str = "edges",
) -> Iterator[Any]:
    """The Arrow IPC *file* bytes of ``batches``, yielded batch by batch (bytes-like chunks).

    Each batch is conformed to ``schema`` and its id columns checked before it is written,
    so a bad batch stops the stream before any of its bytes (and before the footer).

    Raises:
        PlanError: an id column holds a null (naming the column and the batch), or the
            batches hold no rows at all.
    """
    ids = tuple(ids)
    sink = _Collector()
    writer = pa.ipc.new_file(pa.PythonFile(sink, mode="w"), schema)
    rows = number = 0
    yield from sink.take()
    for batch in batches:
        if batch.num_rows == 0:
            continue
        number += 1
        try:
            batch = conform(batch, schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as error:
            reason = " ".join(str(error).split())[:300]
            raise PlanError(
                f"batch {number} of the {what} dataset does not fit its schema ({reason}); "
                f"give every file the same column types, or pass schema= to "
                f"pyarrow.dataset.dataset(...)"
            ) from None
        check_batch_ids(batch, ids, number, rows, what)
        writer.write_batch(batch)
        rows += batch.num_rows
        yield from sink.take()
    if rows == 0:
        raise PlanError(f"the {what} dataset has no rows; plot at least one {what[:-1]}")
    writer.close()
    yield from sink.take()
