"""What a client accepts from a server: reply size, request time, token shape (no I/O).

Theory of operation. A client talks to a server it does not control; these are the limits
it keeps whatever the server sends (issue 17), shared by both transports (``requests`` in
``transport.py``, h11 on asyncio in ``async_transport.py``), so the decisions live here
and a transport only feeds bytes and clocks in:

* :class:`ReplyReader` collects a reply body as it arrives, decoding ``gzip``/``deflate``
  itself with a bounded output per step, and refuses a body (as announced by
  ``Content-Length``, or as received, or as inflated) larger than ``max_reply_bytes`` with
  :class:`~graphistry_fp.errors.ProtocolError`: a gzip bomb or a reply announcing 5 GB
  costs at most the cap in memory, never the bomb's size;
* :func:`deadline_seconds` is the longest one request may take in all (connect, send,
  every retry, every reply byte): the read timeout alone bounds the wait for *one* byte,
  and a server trickling a byte a second never hits it;
* :func:`request_window` gives one request's timeout, deadline and attempts, and
  :func:`transport_failure` words a failed request's typed error, for both transports;
* :func:`check_token` refuses a token from a login, refresh, switch or single sign-on
  reply that is not a plausible JWT (three base64url segments, bounded length): a token
  with CR/LF would otherwise become a forged header, or a raw ``requests`` error.
"""

from __future__ import annotations

import re
import time
import zlib
from typing import TYPE_CHECKING

import attrs

from graphistry_fp.errors import GraphistryError, ProtocolError, TransportError

if TYPE_CHECKING:
    from .config import Config
    from .wire import Request

#: Default cap on one reply body, decoded (bytes). Every reply of the protocol is a small
#: JSON object (the largest, a login or share reply, is a few KB).
DEFAULT_MAX_REPLY_BYTES = 4 * 1024 * 1024
#: Default overall deadline of one request (seconds), retries included, before uploads.
DEFAULT_REQUEST_DEADLINE = 300.0
#: Bytes per second an upload is allowed on top of the deadline: a request with a body of
#: n bytes gets ``request_deadline + n / MIN_UPLOAD_RATE`` seconds (1 GB: about 3 hours
#: more, 100 MB: 17 minutes), so an honest big upload on a slow link is not cut, while a
#: server that stalls is still caught by the read timeout.
MIN_UPLOAD_RATE = 100_000
#: The longest token accepted from a server (characters); real ones are under 2 KB.
MAX_TOKEN_CHARS = 8192
#: The content encodings a client asks for and decodes itself.
ACCEPT_ENCODING = "gzip, deflate"

_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_STEP = 64 * 1024


def deadline_seconds(request_deadline: float, body_bytes: int, cap: float | None = None) -> float:
    """The overall deadline of one request: ``request_deadline``, more for a big body.

    Args:
        request_deadline: the client's ``request_deadline`` option.
        body_bytes: the size of the request body (0 for none).
        cap: the request's own limit (the SSO poll near its end), or None.
    """
    seconds = request_deadline + max(0, body_bytes) / MIN_UPLOAD_RATE
    return seconds if cap is None else min(seconds, cap)


@attrs.frozen
class Window:
    """One request's limits, the same for both transports: the (connect, read) timeout of
    each attempt, the overall deadline in seconds, when it ends, and how many attempts."""

    timeout: tuple[float, float]
    deadline: float
    ends: float
    attempts: int


def request_window(
    config: Config, request: Request, timeout: tuple[float, float] | None
) -> Window:
    """The :class:`Window` of ``request``: the configured timeout (capped by
    ``request.timeout``) unless ``timeout`` is given; a deadline that grows with the body's
    size; retries only where safe."""
    from .streaming import body_size  # here: config reads this module, pyarrow not needed

    if timeout is None:
        timeout = config.timeout
        if request.timeout is not None:
            timeout = (min(timeout[0], request.timeout), min(timeout[1], request.timeout))
    body_bytes = body_size(request.body) if request.body is not None else 0
    deadline = deadline_seconds(config.request_deadline, body_bytes, request.timeout)
    attempts = 1 + (config.max_retries if request.idempotent else 0)
    return Window(timeout, deadline, time.monotonic() + deadline, attempts)


def transport_failure(
    config: Config, request: Request, how: str, attempts: int, deadline: float, reason: str
) -> GraphistryError:
    """The typed error of a failed request, worded once for both transports.

    ``how``: ``"deadline"`` (the overall deadline passed), ``"header"`` (a header HTTP does
    not allow: nothing was sent), else what happened (``"timed out"``, ...); ``reason``:
    the library error's scrubbed summary.
    """
    what = request.what or request.method
    where = f"{request.method} {config.base_url}{request.path}"
    if how == "header":
        return ProtocolError(
            f"{what}: a header of {where} has characters HTTP does not allow (a control "
            "character or a line break in a token or key); nothing was sent"
        )
    if how == "deadline":
        return TransportError(
            f"{what}: {where} did not complete within its deadline of {deadline:g} s "
            "(request_deadline, retries included); the server is too slow or trickling "
            "its reply"
        )
    return TransportError(
        f"{what}: {how} for {where} after {attempts} attempt(s); "
        f"is the server up and reachable? ({reason})"
    )


