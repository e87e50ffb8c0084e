"""The transport: one connection pool per client, timeouts, retries, DEBUG logging.

It performs one :class:`~graphistry_fp.interpreters.wire.Request` at a time and returns a
:class:`~graphistry_fp.interpreters.wire.Response`; mapping replies to typed errors is the
flows' business (``replies.error_for``). A request goes out as ``requests`` would send
it, straight into the client's urllib3 pool (``sender.py``: half the CPU per request).
Here:

* every request has the configured ``timeout`` (connect, read), capped by the request's
  own ``timeout`` when it has one (the SSO poll, near its deadline);
* a request marked ``idempotent`` (login, refresh, switch, uploads to an existing dataset,
  share) is retried up to ``max_retries`` times on 429/500/502/503/504 and on connection
  errors and timeouts, with capped, jittered exponential backoff that honours
  ``Retry-After`` (``retries.py``, shared with the async transport); a request that is
  not (creating a dataset) is sent exactly once;
* redirects are not followed (a redirect is reported as a ``ProtocolError`` that names it:
  usually ``protocol="http"`` against an https-only server);
* limits (``limits.py``): a reply body is streamed through a ``ReplyReader`` that stops
  past ``max_reply_bytes`` (``ProtocolError``), and one request, retries included, ends at
  its overall deadline (``TransportError``): the watchdog shuts the socket of a request
  that outlives it, which wakes a read blocked on a server trickling bytes;
* no raw ``requests`` or urllib3 error escapes: a body cut short or a dropped connection
  is a ``TransportError`` (retried where safe), a header HTTP cannot carry is a
  ``ProtocolError`` (its value is never shown; nothing is sent);
* logging (``retries.py``): ``graphistry_fp.http`` at DEBUG logs method, path, status,
  attempt and timing, never a header or a body.
"""

from __future__ import annotations

import re
import threading
import time
import warnings
from typing import Any

import requests
import urllib3

from graphistry_fp.errors import GraphistryError, ProtocolError, TransportError

from .config import Config
from .limits import ReplyReader, request_window, transport_failure
from .replies import scrub
from .retries import after_failure, after_reply
from .sender import Sender
from .watchdog import WATCHDOG
from .watched import IO_ERRORS, Deadline, Watch, kind, watching
from .wire import Request, Response

_insecure_warned = threading.Lock()
_insecure_done = False


def warn_insecure_once() -> None:
    """Warn (once per process) that TLS verification is off, and mute urllib3's per-request warning."""
    global _insecure_done
    with _insecure_warned:
        if _insecure_done:
            return
        _insecure_done = True
    warnings.warn(
        "certificate_validation=False: TLS certificates are not verified; use this only "
        "with a server you trust on a network you trust (urllib3's per-request "
        "InsecureRequestWarning is silenced for this process)",
        UserWarning,
        stacklevel=4,
    )
    warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)


#: Raw bytes read per step of a reply body.
READ_STEP = 64 * 1024


def _environment(base_url: str, verify: bool) -> tuple[bool | str, dict[str, str]]:
    """The CA bundle (when verifying) and the proxies for this client's server, read once.

    requests re-reads the whole environment on every request (``trust_env``): about 0.2 ms
    each. A client talks to one server, so the answer (``HTTPS_PROXY``/``NO_PROXY`` for
    that host, ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` when verifying) is the same every
    time: take it at construction, as the other ``GRAPHISTRY_*`` defaults are, with
    requests' own rules. (``~/.netrc`` is never used: it would replace our Authorization.)
    """
    with requests.Session() as session:
        settings = session.merge_environment_settings(base_url, {}, None, verify, None)
    verify_or_bundle = settings["verify"]
    return (verify if verify_or_bundle is None else verify_or_bundle), dict(settings["proxies"])


def _reason(error: BaseException) -> str:
    errno = re.search(r"\[Errno -?\d+\][^'\")]*", str(error))
    return scrub(errno.group(0).strip() if errno else type(error).__name__)


