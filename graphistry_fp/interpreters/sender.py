"""One request straight into the client's urllib3 pool: what ``requests`` would send, cheaper.

Theory of operation. ``requests.Session.request`` costs about 0.4 ms of CPU per request
above urllib3 (measured on the benchmark machine: 0.65 ms against 0.21 ms for a small
request): merging session and request settings, re-reading the environment, preparing
the URL, headers, body and hooks, the cookie jar, finding the connection pool again,
wrapping the reply. A client talks to one server with fixed settings, so :class:`Sender`
asks requests' own adapter (``watched.Adapter``) once for the pool, TLS settings and
proxy requests would choose (the environment is read once, by the transport), and per
request builds only what changes: an :class:`Outgoing` (the header map, starting from
requests' defaults built once, and the encoded body), then makes the urllib3 call
requests' adapter would make.

Kept from ``requests``: the same headers (``User-Agent``, ``Accept-Encoding``, ``Accept``,
``Connection``, then the request's, then ``Content-Length``/``Content-Type``); a header
value with a line break, a leading space or a character outside Latin-1 is refused before
anything is sent (``InvalidHeader``, its value never quoted); JSON (``allow_nan=False``)
and form encoding; ``Content-Length: 0`` on a POST without a body; chunked transfer
encoding for a body of unknown length; the path re-quoted; the absolute URL through an
HTTP proxy (the pool adds the proxy's headers); urllib3's send errors mapped to requests'
exception types, so a failure is classified and worded as before. Left out: cookies
(pygraphistry keeps none either: it posts without a session), hooks, ``~/.netrc``,
redirects (never followed).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import (
    ConnectTimeout,
    InvalidHeader,
    InvalidJSONError,
    ProxyError,
    ReadTimeout,
    RetryError,
    SSLError,
)
from requests.utils import default_user_agent, requote_uri, select_proxy
from urllib3.exceptions import (
    ClosedPoolError,
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
    ResponseError,
)

from .limits import ACCEPT_ENCODING
from .streaming import request_data
from .watched import Adapter
from .wire import Request

#: Connections per host: enough for many threads sharing one client (more wait their turn).
POOL_MAXSIZE = 32

#: requests' session headers, in its order (``Accept-Encoding``: only what limits decodes).
DEFAULT_HEADERS: Mapping[str, str] = {
    "User-Agent": default_user_agent(),
    "Accept-Encoding": ACCEPT_ENCODING,
    "Accept": "*/*",
    "Connection": "keep-alive",
}

# requests' header rules (utils.check_header_validity), plus Latin-1 (http.client's).
_NAME = re.compile(r"[^:\s][^:\r\n]*")
_VALUE = re.compile(r"\S[^\r\n]*|")
# urllib3's "no retries, and a read error is raised as it is": requests' max_retries=0.
_NO_RETRIES = urllib3.Retry(0, read=False)


class Outgoing:
    """One request as it goes out: method, URL (a path, or absolute through an HTTP
    proxy), headers, and the body urllib3 sends (``chunked``: length unknown)."""

    __slots__ = ("body", "chunked", "headers", "method", "url")

    def __init__(
        self, method: str, url: str, headers: dict[str, str], body: Any, chunked: bool
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.chunked = chunked


def _check_header(name: str, value: str) -> None:
    if not (_NAME.fullmatch(name) and _VALUE.fullmatch(value)):
        raise InvalidHeader(f"header {name!r}: a line break, a colon or leading whitespace")
    if not value.isascii():
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise InvalidHeader(f"header {name!r}: a character outside Latin-1") from None


def _form(form: Mapping[str, Any]) -> str:
    """``application/x-www-form-urlencoded``, as requests encodes a dict."""
    pairs: list[tuple[Any, Any]] = []
    for key, values in form.items():
        if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
            values = [values]
        for value in values:
            if value is not None:
                pairs.append((
                    key.encode("utf-8") if isinstance(key, str) else key,
                    value.encode("utf-8") if isinstance(value, str) else value,
                ))  # fmt: skip
    return urlencode(pairs, doseq=True)


def _send_error(error: BaseException) -> BaseException:
    """requests' exception for an error urllib3 raised while sending (adapter.send)."""
    if isinstance(error, urllib3.exceptions.ProtocolError | OSError):
        return RequestsConnectionError(error)
    if isinstance(error, MaxRetryError):
        reason = error.reason
        if isinstance(reason, ConnectTimeoutError) and not isinstance(reason, NewConnectionError):
            return ConnectTimeout(error)
        if isinstance(reason, ResponseError):
            return RetryError(error)
        if isinstance(reason, urllib3.exceptions.ProxyError):
            return ProxyError(error)
        if isinstance(reason, urllib3.exceptions.SSLError):
            return SSLError(error)
        return RequestsConnectionError(error)
    if isinstance(error, ClosedPoolError):
        return RequestsConnectionError(error)
    if isinstance(error, urllib3.exceptions.ProxyError):
        return ProxyError(error)
    if isinstance(error, urllib3.exceptions.SSLError):
        return SSLError(error)
    if isinstance(error, ReadTimeoutError):
        return ReadTimeout(error)
    if isinstance(error, urllib3.exceptions.InvalidHeader):
        return InvalidHeader(error)
    return error


