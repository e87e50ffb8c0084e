"""Upload progress: ``on_progress=`` events and the tqdm bar, fed by one body hook.

Theory of operation. An upload body is an iterable of byte chunks (``bodies.py``). The one
hook is :func:`track` (and its async twin :func:`atrack`): it wraps a body's chunk
iterator, and after each chunk has been handed to the transport it tells a
:class:`ByteCounter` how many bytes went out. The counter knows nothing about the driver
(requests, and the async transport): it keeps the monotonic byte count of one *attempt* and
reports it to the user's callback and to the bar. :class:`UploadProgress` owns one
table's upload across attempts: a retry re-reads the body from the start, so it starts a
new attempt (the bar restarts; events carry ``attempt``).

The callback runs in the uploading thread between two chunks, so it should be quick; an
exception it raises aborts that upload and propagates out of ``run()`` unchanged.

The bar (``tqdm.auto``: a terminal bar, or a widget in a notebook) is shown only when
``progress`` is on (the default), the process can show one (stderr is a terminal, or an
IPython kernel runs it: never in a service log or a pipe), and the upload is over
:data:`BAR_BYTES` (known up front from the body's length, or once that many bytes went
out when the length is unknown).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import attrs

from graphistry_fp.errors import ConfigError

from .notebook import in_notebook

#: Uploads bigger than this show a progress bar by default (16 MiB).
BAR_BYTES = 16 * 2**20


@attrs.frozen
class ProgressEvent:
    """One progress report of a table upload (passed to ``on_progress``).

    Attributes:
        table: ``"edges"`` or ``"nodes"``.
        bytes_sent: bytes of the body sent so far in this attempt; increases with every
            event, and the last event of a successful upload equals the body's size.
        total_bytes: the body's size, or ``None`` when it is produced as it is sent (a
            streamed dataset).
        elapsed: seconds since the upload of this table began (first attempt).
        dataset_id: the dataset the table is uploaded to.
        attempt: 1 for the first attempt; a retry re-sends from byte 0 as attempt 2...
    """

    table: str
    bytes_sent: int
    total_bytes: int | None
    elapsed: float
    dataset_id: str | None
    attempt: int = 1


ProgressCallback = Callable[[ProgressEvent], object]


@attrs.frozen
class ProgressOptions:
    """A client's progress settings: the user's callback and whether bars may show."""

    on_progress: ProgressCallback | None = None
    bar: bool = True

    @property
    def active(self) -> bool:
        """True when an upload may report anything at all."""
        return self.on_progress is not None or (self.bar and can_show_bar())


def progress_options(on_progress: object = None, progress: object = True) -> ProgressOptions:
    """Validate the ``on_progress=`` and ``progress=`` client options.

    Raises:
        ConfigError: ``on_progress`` is not callable, or ``progress`` not a bool.
    """
    if on_progress is not None and not callable(on_progress):
        raise ConfigError(
            f"on_progress must be a callable taking a ProgressEvent, got {type(on_progress).__name__}"
        )
    if not isinstance(progress, bool):
        raise ConfigError(f"progress must be True or False, got {progress!r}")
    return ProgressOptions(on_progress=on_progress, bar=progress)


def can_show_bar() -> bool:
    """True when stderr is a terminal or an IPython kernel runs us (never in a pipe/log)."""
    if in_notebook():
        return True
    try:
        return bool(sys.stderr is not None and sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


class _Bar:
    """A lazily created ``tqdm.auto`` bar for one table's upload."""

    def __init__(self, table: str, total: int | None) -> None:
        self._table = table
        self._total = total
        self._bar: Any = None
        self._shown = 0

    def show(self, sent: int, attempt: int) -> None:
        if self._bar is None:
            if max(sent, self._total or 0) <= BAR_BYTES:
                return
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self._total, desc=f"upload {self._table}", unit="B",
                             unit_scale=True, unit_divisor=1024, leave=True)  # fmt: skip
        if sent < self._shown:  # a retry started over
            self._bar.reset(total=self._total)
            self._bar.set_description(f"upload {self._table} (attempt {attempt})")
            self._shown = 0
        self._bar.update(sent - self._shown)
        self._shown = sent

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class ByteCounter:
    """Counts the bytes of one attempt and reports them (driver-independent)."""

    def __init__(self, upload: UploadProgress, attempt: int) -> None:
        self._upload = upload
        self.attempt = attempt
        self.sent = 0

    def add(self, size: int) -> None:
        """``size`` more bytes were handed to the transport."""
        if size <= 0:
            return
        self.sent += size
        self._upload.report(self)


class UploadProgress:
    """Progress of one table's upload across its attempts."""

    def __init__(self, table: str, total: int | None, dataset_id: str | None,
                 options: ProgressOptions) -> None:  # fmt: skip
        self.table = table
        self.total = total
        self.dataset_id = dataset_id
        self._callback = options.on_progress
        self._bar = _Bar(table, total) if options.bar and can_show_bar() else None
        self._started = time.monotonic()
        self._attempts = 0
        self._lock = threading.Lock()

    def attempt(self) -> ByteCounter:
        """A counter for a new attempt (each retry re-sends from byte 0)."""
        with self._lock:
            self._attempts += 1
            return ByteCounter(self, self._attempts)

    def report(self, counter: ByteCounter) -> None:
        """Send ``counter``'s state to the callback and the bar (the uploading thread)."""
        if self._bar is not None:
            self._bar.show(counter.sent, counter.attempt)
        if self._callback is not None:
            self._callback(
                ProgressEvent(
                    table=self.table,
                    bytes_sent=counter.sent,
                    total_bytes=self.total,
                    elapsed=time.monotonic() - self._started,
                    dataset_id=self.dataset_id,
                    attempt=counter.attempt,
                )
            )

    def close(self) -> None:
        """Close the bar, if one is shown."""
        if self._bar is not None:
            self._bar.close()


def _size(chunk: Any) -> int:
    return chunk.nbytes if isinstance(chunk, memoryview) else len(chunk)


def track(chunks: Iterable[Any], counter: ByteCounter) -> Iterator[Any]:
    """The one body hook (sync drivers): yield ``chunks``, counting each once it is sent.

    A chunk counts as sent when the driver asks for the next one (or for the end), so the
    last report comes when the whole body has been handed over.
    """
    for chunk in chunks:
        yield chunk
        counter.add(_size(chunk))


async def atrack(chunks: AsyncIterable[Any], counter: ByteCounter) -> AsyncIterator[Any]:
    """:func:`track` for the async transport: same counting over an async iterator."""
    async for chunk in chunks:
        yield chunk
        counter.add(_size(chunk))
