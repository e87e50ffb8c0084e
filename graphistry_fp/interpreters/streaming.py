"""Upload bodies: an in-memory Arrow buffer, or a body produced while it is sent.

Theory of operation. An in-memory table's body is one ``pyarrow.Buffer`` written ahead
(``effects.tables.to_ipc_file``) and sent zero-copy with a ``Content-Length``. A
:class:`StreamBody` is a *recipe* for chunks instead: each call of :meth:`StreamBody.chunks`
starts over (a retry re-reads the dataset from its first file), runs the chunks through
the progress hook (``progress.track``) when the upload reports progress, and the
transport hands them to the driver as they come (:func:`request_data`).

A dataset is streamed with HTTP/1.1 chunked transfer encoding: the body's size is known
only once its footer is written. A ``Content-Length`` would need a counting pass over
every row first (reading and encoding the dataset twice); the measurement that chose
chunked is in the README ("Big graphs") and ``benchmarks/stream.py``. A server or proxy
that refuses chunked bodies (411 Length Required) gets the body again with a counted
length (``StreamBody.counted``); ``COUNT_FIRST`` counts up front instead.

Reading (:func:`dataset_batches`, the only place that reads a dataset's files): plain
Parquet datasets file by file with ``ParquetFile.iter_batches`` (pages as batches need
them); filtered, partitioned, CSV and Arrow datasets through the dataset scanner with a
small read-ahead. Either way the client holds a few :data:`BATCH_ROWS`-row batches, not
the table. Read errors become :class:`PlanError`s naming the dataset.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from graphistry_fp.effects import UploadTable
from graphistry_fp.effects.stream import BATCH_ROWS, DatasetTable, ipc_file_chunks
from graphistry_fp.errors import PlanError

from .progress import BAR_BYTES, ProgressOptions, UploadProgress, track

#: Batches read ahead per file, and files read ahead: bounds the client's memory.
BATCH_READAHEAD = 4
FRAGMENT_READAHEAD = 1
#: An in-memory body is handed to the driver in slices this big when it reports progress.
SLICE_BYTES = 1 << 20
#: Send a streamed dataset with a counted Content-Length (an extra full pass) instead of
#: chunked transfer encoding.
COUNT_FIRST = False


class _Sized:
    """An iterable with a length: the driver sends a ``Content-Length``, not chunks."""

    def __init__(self, chunks: Iterable[Any], length: int) -> None:
        self._chunks = chunks
        self._length = length

    def __iter__(self) -> Iterator[Any]:
        return iter(self._chunks)

    def __len__(self) -> int:
        return self._length


class StreamBody:
    """A request body produced while it is sent; every :meth:`chunks` call starts over.

    Args:
        open_chunks: makes a fresh iterator of bytes-like chunks (one per attempt).
        length: the body's size when known (sent as ``Content-Length``), else ``None``
            (chunked transfer encoding).
        progress: reports the bytes sent, or ``None``.
        size_hint: an estimate of the size when ``length`` is unknown (0: none), for the
            transport's overall deadline.
    """

    def __init__(self, open_chunks: Callable[[], Iterable[Any]], length: int | None = None,
                 progress: UploadProgress | None = None, size_hint: int = 0) -> None:  # fmt: skip
        self._open = open_chunks
        self.length = length
        self.progress = progress
        self.size_hint = size_hint

    def chunks(self) -> Iterator[Any]:
        """A fresh iterator over the body's chunks, counted by the progress hook."""
        chunks = iter(self._open())
        if self.progress is not None:
            chunks = track(chunks, self.progress.attempt())
        return chunks

    def counted(self) -> StreamBody:
        """The same body with its length counted (one extra pass), for a server or proxy
        that refuses chunked transfer encoding (411 Length Required)."""
        length = sum(memoryview(chunk).nbytes for chunk in self._open())
        return StreamBody(self._open, length, self.progress, self.size_hint)

    def with_progress(self, progress: UploadProgress | None) -> StreamBody:
        """The same body, reporting to ``progress``."""
        return StreamBody(self._open, self.length, progress, self.size_hint)


async def achunks(body: StreamBody) -> AsyncIterator[Any]:
    """:meth:`StreamBody.chunks` for the async transport: each chunk is produced in a
    worker thread, since reading files and encoding batches would hold the event loop.
    Progress events then come from that worker thread. Send ``body.length`` as the
    ``Content-Length`` when it is not None, else stream chunked."""
    import asyncio

    chunks = body.chunks()
    done = object()
    while True:
        chunk = await asyncio.to_thread(next, chunks, done)
        if chunk is done:
            return
        yield chunk


def body_size(body: Any) -> int:
    """The bytes ``body`` sends, for the overall request deadline (``limits``): a buffer's
    size, a counted stream's length, else the stream's estimate (0 when there is none)."""
    if isinstance(body, StreamBody):
        return body.length if body.length is not None else body.size_hint
    return int(memoryview(body).nbytes)


def _files_size(dataset: Any) -> int:
    """Twice the bytes of the dataset's files on disk (an IPC body is rarely more than
    twice its Parquet files), 0 when the filesystem cannot say."""
    children = getattr(dataset, "children", None)
    if children is not None:
        return sum(_files_size(child) for child in children)
    try:
        infos = dataset.filesystem.get_file_info(list(dataset.files))
        return 2 * sum(max(0, int(info.size or 0)) for info in infos)
    except Exception:  # an estimate only: any failure means "unknown"
        return 0


