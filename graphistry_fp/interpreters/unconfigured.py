"""``ClientUnconfigured``: the initial global root, which explains how to configure one."""

from __future__ import annotations

from ..effects import PlotPlan, PlotResult
from ..errors import NotConfiguredError
from .base import Client

_HOW = (
    "no Graphistry client is configured: call graphistry_fp.register(username=..., "
    "password=..., server=...) or graphistry_fp.register(client=ClientUserPass(...)), "
    "or run the plan with a client: client.run(g.plan()), or root the chain with "
    "g.client(c) / graphistry_fp.using(c)"
)


class ClientUnconfigured(Client):
    """The global root before any ``register()``: every operation raises ``NotConfiguredError``."""

    @property
    def server(self) -> str:
        """Always empty: nothing is configured."""
        return ""

    @property
    def protocol(self) -> str:
        """Always empty: nothing is configured."""
        return ""

    @property
    def org_name(self) -> str | None:
        """Always ``None``."""
        return None

    def token(self) -> str:
        """Raises ``NotConfiguredError``."""
        raise NotConfiguredError(_HOW)

    def refresh(self) -> str:
        """Raises ``NotConfiguredError``."""
        raise NotConfiguredError(_HOW)

    def switch_org(self, org_name: str) -> None:
        """Raises ``NotConfiguredError``."""
        raise NotConfiguredError(_HOW)

    def run(self, plan: PlotPlan) -> PlotResult:
        """Raises ``NotConfiguredError`` saying how to register or pass a client."""
        raise NotConfiguredError(_HOW)

    async def arun(self, plan: PlotPlan) -> PlotResult:
        """Raises ``NotConfiguredError`` saying how to register or pass a client."""
        raise NotConfiguredError(_HOW)

    async def atoken(self) -> str:
        """Raises ``NotConfiguredError``."""
        raise NotConfiguredError(_HOW)

    async def arefresh(self) -> str:
        """Raises ``NotConfiguredError``."""
        raise NotConfiguredError(_HOW)

    def __repr__(self) -> str:
        return "ClientUnconfigured()"
