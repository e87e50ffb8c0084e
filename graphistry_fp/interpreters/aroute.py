"""Where the async transport's connections go: the server, or an HTTP proxy on the way.

Theory of operation. A client talks to one server, so its route is decided once, when the
transport is made, from the same environment the sync transport reads once
(``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` for that server, through
requests' own resolution, so both transports agree):

* no proxy: connect to the server (TLS with the client's context and the server's name);
* an ``http://`` proxy and an ``http://`` server: connect to the proxy and send each request
  with its absolute URL as the target (``Proxy-Authorization`` from the proxy URL's
  credentials on every request);
* an ``http://`` proxy and an ``https://`` server: ``CONNECT host:port`` through the proxy
  (``Proxy-Authorization`` on it), then TLS to the server inside the tunnel
  (``loop.start_tls``, the server's name checked as without a proxy);
* any other proxy (``https://``, ``socks5://``): not supported here; the first request
  raises a ProtocolError naming the proxy (never its credentials), rather than going
  around it.
"""

from __future__ import annotations

import asyncio
import base64
import os
import ssl
import threading
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import attrs

if TYPE_CHECKING:
    from .aconnections import Connection, _Wire
    from .config import Config

_PORTS = {"http": 80, "https": 443}

_contexts: dict[tuple[bool, str | None], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def ssl_context(config: Config) -> ssl.SSLContext:
    """TLS settings as the sync transport's (``REQUESTS_CA_BUNDLE`` honoured, else certifi's
    bundle), one shared context per setting: building one loads the CA bundle (milliseconds),
    too slow to repeat for every pool of every client."""
    verify = config.certificate_validation
    bundle = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")) if verify else None
    key = (verify, bundle)
    with _contexts_lock:
        context = _contexts.get(key)
        if context is None:
            if not verify:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            elif bundle and os.path.isdir(bundle):
                context = ssl.create_default_context(capath=bundle)
            else:
                import certifi

                context = ssl.create_default_context(cafile=bundle or certifi.where())
            _contexts[key] = context
        return context


@attrs.frozen
class Route:
    """How to reach one server (see the module's docstring)."""

    scheme: str
    host: str
    port: int
    #: The ``Host`` header (``host[:port]`` as in the URL), and the URL's path prefix.
    authority: str
    prefix: str
    proxy: tuple[str, int] | None = None
    proxy_auth: bytes | None = attrs.field(default=None, repr=False)
    #: A proxy from the environment this transport cannot use, named without credentials.
    unsupported: str | None = None

    @property
    def absolute(self) -> bool:
        """True when requests carry absolute URLs (plain HTTP through a proxy)."""
        return self.proxy is not None and self.scheme == "http"

    def target(self, path: str) -> str:
        """The request target of ``path``: origin-form, or absolute-form for a proxy."""
        if self.absolute:
            return f"http://{self.authority}{self.prefix}{path}"
        return self.prefix + path

    async def open(self, context: ssl.SSLContext | None) -> Connection:
        """A new connection (cancel it with a timeout around this call)."""
        from .aconnections import Connection, _Wire

        loop = asyncio.get_running_loop()
        wire = _Wire()
        https = self.scheme == "https"
        try:
            if self.proxy is None:
                await loop.create_connection(
                    lambda: wire, self.host, self.port,
                    ssl=context if https else None, server_hostname=self.host if https else None,
                )
                return Connection(wire)
            await loop.create_connection(lambda: wire, *self.proxy)
            if not https:
                return Connection(wire)
            await self._tunnel(wire, context, loop)
            return Connection(wire)
        except BaseException:
            if wire.transport is not None:
                wire.transport.abort()
            raise

    async def _tunnel(
        self, wire: _Wire, context: ssl.SSLContext | None, loop: asyncio.AbstractEventLoop
    ) -> None:
        import h11

        from .aconnections import Connection
        from .afailures import ProxyError

        where = f"{self.host}:{self.port}" if ":" not in self.host else f"[{self.host}]:{self.port}"
        headers = [("Host", where)]
        if self.proxy_auth is not None:
            headers.append(("Proxy-Authorization", self.proxy_auth.decode("latin-1")))
        tunnel = Connection(wire)
        # Each step of the tunnel is bounded by the connect timeout around open().
        await tunnel.send(h11.Request(method="CONNECT", target=where, headers=headers), None, 3600)
        status, _ = await tunnel.head(3600)
        if not 200 <= status < 300:
            raise ProxyError(f"the proxy answered CONNECT with {status}")
        assert wire.transport is not None and context is not None
        upgraded = await loop.start_tls(wire.transport, wire, context, server_hostname=self.host)
        assert isinstance(upgraded, asyncio.Transport)
        wire.transport = upgraded


def _proxy_for(base_url: str) -> str | None:
    """The proxy the environment sets for ``base_url``, as the sync transport reads it."""
    from requests.utils import get_environ_proxies, select_proxy

    return select_proxy(base_url, get_environ_proxies(base_url))


def route(base_url: str) -> Route:
    """The route to ``base_url`` (``protocol://server[/prefix]``), the environment read now."""
    url = urlsplit(base_url)
    scheme = url.scheme.lower()
    host = url.hostname or ""
    base = Route(
        scheme, host, url.port or _PORTS.get(scheme, 80), url.netloc.rpartition("@")[2],
        url.path.rstrip("/"),
    )
    proxy_url = _proxy_for(base_url)
    if not proxy_url:
        return base
    proxy = urlsplit(proxy_url if "://" in proxy_url else f"http://{proxy_url}")
    kind = proxy.scheme.lower()
    named = f"{kind}://{proxy.hostname}:{proxy.port or _PORTS.get(kind, 1080)}"
    if kind != "http" or not proxy.hostname:
        return attrs.evolve(base, unsupported=named)
    auth = None
    if proxy.username is not None:
        pair = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
        auth = b"Basic " + base64.b64encode(pair.encode("utf-8"))
    return attrs.evolve(base, proxy=(proxy.hostname, proxy.port or 80), proxy_auth=auth)
