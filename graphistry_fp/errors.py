"""The typed errors of graphistry_fp (DESIGN.md section 6).

Every error is a :class:`GraphistryError`. Errors raised while a client runs a plan carry
the ``server``, the ``org_name`` and, once the dataset exists, the ``dataset_id`` of that
run, so a multi-tenant service can log *which* tenant failed without logging a secret.
Messages say what to do next and never contain a password, a key secret or a token.
"""

from __future__ import annotations


class GraphistryError(Exception):
    """Base class of every error graphistry_fp raises on purpose.

    Attributes:
        server: the ``host[:port]`` the failing run talked to, if any.
        org_name: the org of the failing run's snapshot, if any.
        dataset_id: the dataset the run had created before failing, if any.
        status: the HTTP status behind the error, if one was received.
    """

    def __init__(
        self,
        message: str,
        *,
        server: str | None = None,
        org_name: str | None = None,
        dataset_id: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.server = server
        self.org_name = org_name
        self.dataset_id = dataset_id
        self.status = status

    def __str__(self) -> str:
        where = [
            f"{label}={value}"
            for label, value in (
                ("server", self.server),
                ("org", self.org_name),
                ("dataset", self.dataset_id),
                ("status", self.status),
            )
            if value is not None
        ]
        return f"{self.message} [{', '.join(where)}]" if where else self.message


class PlanError(GraphistryError, ValueError):
    """Bad input found before any request is sent: by ``plan()`` at the latest."""


class ConfigError(GraphistryError, ValueError):
    """Invalid client options at construction (a scheme inside ``server``, a negative timeout)."""


class NotConfiguredError(GraphistryError):
    """A plot was asked of the unconfigured global root: ``register()`` or pass a client."""


class AuthenticationError(GraphistryError):
    """A refused login, or a 401 that survived one re-authentication."""


class PermissionDeniedError(GraphistryError):
    """The server answered 403: the user may not do this (org, dataset ownership)."""


class RateLimitError(GraphistryError):
    """The server kept answering 429 after the retries."""


class ServerError(GraphistryError):
    """The server kept answering 5xx after the retries."""


class TransportError(GraphistryError):
    """No connection could be made, or a request timed out."""


class ProtocolError(GraphistryError):
    """A reply the protocol does not allow: not JSON, a missing field, an unexpected 4xx."""


class SSOTimeoutError(AuthenticationError):
    """Single sign-on was not approved within ``sso_timeout`` seconds."""


class MixedModeWarning(UserWarning):
    """The legacy ``register(**credentials)`` ran while explicit client roots exist."""


class TokenStoreWarning(UserWarning):
    """A client's token store failed (down, slow, garbage): the client logs in by itself and
    tries the store again later. Issued once per process."""
