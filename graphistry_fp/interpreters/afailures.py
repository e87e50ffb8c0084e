"""What can go wrong on one connection of the async transport, as exception types.

The connection code (``aconnections.py``, ``apool.py``, ``aroute.py``) raises these (or a
socket's ``OSError``); the async transport turns them into the typed errors both
transports share (``limits.transport_failure``), by kind: a :class:`Timeout` is "timed
out", :class:`CutShort` "the reply was cut short", :class:`LocalProtocolError` a header
that cannot be sent, anything else "connection failed". None of them carries a header, a
body or a credential.
"""

from __future__ import annotations


class HTTPFailure(Exception):
    """A request failed on its connection (the transport words it; never shown raw)."""


class Timeout(HTTPFailure):
    """A wait passed its timeout."""


class ConnectTimeout(Timeout):
    """Connecting (TCP, proxy, TLS) took longer than the connect timeout."""


class ReadTimeout(Timeout):
    """No reply byte arrived within the read timeout."""


class WriteTimeout(Timeout):
    """The request could not be written within the read timeout (a server not reading)."""


class PoolTimeout(Timeout):
    """No connection became free within the read timeout."""


class CutShort(HTTPFailure):
    """The server closed the connection before the end of the reply's body."""


class RemoteProtocolError(HTTPFailure):
    """The server's reply is not HTTP/1.1 as h11 reads it (or no reply at all)."""


class LocalProtocolError(HTTPFailure):
    """The request cannot be sent (a header HTTP does not allow); nothing was sent."""


class ProxyError(HTTPFailure):
    """The proxy refused the tunnel."""


class BodyLengthMismatch(HTTPFailure):
    """A streamed body's chunks did not add up to the Content-Length it announced."""


class DeadlinePassed(Exception):
    """:func:`within` ran out of time (not a socket's own ``TimeoutError``)."""
