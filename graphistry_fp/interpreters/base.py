"""``Client``: the abstract interpreter every client subclasses.

A client owns what a plan must not: credentials, a token cache and a connection pool.
``client.run(plan)`` performs a :class:`~graphistry_fp.effects.PlotPlan` and returns a
:class:`~graphistry_fp.effects.PlotResult`; it uses this client and ignores every root.
``await client.arun(plan)`` does the same without blocking an event loop (DESIGN.md
section 3, "Async"); ``atoken``, ``arefresh``, ``aclose`` and ``async with`` likewise.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from graphistry_fp.effects import PlotPlan, PlotResult

if TYPE_CHECKING:
    from graphistry_fp.core import Plottable


class Client(abc.ABC):
    """Abstract base of every client (interpreter).

    Subclasses provide ``server``, ``protocol``, ``org_name``, ``token``, ``refresh``,
    ``switch_org`` and ``run``. A client is a context manager: leaving the block closes its
    connection pool. ``repr()`` and ``str()`` never show a password, key secret or token.
    """

    @staticmethod
    def from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Client:
        """Build a client from ``GRAPHISTRY_*`` environment variables.

        Precedence for each setting: the explicit keyword argument, then the environment,
        then the default. ``GRAPHISTRY_USERNAME``/``GRAPHISTRY_PASSWORD`` give a
        ``ClientUserPass``, else ``GRAPHISTRY_PERSONAL_KEY_ID``/``..._SECRET`` a
        ``ClientAPIKey``, else ``GRAPHISTRY_API_TOKEN`` a ``ClientJWT``; ``GRAPHISTRY_ORG_NAME``,
        ``GRAPHISTRY_HOSTNAME``, ``GRAPHISTRY_PROTOCOL``,
        ``GRAPHISTRY_CLIENT_PROTOCOL_HOSTNAME`` and ``GRAPHISTRY_CERTIFICATE_VALIDATION``
        fill the rest (see ``graphistry_fp.interpreters.credentials``). No I/O happens here.

        Raises:
            ConfigError: no complete credentials, or an invalid value.
        """
        from .credentials import client_from_env

        return client_from_env(environ, **overrides)

    @property
    @abc.abstractmethod
    def server(self) -> str:
        """The ``host[:port]`` this client uploads to."""

    @property
    @abc.abstractmethod
    def protocol(self) -> str:
        """``http`` or ``https``."""

    @property
    @abc.abstractmethod
    def org_name(self) -> str | None:
        """The org new datasets are created under, or ``None``."""

    @abc.abstractmethod
    def token(self) -> str:
        """A valid JWT, logging in or refreshing as needed."""

    @abc.abstractmethod
    def refresh(self) -> str:
        """Refresh the token now and return the new one."""

    @abc.abstractmethod
    def switch_org(self, org_name: str) -> None:
        """Make ``org_name`` this client's org; every plottable resolving to it follows."""

    @abc.abstractmethod
    def run(self, plan: PlotPlan) -> PlotResult:
        """Perform ``plan`` with this client and return the new dataset's id and URL."""

    def g(self) -> Plottable:
        """An empty plottable rooted at this client (``graphistry.client(self)``)."""
        from graphistry_fp.core import Plottable

        return Plottable.rooted_at(self)

    def close(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release this client's resources (its connection pool)."""

    async def arun(self, plan: PlotPlan) -> PlotResult:
        """``run(plan)`` without blocking the running event loop.

        The HTTP clients interpret the plan on the loop (the async transport); this default, for clients
        that only have ``run``, runs it on a worker thread.
        """
        import asyncio  # here: importing the package loads no asyncio (tests/core/test_purity)

        return await asyncio.to_thread(self.run, plan)

    async def atoken(self) -> str:
        """``token()`` without blocking the running event loop."""
        import asyncio

        return await asyncio.to_thread(self.token)

    async def arefresh(self) -> str:
        """``refresh()`` without blocking the running event loop."""
        import asyncio

        return await asyncio.to_thread(self.refresh)

    async def aclose(self) -> None:
        """``close()`` without blocking the running event loop."""
        import asyncio

        await asyncio.to_thread(self.close)

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        org = f", org_name={self.org_name!r}" if self.org_name else ""
        return f"{type(self).__name__}(server={self.server!r}{org})"

    __str__ = __repr__