def check_token(token: str, what: str, status: int | None = None) -> str:
    """``token`` if it is a plausible JWT, else :class:`ProtocolError` (it is never echoed).

    Plausible: at most :data:`MAX_TOKEN_CHARS` characters, three dot-separated base64url
    segments, hence no space, control character or CR/LF.
    """
    if len(token) > MAX_TOKEN_CHARS:
        raise ProtocolError(
            f"{what}: the server sent a token of {len(token)} characters (the limit is "
            f"{MAX_TOKEN_CHARS}); refusing it",
            status=status,
        )
    if not _TOKEN.fullmatch(token):
        raise ProtocolError(
            f"{what}: the server sent a token that is not a JWT (three base64url segments, "
            "no spaces or control characters); refusing it",
            status=status,
        )
    return token


def too_large(what: str, cap: int, status: int | None, how: str) -> ProtocolError:
    """The error for a reply over the cap; ``how`` says what was seen."""
    return ProtocolError(
        f"{what}: the reply {how}, over the limit of {cap} bytes (max_reply_bytes); "
        "stopped reading it: is this a Graphistry server?",
        status=status,
    )


class ReplyReader:
    """Collects one reply body, decoding it, and stops past ``cap`` bytes (decoded).

    Feed it the raw (still encoded) bytes as they arrive, then call :meth:`finish`.

    Args:
        cap: the most bytes the decoded body may have.
        what: the step's name, for messages.
        status: the reply's status, carried by the errors.
        headers: the reply's headers (lower-case names): ``content-length`` is checked
            at once, ``content-encoding`` chooses the decoder.

    Raises:
        ProtocolError: (at construction) ``Content-Length`` announces more than ``cap``, or
            an encoding other than gzip/deflate/identity; (while feeding) the body, raw or
            decoded, grows past ``cap``, or it is not valid gzip/deflate.
    """

    def __init__(self, cap: int, what: str, status: int | None, headers: dict[str, str]) -> None:
        self._cap = cap
        self._what = what
        self._status = status
        self._parts: list[bytes] = []
        self._size = 0
        self._raw = 0
        announced = headers.get("content-length", "").strip()
        if announced.isdigit() and int(announced) > cap:
            raise too_large(what, cap, status, f"announces {int(announced)} bytes")
        encoding = headers.get("content-encoding", "").strip().lower()
        self._decoder: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decoder = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise ProtocolError(
                f"{what}: the reply uses content encoding {encoding[:40]!r}, which was not "
                f"asked for ({ACCEPT_ENCODING})",
                status=status,
            )
        self._deflate_probe = encoding == "deflate"
        self._gzip = encoding in ("gzip", "x-gzip")

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._cap:
            raise too_large(self._what, self._cap, self._status, "inflates past the limit")
        if data:
            self._parts.append(data)

    def _bad_encoding(self) -> ProtocolError:
        return ProtocolError(
            f"{self._what}: the reply's body is not valid gzip/deflate as its "
            "Content-Encoding says",
            status=self._status,
        )

    def feed(self, raw: bytes) -> None:
        """Take the next raw bytes of the body."""
        self._raw += len(raw)
        if self._raw > self._cap:
            raise too_large(self._what, self._cap, self._status, "grows past the limit")
        if self._decoder is None:
            self._keep(raw)
            return
        if self._deflate_probe and raw:
            # "deflate" is zlib-wrapped per the RFC, raw deflate in some servers: probe.
            self._deflate_probe = False
            try:
                zlib.decompressobj().decompress(raw[:2])
            except zlib.error:
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            data = raw
            while True:
                # At most _STEP bytes of output per call: an inflating body is checked
                # against the cap before it can grow far past it.
                out = self._decoder.decompress(data, _STEP)
                self._keep(out)
                data = self._decoder.unconsumed_tail
                if self._gzip and self._decoder.eof and self._decoder.unused_data:
                    # gzip allows several members, one after the other.
                    data = self._decoder.unused_data
                    self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    continue
                if not data and len(out) < _STEP:
                    break
        except zlib.error:
            raise self._bad_encoding() from None

    def finish(self) -> bytes:
        """The decoded body (after the last :meth:`feed`)."""
        if self._decoder is not None:
            try:
                self._keep(self._decoder.flush())
            except zlib.error:
                raise self._bad_encoding() from None
            if not self._decoder.eof and self._raw:
                raise self._bad_encoding()
        return b"".join(self._parts)
