"""graphistry_fp: a functional, multi-tenant-safe client for Graphistry.

Plottables are immutable values; ``g.plan()`` compiles one into a pure ``PlotPlan``;
clients are interpreters that run plans: ``client.run(g.plan())``. The notebook flow
(``graphistry.register(...)``, ``g.plot()``, ``graphistry.hypergraph(...)``,
``graphistry.privacy(...)``) is kept on top of a global root.

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
    TransportError,
)

# Importing the interpreters package installs the global root and the renderer into core
# (core never imports the layer above it); it loads no requests.
from .interpreters import Client, ClientUnconfigured, DryRunClient, client_root

if TYPE_CHECKING:
    from .interpreters.clients import ClientAPIKey, ClientJWT, ClientUserPass
    from .interpreters.sso import ClientSSO
    from .legacy import (
        api_token,
        client_protocol_hostname,
        hypergraph,
        login,
        org_name,
        privacy,
        protocol,
        refresh,
        register,
        server,
    )

_LEGACY_SESSION = ("api_token", "client_protocol_hostname", "hypergraph", "login", "org_name",
                   "privacy", "protocol", "refresh", "register", "server")  # fmt: skip
_LAZY = {
    "ClientAPIKey": "graphistry_fp.interpreters.clients",
    "ClientJWT": "graphistry_fp.interpreters.clients",
    "ClientUserPass": "graphistry_fp.interpreters.clients",
    "ClientSSO": "graphistry_fp.interpreters.sso",
    **{name: "graphistry_fp.legacy" for name in _LEGACY_SESSION},
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
layout_settings = _START.layout_settings
scene_settings = _START.scene_settings
collections = _START.collections
encode_axis = _START.encode_axis
infer_labels = _START.infer_labels
pipe = _START.pipe
from_networkx = _START.from_networkx
from_igraph = _START.from_igraph
style = _START.style
addStyle = _START.addStyle
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
    "MixedModeWarning",
    "NotConfiguredError",
    "PermissionDeniedError",
    "PlanError",
    "PlotPlan",
    "PlotResult",
    "Plottable",
    "ProtocolError",
    "RateLimitError",
    "SSOTimeoutError",
    "ServerError",
    "TransportError",
    "__version__",
    "addStyle",
    "api_token",
    "bind",
    "client",
    "client_protocol_hostname",
    "client_root",
    "collections",
    "description",
    "edges",
    "encode_axis",
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
    "from_igraph",
    "from_networkx",
    "hypergraph",
    "infer_labels",
    "layout_settings",
    "login",
    "name",
    "nodes",
    "org_name",
    "pipe",
    "privacy",
    "protocol",
    "refresh",
    "register",
    "scene_settings",
    "server",
    "settings",
    "style",
    "using",
]
