"""Reading an Arrow IPC file's layout without decompressing anything.

An IPC file may carry its buffers compressed (LZ4 or ZSTD): a 25 KB body can then stand for
gigabytes once pyarrow reads it, and a check that reads the batches pays for that. So the
server looks at the flatbuffer metadata first: the footer's blocks, and for each block the
message header, whose ``compression`` field says whether its body is compressed. This module
reads those few bytes by hand (the flatbuffer layout of Arrow's ``File.fbs`` and
``Message.fbs``), through ``mmap``, so a check costs the size of the metadata, never of the
data.

The server accepts uncompressed IPC files only, which is what pygraphistry and
graphistry_fp send.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path

_MAGIC = b"ARROW1"
_CONTINUATION = 0xFFFFFFFF
_BLOCK_SIZE = 24  # struct Block { offset: long; metaDataLength: int; (pad); bodyLength: long }
_DICTIONARY_BATCH, _RECORD_BATCH = 2, 3


class LayoutError(ValueError):
    """The file's metadata is malformed, or it uses a layout the server refuses."""


class _Buffer:
    """Bounds-checked little-endian reads from a byte buffer (an mmap)."""

    def __init__(self, data: mmap.mmap | bytes, start: int = 0, end: int | None = None) -> None:
        self.data = data
        self.start = start
        self.end = len(data) if end is None else end

    def unpack(self, fmt: str, pos: int) -> int:
        size = struct.calcsize(fmt)
        if pos < self.start or pos + size > self.end:
            raise LayoutError("metadata points outside the file")
        value: int = struct.unpack_from(fmt, self.data, pos)[0]
        return value

    def root(self) -> int:
        return self.start + self.unpack("<I", self.start)

    def field(self, table: int, index: int) -> int | None:
        """Position of field ``index`` of the table at ``table`` (None: absent)."""
        vtable = table - self.unpack("<i", table)
        vtable_size = self.unpack("<H", vtable)
        if 4 + 2 * index >= vtable_size:
            return None
        offset = self.unpack("<H", vtable + 4 + 2 * index)
        return None if offset == 0 else table + offset

    def offset_field(self, table: int, index: int) -> int | None:
        """Where the table/vector that field ``index`` refers to starts (None: absent)."""
        pos = self.field(table, index)
        return None if pos is None else pos + self.unpack("<I", pos)


def _blocks(buf: _Buffer, footer: int, index: int) -> list[tuple[int, int]]:
    """``(offset, metaDataLength)`` of each block of the footer's vector ``index``."""
    vector = buf.offset_field(footer, index)
    if vector is None:
        return []
    count = buf.unpack("<I", vector)
    if count > (buf.end - vector) // _BLOCK_SIZE:
        raise LayoutError("footer block count is larger than the footer")
    first = vector + 4
    return [
        (buf.unpack("<q", first + i * _BLOCK_SIZE), buf.unpack("<i", first + i * _BLOCK_SIZE + 8))
        for i in range(count)
    ]


def _message_is_compressed(data: mmap.mmap | bytes, offset: int, size: int) -> bool:
    """Whether the record or dictionary batch message at ``offset`` has compressed buffers."""
    whole = _Buffer(data, 0, size)
    length = whole.unpack("<I", offset)
    start = offset + 4
    if length == _CONTINUATION:
        length = whole.unpack("<i", start)
        start += 4
    if length <= 0 or start + length > size:
        raise LayoutError("message metadata points outside the file")
    buf = _Buffer(data, start, start + length)
    message = buf.root()
    kind_pos = buf.field(message, 1)
    kind = 0 if kind_pos is None else buf.unpack("<B", kind_pos)
    header = buf.offset_field(message, 2)
    if header is None:
        raise LayoutError("a block holds a message without a header")
    if kind == _DICTIONARY_BATCH:
        header = buf.offset_field(header, 1)
        if header is None:
            return False
    elif kind != _RECORD_BATCH:
        raise LayoutError(f"a block holds a message of unexpected type {kind}")
    return buf.field(header, 3) is not None


def check_uncompressed(path: Path) -> None:
    """Refuse an IPC file any of whose batches is compressed, reading metadata only.

    Raises:
        LayoutError: a batch is compressed, or the footer or a message header is malformed.
    """
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size < 2 * len(_MAGIC) + 4:
            raise LayoutError("too short to be an Arrow IPC file")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            _check(data, size)


def check_uncompressed_bytes(data: bytes) -> None:
    """:func:`check_uncompressed` for a file held in memory (a small upload body).

    Raises:
        LayoutError: a batch is compressed, or the footer or a message header is malformed.
    """
    if len(data) < 2 * len(_MAGIC) + 4:
        raise LayoutError("too short to be an Arrow IPC file")
    _check(data, len(data))


def _check(data: mmap.mmap | bytes, size: int) -> None:
    if data[:6] != _MAGIC or data[size - 6 :] != _MAGIC:
        raise LayoutError("missing the ARROW1 magic")
    footer_len = _Buffer(data).unpack("<i", size - 10)
    footer_start = size - 10 - footer_len
    if footer_len <= 0 or footer_start < 8:
        raise LayoutError("bad footer length")
    buf = _Buffer(data, footer_start, size - 10)
    footer = buf.root()
    for offset, _ in _blocks(buf, footer, 2) + _blocks(buf, footer, 3):
        if _message_is_compressed(data, offset, footer_start):
            raise LayoutError(
                "compressed IPC buffers (LZ4/ZSTD) are not accepted: "
                "send an uncompressed Arrow IPC file"
            )
