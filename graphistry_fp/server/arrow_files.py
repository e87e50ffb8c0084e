"""Checking uploaded Arrow IPC *file* bodies (PROTOCOL.md section 4.4)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa


class InvalidArrow(ValueError):
    """The bytes are not a readable Arrow IPC file."""


def arrow_file_shape(path: Path) -> tuple[int, int]:
    """``(rows, columns)`` of the Arrow IPC file at ``path``.

    The file is memory-mapped and only its footer and batch headers are read, so checking
    a large upload costs neither a copy nor much time; every batch is structurally
    validated.

    Raises:
        InvalidArrow: not an Arrow IPC file (a stream, CSV, truncated bytes...).
    """
    try:
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_file(source)
            rows = 0
            for index in range(reader.num_record_batches):
                batch = reader.get_batch(index)
                batch.validate()
                rows += batch.num_rows
            return rows, len(reader.schema)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InvalidArrow(f"not an Arrow IPC file: {exc}") from exc
