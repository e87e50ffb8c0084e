"""The ``a*`` methods of the HTTP clients: the same client, interpreting plans on a loop.

:class:`AsyncMethods` is mixed into ``clients._HttpClient``: it adds ``arun``, ``atoken``,
``arefresh`` and ``aclose`` (``async with`` comes from ``base.Client``) over the client's
own config and token cache, and its :class:`~.async_transport.AsyncTransport`. Nothing is
copied per loop but the async transport's connection pool: the token cache, its single flight and the
org are the client's one set, so threads and tasks (on any loops) share them.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from graphistry_fp.effects import PlotPlan, PlotResult
from graphistry_fp.errors import GraphistryError

from .async_flow import arun_flow
from .async_run import arun_plan
from .async_transport import AsyncTransport
from .config import Config
from .http import annotate
from .progress import ProgressOptions
from .tokens import TokenCache
from .transport import Transport
from .wire import Flow


class AsyncMethods:
    """The async half of an HTTP client (mixed into ``_HttpClient``, which sets these)."""

    _config: Config
    _transport: Transport
    _atransport: AsyncTransport
    _tokens: TokenCache
    _progress: ProgressOptions

    if TYPE_CHECKING:  # provided by the client class

        @property
        def server(self) -> str: ...

        def _prompt(self, url: str) -> None: ...

        def close(self) -> None: ...

        def _scrubbed(self, error: GraphistryError) -> GraphistryError: ...

    async def _asleep(self, seconds: float) -> None:
        """Perform a flow's ``Sleep`` step on the loop (only interactive logins ask)."""
        await asyncio.sleep(seconds)

    async def _arun_flow(self, flow: Flow[Any]) -> Any:
        """Run an auth flow over the async transport (the async twin of ``_run_flow``)."""
        try:
            return await arun_flow(
                flow, self._atransport.send, sleep=self._asleep, clock=time.monotonic,
                prompt=self._prompt,
            )
        except GraphistryError as error:
            annotate(error, self.server, self._tokens.org_name, None)
            raise self._scrubbed(error) from None

    async def atoken(self) -> str:
        """``token()`` without blocking the loop: the same cache and single flight.

        Raises:
            AuthenticationError: refused credentials, or an expired ClientJWT token.
            TransportError: the server cannot be reached.
        """
        return (await self._tokens.acurrent()).token

    async def arefresh(self) -> str:
        """``refresh()`` without blocking the loop."""
        return (await self._tokens.arefresh()).token

    async def arun(self, plan: PlotPlan) -> PlotResult:
        """``run(plan)`` without blocking the loop: one snapshot, same requests, same errors.

        Cancelling it leaves the client usable (see ``async_run``: a dataset created before
        the cancel is named on the ``CancelledError`` and stays on the server).
        """
        try:
            return await arun_plan(
                plan,
                config=self._config,
                transport=self._transport,
                atransport=self._atransport,
                tokens=self._tokens,
                progress=self._progress,
            )
        except GraphistryError as error:
            raise self._scrubbed(error) from None

    async def aclose(self) -> None:
        """Close this loop's connection pool, then what ``close()`` closes (off the loop)."""
        await self._atransport.aclose()
        await asyncio.to_thread(self.close)
