"""graphistry_fp: a functional, multi-tenant-safe client for Graphistry.

Plottables are immutable values; ``g.plan()`` compiles one into a pure ``PlotPlan``;
clients are interpreters that run plans: ``client.run(g.plan())``. The notebook flow
(``graphistry.register(...)``, ``g.plot()``) is kept on top of a global root.

Clients are exported lazily, so ``import graphistry_fp.core`` never loads ``requests``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._meta import __version__
from .core import Plottable, using
from .effects import PlotPlan, PlotResult
from .errors import (
    AuthenticationError,
    ConfigError,
    GraphistryError,
    MixedModeWarning,
    NotConfiguredError,
    PermissionDeniedError,
    PlanError,
    ProtocolError,
    RateLimitError,
    ServerError,
    SSOTimeoutError,
    TokenStoreWarning,
    TransportError,
)

# Importing the interpreters package installs the global root and the renderer into core
# (core never imports the layer above it); it loads no requests.
from .interpreters import Client, ClientUnconfigured, DryRunClient, client_root
from .interpreters.redis_store import RedisTokenStore
from .interpreters.tokenstore import MemoryTokenStore, TokenStore

if TYPE_CHECKING:
    from .interpreters.clients import ClientAPIKey, ClientJWT, ClientUserPass
    from .interpreters.sso import ClientSSO
    from .legacy import register

_LAZY = {
    "ClientAPIKey": "graphistry_fp.interpreters.clients",
    "ClientJWT": "graphistry_fp.interpreters.clients",
    "ClientUserPass": "graphistry_fp.interpreters.clients",
    "ClientSSO": "graphistry_fp.interpreters.sso",
    "register": "graphistry_fp.legacy",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphistry_fp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def client(c: Client) -> Plottable:
    """An empty plottable rooted at ``c`` (rule 3): ``graphistry.client(c).edges(...)``."""
    return Plottable.rooted_at(c)


# Module-level chain starters (rule 1). They are bound methods of one empty plottable
# whose root cell is never filled, so every chain started here falls through to the
# using(c) context and then to the global root, at call time.
_START = Plottable()
edges = _START.edges
nodes = _START.nodes
bind = _START.bind
name = _START.name
description = _START.description
settings = _START.settings
style = _START.style
addStyle = _START.addStyle
privacy = _START.privacy
encode_point_color = _START.encode_point_color
encode_edge_color = _START.encode_edge_color
encode_point_size = _START.encode_point_size
encode_edge_size = _START.encode_edge_size
encode_edge_weight = _START.encode_edge_weight
encode_point_opacity = _START.encode_point_opacity
encode_edge_opacity = _START.encode_edge_opacity
encode_point_icon = _START.encode_point_icon
encode_edge_icon = _START.encode_edge_icon
encode_point_badge = _START.encode_point_badge
encode_edge_badge = _START.encode_edge_badge
encode_point_title = _START.encode_point_title
encode_point_label = _START.encode_point_label
encode_edge_title = _START.encode_edge_title
encode_edge_label = _START.encode_edge_label

__all__ = [
    "AuthenticationError",
    "Client",
    "ClientAPIKey",
    "ClientJWT",
    "ClientSSO",
    "ClientUnconfigured",
    "ClientUserPass",
    "ConfigError",
    "DryRunClient",
    "GraphistryError",
    "MemoryTokenStore",
    "MixedModeWarning",
    "NotConfiguredError",
    "PermissionDeniedError",
    "PlanError",
    "PlotPlan",
    "PlotResult",
    "Plottable",
    "ProtocolError",
    "RateLimitError",
    "RedisTokenStore",
    "SSOTimeoutError",
    "ServerError",
    "TokenStore",
    "TokenStoreWarning",
    "TransportError",
    "__version__",
    "addStyle",
    "bind",
    "client",
    "client_root",
    "description",
    "edges",
    "encode_edge_badge",
    "encode_edge_color",
    "encode_edge_icon",
    "encode_edge_label",
    "encode_edge_opacity",
    "encode_edge_size",
    "encode_edge_title",
    "encode_edge_weight",
    "encode_point_badge",
    "encode_point_color",
    "encode_point_icon",
    "encode_point_label",
    "encode_point_opacity",
    "encode_point_size",
    "encode_point_title",
    "name",
    "nodes",
    "privacy",
    "register",
    "settings",
    "style",
    "using",
]