class Sender:
    """Sends :class:`Outgoing` requests through one pool; safe to share between threads.

    Args:
        base_url: ``protocol://server`` of the client.
        verify: ``False``, ``True`` or a CA bundle path (already resolved).
        proxies: the proxies for ``base_url`` (already resolved), possibly empty.
    """

    def __init__(self, base_url: str, verify: bool | str, proxies: Mapping[str, str]) -> None:
        self._base_url = base_url
        self._verify = verify
        self._proxies = dict(proxies)
        # pool_block: beyond POOL_MAXSIZE concurrent requests, threads wait for a pooled
        # connection instead of opening throwaway ones (which urllib3 would discard with a
        # "Connection pool is full" warning). A connection always returns to the pool:
        # every reply body is read in full, or the reply closed, before send() returns.
        self._adapter = Adapter(
            pool_connections=4, pool_maxsize=POOL_MAXSIZE, max_retries=0, pool_block=True
        )
        self._lock = threading.Lock()
        self._pool: Any = None
        proxy = select_proxy(base_url, self._proxies)
        self._absolute = bool(
            proxy
            and not base_url.lower().startswith("https:")
            and not proxy.lower().startswith("socks")
        )

    def close(self) -> None:
        """Close the connection pool (a later request opens a new one)."""
        with self._lock:
            self._pool = None
            self._adapter.close()

    def _connection_pool(self) -> Any:
        """The pool requests' adapter chooses for the server (made at first use: an
        invalid CA bundle path or proxy URL fails the request, as in requests)."""
        pool = self._pool
        if pool is None:
            with self._lock:
                if self._pool is None:
                    probe = requests.PreparedRequest()
                    probe.prepare(method="GET", url=self._base_url + "/")
                    pool = self._adapter.get_connection_with_tls_context(
                        probe, self._verify, proxies=self._proxies
                    )
                    self._adapter.cert_verify(  # type: ignore[no-untyped-call]
                        pool, self._base_url, self._verify, None
                    )
                    self._pool = pool
                pool = self._pool
        return pool

    def outgoing(self, request: Request, bearer: str | None) -> Outgoing:
        """``request`` as it goes out with ``bearer`` (a fresh body view per attempt).

        Raises:
            InvalidHeader: a header HTTP does not allow (nothing is sent).
        """
        headers = dict(DEFAULT_HEADERS)
        for name, value in request.headers:
            _check_header(name, value)
            headers[name] = value
        if bearer is not None:
            value = f"Bearer {bearer}"
            _check_header("Authorization", value)
            headers["Authorization"] = value
        body: Any = None
        chunked = False
        if request.json is not None:
            try:
                body = json.dumps(request.json, allow_nan=False).encode("utf-8")
            except ValueError as error:
                raise InvalidJSONError(error) from None
            headers["Content-Length"] = str(len(body))
            headers["Content-Type"] = "application/json"
        elif request.form:
            body = _form(request.form)
            headers["Content-Length"] = str(len(body))
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif request.body is not None:
            # A fresh zero-copy view of the Arrow buffer, or a streamed body started over
            # (streaming.request_data); no Content-Type. Unknown length: chunked.
            body = request_data(request.body)
            length = len(body) if hasattr(body, "__len__") else 0
            if length:
                headers["Content-Length"] = str(length)
            else:
                headers["Transfer-Encoding"] = "chunked"
                chunked = True
        elif request.method not in ("GET", "HEAD"):
            headers["Content-Length"] = "0"
        path = requote_uri(request.path)
        url = self._base_url + path if self._absolute else path
        return Outgoing(request.method, url, headers, body, chunked)

    def send(self, outgoing: Outgoing, timeout: tuple[float, float]) -> Any:
        """Send ``outgoing``; the reply (a ``urllib3`` response) with its body unread.

        Raises:
            requests.RequestException: as ``requests`` would raise it for the same failure.
        """
        pool = self._connection_pool()  # its errors are requests' own (bad CA path, proxy)
        try:
            return pool.urlopen(
                method=outgoing.method,
                url=outgoing.url,
                body=outgoing.body,
                headers=outgoing.headers,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                retries=_NO_RETRIES,
                timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]),
                chunked=outgoing.chunked,
            )
        except (urllib3.exceptions.HTTPError, OSError) as error:
            mapped = _send_error(error)
            if mapped is error:
                raise
            raise mapped from error
