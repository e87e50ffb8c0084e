"""Client options, validated once at construction (``ConfigError`` for anything invalid).

Precedence for ``server`` and ``protocol``: the explicit argument, then the environment
(``GRAPHISTRY_HOSTNAME`` / ``GRAPHISTRY_PROTOCOL``, read when the client is constructed,
never at import), then ``hub.graphistry.com`` / ``https``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from graphistry_fp.errors import ConfigError

from .limits import DEFAULT_MAX_REPLY_BYTES, DEFAULT_REQUEST_DEADLINE

DEFAULT_SERVER = "hub.graphistry.com"
DEFAULT_PROTOCOL = "https"
DEFAULT_TIMEOUT = (10.0, 120.0)
DEFAULT_MAX_RETRIES = 2

#: The option names every HTTP client accepts as keyword arguments.
OPTION_NAMES = (
    "certificate_validation",
    "client_protocol_hostname",
    "max_reply_bytes",
    "max_retries",
    "request_deadline",
    "timeout",
)
#: The smallest ``max_reply_bytes`` accepted: a login reply must fit.
MIN_REPLY_BYTES = 16 * 1024


@attrs.frozen
class Config:
    """Validated connection settings of one client (no credentials here).

    Attributes:
        server: ``host[:port]``, no scheme.
        protocol: ``http`` or ``https``.
        client_protocol_hostname: the browser-facing base URL, or None for
            ``protocol://server``.
        certificate_validation: verify TLS certificates.
        timeout: (connect, read) seconds, both positive.
        max_retries: extra attempts for requests that are safe to repeat.
        max_reply_bytes: the largest reply body accepted (decoded), else ProtocolError.
        request_deadline: the longest one request may take in all, retries included
            (seconds; a request with a body gets one more second per 100 KB of it),
            else TransportError.
    """

    server: str
    protocol: str
    client_protocol_hostname: str | None = None
    certificate_validation: bool = True
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES
    request_deadline: float = DEFAULT_REQUEST_DEADLINE

    @property
    def base_url(self) -> str:
        """``protocol://server``: where requests go."""
        return f"{self.protocol}://{self.server}"

    @property
    def viewer_base(self) -> str:
        """The base of viewer URLs: ``client_protocol_hostname`` if set, else ``base_url``."""
        return self.client_protocol_hostname or self.base_url


def _server(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"server must be a non-empty 'host[:port]' string, got {value!r}")
    server = value.strip().rstrip("/")
    if "@" in server:
        # Not echoed: the text before '@' is a user name and password.
        raise ConfigError(
            "server must be 'host[:port]' without credentials ('user:password@' found); "
            "pass credentials to the client (username=/password=, a personal key or a token)"
        )
    if "://" in server or server.startswith("//"):
        raise ConfigError(
            f"server must be 'host[:port]' without a scheme, got {value!r}: pass the scheme "
            "as protocol='http' or protocol='https'"
        )
    if any(c.isspace() for c in server) or not server or "?" in server or "#" in server:
        raise ConfigError(f"server must be 'host[:port]', got {value!r}")
    _check_port(server.split("/", 1)[0], value)
    return server


def _check_port(host_port: str, value: str) -> None:
    """``host[:port]`` or ``[ipv6][:port]``: a port, if any, is a number 1-65535."""
    if host_port.startswith("["):
        host, _, rest = host_port.partition("]")
        if not rest:
            return
        if not rest.startswith(":"):
            raise ConfigError(f"server must be 'host[:port]', got {value!r}")
        port = rest[1:]
    elif host_port.count(":") > 1:
        raise ConfigError(
            f"server must be 'host[:port]', got {value!r}: write an IPv6 address in "
            "brackets, e.g. '[::1]:8080'"
        )
    else:
        host, _, port = host_port.partition(":")
        if not host or (":" in host_port and not port):
            raise ConfigError(f"server must be 'host[:port]', got {value!r}")
        if ":" not in host_port:
            return
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise ConfigError(
            f"server must be 'host[:port]', got {value!r}: the port must be a number "
            "from 1 to 65535"
        )


def _protocol(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower().rstrip(":/") not in ("http", "https"):
        raise ConfigError(f"protocol must be 'http' or 'https', got {value!r}")
    return value.strip().lower().rstrip(":/")


def _seconds(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{what} must be a number of seconds, got {value!r}")
    if not value > 0 or value != value or value == float("inf"):
        raise ConfigError(f"{what} must be a positive, finite number of seconds, got {value!r}")
    return float(value)


def _timeout(value: object) -> tuple[float, float]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ConfigError(f"timeout must be a number or a (connect, read) pair, got {value!r}")
        return _seconds(value[0], "timeout (connect)"), _seconds(value[1], "timeout (read)")
    seconds = _seconds(value, "timeout")
    return seconds, seconds


def _max_retries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"max_retries must be an integer >= 0, got {value!r}")
    return value


def _max_reply_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_REPLY_BYTES:
        raise ConfigError(
            f"max_reply_bytes must be an integer >= {MIN_REPLY_BYTES} (bytes), got {value!r}"
        )
    return value


def _cph(value: object) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or not value.strip().lower().startswith(("http://", "https://"))
        or len(value.strip().rstrip("/")) <= len("https://")
    ):
        raise ConfigError(
            f"client_protocol_hostname must be a base URL with a scheme, such as "
            f"'https://viz.example.com', got {value!r}"
        )
    return value.strip().rstrip("/")


def _bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{what} must be True or False, got {value!r}")
    return value


def make_config(
    server: str | None,
    protocol: str | None,
    options: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Validate the constructor arguments of a client.

    Raises:
        ConfigError: a scheme, credentials (``user:pw@``) or a bad port inside ``server``,
            a bad protocol, a timeout that is not positive, a negative ``max_retries``, a
            ``client_protocol_hostname`` without a scheme, a ``max_reply_bytes`` under 16 KB,
            a ``request_deadline`` that is not positive, or an option name no client knows.
    """
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise ConfigError(
            f"unknown option(s) {', '.join(map(repr, unknown))}; the options are "
            f"{', '.join(OPTION_NAMES)}"
        )
    env = os.environ if environ is None else environ
    return Config(
        server=_server(server if server is not None else env.get("GRAPHISTRY_HOSTNAME") or DEFAULT_SERVER),
        protocol=_protocol(
            protocol if protocol is not None else env.get("GRAPHISTRY_PROTOCOL") or DEFAULT_PROTOCOL
        ),
        client_protocol_hostname=_cph(options.get("client_protocol_hostname")),
        certificate_validation=_bool(
            options.get("certificate_validation", True), "certificate_validation"
        ),
        timeout=_timeout(options.get("timeout", DEFAULT_TIMEOUT)),
        max_retries=_max_retries(options.get("max_retries", DEFAULT_MAX_RETRIES)),
        max_reply_bytes=_max_reply_bytes(options.get("max_reply_bytes", DEFAULT_MAX_REPLY_BYTES)),
        request_deadline=_seconds(
            options.get("request_deadline", DEFAULT_REQUEST_DEADLINE), "request_deadline"
        ),
    )
