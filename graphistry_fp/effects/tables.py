"""Content equality and content digests of Arrow tables, independent of their memory layout.

Two tables holding the same values must compare equal and digest equally however they
were built: one chunk or many, sliced or not, with or without an all-valid validity
bitmap. ``pyarrow.Table.equals`` already ignores layout, but treats ``NaN != NaN``, so a
table holding a NaN would not equal itself when built twice; :func:`tables_equal` fixes
that for floating-point columns. :func:`table_digest` hashes the Arrow IPC stream of the
table re-cut into fixed windows of rows, so it depends on the values, not on the chunking
(the IPC writer also rebases slices and drops all-valid bitmaps). Known limit: the bytes
under a null slot are hashed as they are, so two tables that differ only in what hides
under their nulls digest differently.

:func:`to_ipc_file` makes an upload's body, the Arrow IPC *file* format (PROTOCOL.md 4.4):
it sizes the body with a counting pass first, then writes once into a buffer of exactly
that size, so making the body costs one body's worth of memory, never a doubling growth.
Both it and the digest write through :func:`_write_ipc`, the one IPC writer.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

#: rows per window when digesting: bounds the extra memory a digest needs.
DIGEST_WINDOW = 1 << 16


def _nan_as_null(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    is_nan = pc.is_nan(column)
    return is_nan, pc.if_else(is_nan, pa.scalar(None, column.type), column)


def _columns_equal(a: pa.ChunkedArray, b: pa.ChunkedArray) -> bool:
    if a.equals(b):
        return True
    if not pa.types.is_floating(a.type):
        return False
    nan_a, rest_a = _nan_as_null(a)
    nan_b, rest_b = _nan_as_null(b)
    return bool(nan_a.equals(nan_b) and rest_a.equals(rest_b))


def tables_equal(a: pa.Table, b: pa.Table) -> bool:
    """Same schema (metadata included) and same values, with ``NaN`` equal to ``NaN``."""
    if a is b:
        return True
    if not a.schema.equals(b.schema, check_metadata=True) or a.num_rows != b.num_rows:
        return False
    if a.equals(b, check_metadata=True):
        return True
    return all(_columns_equal(a.column(i), b.column(i)) for i in range(a.num_columns))


def _write_ipc(
    sink: Any, table: pa.Table, *, stream: bool, max_chunksize: int | None = None
) -> None:
    opener = pa.ipc.new_stream if stream else pa.ipc.new_file
    with opener(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max_chunksize)


def to_ipc_file(table: pa.Table) -> pa.Buffer:
    """The Arrow IPC *file* bytes of ``table`` (PROTOCOL.md 4.4), in one exact-size buffer."""
    counter = pa.MockOutputStream()
    _write_ipc(counter, table, stream=False)
    buffer = pa.allocate_buffer(counter.size())
    _write_ipc(pa.FixedSizeBufferWriter(buffer), table, stream=False)
    return buffer


def table_digest(table: pa.Table) -> str:
    """SHA-256 of ``table``'s schema and values, the same for any chunking or slicing."""
    h = hashlib.sha256()
    h.update(table.schema.serialize().to_pybytes())
    h.update(str(table.num_rows).encode())
    for start in range(0, table.num_rows, DIGEST_WINDOW):
        window = table.slice(start, DIGEST_WINDOW).combine_chunks()
        sink = pa.BufferOutputStream()
        _write_ipc(sink, window, stream=True, max_chunksize=DIGEST_WINDOW)
        h.update(memoryview(sink.getvalue()))
    return h.hexdigest()
