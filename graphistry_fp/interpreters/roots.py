"""The process-wide global root: the client plottables fall back to (DESIGN.md 4, rule 6).

All process-wide state lives in one private object behind a lock, reachable only through
:func:`client_root`, :func:`register` (in ``graphistry_fp.legacy``) and :func:`_reset`,
which the test suite's autouse fixture calls.

Importing this module installs :func:`client_root` into ``graphistry_fp.core.roots`` as the
last step of resolution: core never looks the global root up (DESIGN.md section 2).
"""

from __future__ import annotations

import threading

from ..core.roots import forget_explicit_roots, install_global_root
from .base import Client
from .unconfigured import ClientUnconfigured


class _GlobalRoot:
    __slots__ = ("_client", "_lock")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: Client = ClientUnconfigured()

    def get(self) -> Client:
        with self._lock:
            return self._client

    def set(self, client: Client) -> Client:
        if not isinstance(client, Client):
            raise TypeError(f"the global root takes a Client, not {type(client).__name__}")
        with self._lock:
            previous, self._client = self._client, client
            return previous


_ROOT = _GlobalRoot()


def client_root(client: Client | None = None) -> Client:
    """Read the global root, or, given ``client``, make it the global root and return it.

    ``client_root()`` always answers the global root, inside ``using(c)`` too.
    """
    if client is not None:
        _ROOT.set(client)
        return client
    return _ROOT.get()


def _reset() -> None:
    """Testing hook: back to ``ClientUnconfigured`` and no explicit roots seen."""
    _ROOT.set(ClientUnconfigured())
    forget_explicit_roots()


def _installed_root() -> Client:
    return _ROOT.get()


install_global_root(_installed_root)