class Transport:
    """Sends requests for one client; safe to share between threads (the pool is)."""

    def __init__(self, config: Config, *, sleep: Any = time.sleep) -> None:
        self._config = config
        self._sleep = sleep
        verify, proxies = _environment(config.base_url, config.certificate_validation)
        self._sender = Sender(config.base_url, verify, proxies)

    def close(self) -> None:
        """Close the connection pool."""
        self._sender.close()

    def _attempt(
        self, request: Request, bearer: str | None, timeout: tuple[float, float], watch: Watch
    ) -> Response:
        outgoing = self._sender.outgoing(request, bearer)
        watching(watch)
        try:
            raw = self._sender.send(outgoing, timeout)
        finally:
            watching(None)
        try:
            return self._read(raw, request, watch)
        except BaseException:
            raw.close()  # not returned to the pool half-read: closed, its pool slot freed
            raw.release_conn()
            raise

    def _read(self, raw: Any, request: Request, watch: Watch) -> Response:
        """The reply, its body read through the size cap (ProtocolError past it)."""
        headers = {k.lower(): v for k, v in raw.headers.items()}
        reader = ReplyReader(
            self._config.max_reply_bytes, request.what or request.method, raw.status, headers
        )
        while True:
            chunk = raw.read(READ_STEP, decode_content=False)
            if not chunk:
                break
            reader.feed(chunk)
            if raw.length_remaining == 0:
                # Every announced byte is in (the connection is back in the pool): no
                # read for the end. A body cut short leaves bytes to go: read on, and
                # urllib3 raises IncompleteRead.
                break
        if watch.expired:  # a read ended by the watchdog can look like a short body
            raise ConnectionError("deadline")
        return Response(status=raw.status, headers=headers, content=reader.finish())

    def _failure(
        self, request: Request, error: BaseException, attempts: int, deadline: float
    ) -> GraphistryError:
        """The typed error for an attempt that raised ``error`` (never its raw text)."""
        how = "header" if isinstance(error, requests.exceptions.InvalidHeader) else kind(error)
        return transport_failure(self._config, request, how, attempts, deadline, _reason(error))

    def send(
        self,
        request: Request,
        bearer: str | None = None,
        *,
        timeout: tuple[float, float] | None = None,
    ) -> Response:
        """Perform ``request`` (retrying where safe) and return the final reply.

        ``timeout`` (connect, read) replaces the configured one for this request; else the
        configured one applies, capped by ``request.timeout`` when set (the SSO poll loop
        caps it by the time left before its deadline). The whole call, retries and backoff
        included, ends at the request's overall deadline (``limits.deadline_seconds``).

        Raises:
            TransportError: no connection, a timeout, a body cut short, after the
                retries; or the overall deadline passed.
            ProtocolError: the reply is larger than ``max_reply_bytes``, or its encoding
                is invalid; a header could not be sent.
        """
        if bearer is None:
            bearer = request.bearer
        window = request_window(self._config, request, timeout)
        timeout, deadline, ends, attempts = (
            window.timeout, window.deadline, window.ends, window.attempts
        )
        for attempt in range(attempts):
            started = time.monotonic()
            left = ends - started
            watch = Watch()
            if left <= 0:
                raise self._failure(request, Deadline(), attempt, deadline)
            alarm = WATCHDOG.arm(left, watch.expire)
            failure: BaseException | None = None
            try:
                response = self._attempt(
                    request, bearer, (min(timeout[0], left), min(timeout[1], left)), watch
                )
            except ProtocolError:
                raise
            except (*IO_ERRORS, TransportError) as error:
                failure = Deadline() if watch.expired else error
            finally:
                alarm.cancel()
            if failure is not None:
                # Out of the except block: the typed error carries no raw one as its
                # context (a raw error's text may quote a header).
                final = isinstance(failure, (Deadline, requests.exceptions.InvalidHeader))
                delay = after_failure(request, window, attempt, started, kind(failure), final=final)
                if delay is None:
                    raise self._failure(request, failure, attempt + 1, deadline)
                self._sleep(delay)
                continue
            delay = after_reply(request, window, attempt, started, response)
            if delay is None:
                return response
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
