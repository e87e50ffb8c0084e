"""Checking uploaded Arrow IPC *file* bodies (PROTOCOL.md section 4.4)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa

from .ipc_layout import LayoutError, check_uncompressed, check_uncompressed_bytes


class InvalidArrow(ValueError):
    """The bytes are not a readable Arrow IPC file."""


def arrow_file_shape(path: Path) -> tuple[int, int]:
    """``(rows, columns)`` of the Arrow IPC file at ``path``.

    The file is memory-mapped and only its footer and batch headers are read, so checking
    a large upload costs neither a copy nor much time; every batch is structurally
    validated. Compressed buffers are refused from the metadata alone, before anything is
    decompressed (a small compressed body can stand for gigabytes), and so are duplicate
    column names (no reader can tell such columns apart).

    Raises:
        InvalidArrow: not an Arrow IPC file (a stream, CSV, truncated bytes...), a
            compressed one, or one with duplicate column names.
    """
    try:
        check_uncompressed(path)
    except (LayoutError, OSError) as exc:
        raise InvalidArrow(f"not an Arrow IPC file: {exc}") from exc
    try:
        with pa.memory_map(str(path)) as source:
            return _shape(source)
    except OSError as exc:
        raise InvalidArrow(f"not an Arrow IPC file: {exc}") from exc


def arrow_bytes_shape(data: bytes) -> tuple[int, int]:
    """:func:`arrow_file_shape` of an Arrow IPC file held in memory (same checks).

    Raises:
        InvalidArrow: as :func:`arrow_file_shape`.
    """
    try:
        check_uncompressed_bytes(data)
    except LayoutError as exc:
        raise InvalidArrow(f"not an Arrow IPC file: {exc}") from exc
    return _shape(pa.BufferReader(data))


def _shape(source: pa.NativeFile) -> tuple[int, int]:
    try:
        reader = pa.ipc.open_file(source)
        counts = Counter(reader.schema.names)
        duplicates = sorted(name for name, count in counts.items() if count > 1)
        if duplicates:
            raise InvalidArrow(f"duplicate column names: {', '.join(map(repr, duplicates))}")
        rows = 0
        for index in range(reader.num_record_batches):
            batch = reader.get_batch(index)
            batch.validate()
            rows += batch.num_rows
        return rows, len(reader.schema)
    except InvalidArrow:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InvalidArrow(f"not an Arrow IPC file: {exc}") from exc
