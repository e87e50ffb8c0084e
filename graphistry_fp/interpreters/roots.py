"""The process-wide global root: the client plottables fall back to (DESIGN.md 4, rule 6).

All process-wide state of the roots lives in one private object behind one lock: the global
root's client; whether any explicit root (a filled root cell) was ever made, which the
legacy ``register(**credentials)`` warns about; and the legacy session's two defaults, the
sharing set by the module ``privacy(...)`` and the connection settings a credential-less
``register(server=..., protocol=...)`` leaves for later ``register`` calls. It is reachable
only through :func:`client_root`, :func:`session_defaults`, :func:`set_session_defaults`,
core's ``explicit_roots_exist``/``global_default_privacy`` and :func:`_reset`, the one
reset, which the test suite's autouse fixture calls.

Importing this module installs that object into ``graphistry_fp.core.roots`` as the last
step of resolution: core never looks the global root up (DESIGN.md section 2).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..core.roots import install_global_root
from ..effects import Share
from .base import Client
from .unconfigured import ClientUnconfigured


class _GlobalRoot:
    """The global root's client and the explicit-roots flag, under one lock."""

    __slots__ = ("_client", "_explicit", "_lock", "_privacy", "_settings")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: Client = ClientUnconfigured()
        self._explicit = False
        self._privacy: Share | None = None
        self._settings: dict[str, Any] = {}

    def get(self) -> Client:
        with self._lock:
            return self._client

    def set(self, client: Client) -> Client:
        if not isinstance(client, Client):
            raise TypeError(f"the global root takes a Client, not {type(client).__name__}")
        with self._lock:
            previous, self._client = self._client, client
            return previous

    def note_explicit_root(self) -> None:
        if not self._explicit:  # only the first write needs the lock
            with self._lock:
                self._explicit = True

    def explicit_roots_exist(self) -> bool:
        with self._lock:
            return self._explicit

    def default_privacy(self) -> Share | None:
        with self._lock:
            return self._privacy

    def set_default_privacy(self, share: Share | None) -> None:
        with self._lock:
            self._privacy = share

    def settings(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._settings)

    def update_settings(self, settings: Mapping[str, Any]) -> None:
        with self._lock:
            self._settings.update(settings)

    def reset(self) -> None:
        with self._lock:
            self._client = ClientUnconfigured()
            self._explicit = False
            self._privacy = None
            self._settings = {}


_ROOT = _GlobalRoot()


def client_root(client: Client | None = None) -> Client:
    """Read the global root, or, given ``client``, make it the global root and return it.

    ``client_root()`` always answers the global root, inside ``using(c)`` too.
    """
    if client is not None:
        _ROOT.set(client)
        return client
    return _ROOT.get()


def session_defaults() -> tuple[Share | None, dict[str, Any]]:
    """The legacy session's default sharing and carried-over connection settings."""
    return _ROOT.default_privacy(), _ROOT.settings()


def set_session_defaults(
    *, privacy: Share | bool | None = False, settings: Mapping[str, Any] | None = None
) -> None:
    """Set the default sharing (``privacy=``; ``False`` leaves it) and merge ``settings``."""
    if privacy is not False:
        _ROOT.set_default_privacy(privacy if isinstance(privacy, Share) else None)
    if settings:
        _ROOT.update_settings(settings)


def _reset() -> None:
    """Testing hook: back to ``ClientUnconfigured`` and no explicit roots seen."""
    _ROOT.reset()


install_global_root(_ROOT)