def request_data(body: Any) -> Any:
    """What the driver sends for ``body``: a zero-copy view of a buffer, a sized iterable
    (``Content-Length``), or a generator (chunked transfer encoding)."""
    if isinstance(body, StreamBody):
        chunks = body.chunks()
        return chunks if body.length is None else _Sized(chunks, body.length)
    return memoryview(body).cast("B")


def _scan_options(dataset: Any) -> dict[str, Any]:
    """Read options that keep the client's memory to a few batches.

    Measured on 5M edges in 4 local Parquet files (``benchmarks/stream.py``): pyarrow's
    defaults (16 batches and 4 files read ahead, Parquet pre-buffering, mimalloc) peak at
    ~265 MB of extra RSS; 4 batches and 1 file ahead, no pre-buffering of local files and
    the system allocator for the scan, ~30 MB, at the same speed. Pre-buffering stays on
    for remote filesystems (S3, GCS), where it saves round trips.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    options: dict[str, Any] = {
        "batch_size": BATCH_ROWS,
        "batch_readahead": BATCH_READAHEAD,
        "fragment_readahead": FRAGMENT_READAHEAD,
        "memory_pool": pa.system_memory_pool(),
    }
    filesystem = getattr(dataset, "filesystem", None)
    local = type(filesystem).__name__ == "LocalFileSystem"
    if local and isinstance(getattr(dataset, "format", None), ds.ParquetFileFormat):
        options["fragment_scan_options"] = ds.ParquetFragmentScanOptions(pre_buffer=False)
    return options


def _plain_parquet(dataset: Any) -> bool:
    """True for Parquet files with nothing for a scanner to add (no filter, no partition
    columns from the paths): they can be read file by file, page by page."""
    import pyarrow.dataset as ds

    return (
        type(dataset).__name__ == "FileSystemDataset"
        and isinstance(dataset.format, ds.ParquetFileFormat)
        and (dataset.partitioning is None or len(dataset.partitioning.schema) == 0)
        and (getattr(dataset, "_scan_options", None) or {}).get("filter") is None
    )


def _parquet_file_batches(dataset: Any) -> Iterator[Any]:
    """Each file's batches, read incrementally (``ParquetFile.iter_batches``).

    The dataset scanner decodes a whole row group before slicing it into batches, and
    reads the next file ahead: with 1M-row row groups that peaks at 120-150 MB over the
    start (5M edges, 1M-row files); reading pages as batches need them peaks at ~55 MB,
    however big the row groups (``benchmarks/stream.py``).
    """
    import pyarrow.parquet as pq

    filesystem = dataset.filesystem
    local = type(filesystem).__name__ == "LocalFileSystem"
    names = list(dataset.schema.names)
    for path in dataset.files:
        with filesystem.open_input_file(path) as source:
            reader = pq.ParquetFile(source, pre_buffer=not local)
            present = [name for name in names if name in reader.schema_arrow.names]
            yield from reader.iter_batches(batch_size=BATCH_ROWS, columns=present)


def dataset_batches(table: DatasetTable) -> Iterator[Any]:
    """Read ``table``'s record batches, in order, a few at a time (the only file I/O)."""
    if _plain_parquet(table.dataset):
        return _parquet_file_batches(table.dataset)
    return iter(table.dataset.to_batches(**_scan_options(table.dataset)))


def dataset_chunks(upload: UploadTable) -> Callable[[], Iterable[Any]]:
    """A recipe for the IPC file chunks of a streamed upload (reads the files when run)."""
    table = upload.table
    assert isinstance(table, DatasetTable)

    def open_chunks() -> Iterable[Any]:
        batches = _read_errors_typed(dataset_batches(table), upload.kind)
        return ipc_file_chunks(table.schema, batches, ids=upload.ids, what=upload.kind)

    return open_chunks


def _read_errors_typed(batches: Iterator[Any], what: str) -> Iterator[Any]:
    """``batches``, with a file that cannot be read (gone, corrupt, a column whose type
    differs from the dataset's schema) reported as a PlanError, not a raw Arrow error."""
    import pyarrow as pa

    number = 0
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowException, OSError) as error:
            reason = " ".join(str(error).split())[:300]
            raise PlanError(
                f"reading the {what} dataset failed after {number} batch(es): {reason}; "
                f"check that its files exist, are readable and share one schema"
            ) from None
        number += 1
        yield batch


def stream_body(upload: UploadTable) -> StreamBody:
    """The body of a streamed upload (chunked, or counted first with ``COUNT_FIRST``)."""
    assert isinstance(upload.table, DatasetTable)
    body = StreamBody(dataset_chunks(upload), size_hint=_files_size(upload.table.dataset))
    return body.counted() if COUNT_FIRST else body


def _slices(buffer: Any) -> Iterator[memoryview]:
    view = memoryview(buffer).cast("B")
    for start in range(0, view.nbytes, SLICE_BYTES):
        yield view[start : start + SLICE_BYTES]


def with_progress(body: Any, table: str, dataset_id: str | None,
                  options: ProgressOptions | None) -> Any:  # fmt: skip
    """``body`` reporting progress to ``options`` (unchanged when nothing would report)."""
    if options is None or not options.active:
        return body
    if isinstance(body, StreamBody):
        return body.with_progress(UploadProgress(table, body.length, dataset_id, options))
    size = memoryview(body).nbytes
    if options.on_progress is None and size <= BAR_BYTES:
        return body  # no callback, and too small for a bar: keep the one zero-copy send
    progress = UploadProgress(table, size, dataset_id, options)
    return StreamBody(lambda: _slices(body), size, progress)
