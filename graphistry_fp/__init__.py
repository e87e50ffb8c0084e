"""graphistry_fp: a functional, multi-tenant-safe client for Graphistry.

Plottables are immutable values; ``g.plan()`` compiles one into a pure ``PlotPlan``;
clients are interpreters that run plans: ``client.run(g.plan())``. The notebook flow
(``graphistry.register(...)``, ``g.plot()``, ``graphistry.hypergraph(...)``,
``graphistry.privacy(...)``) is kept on top of a global root.

Only errors and ``__version__`` load with the package. Every other name loads on first
use (PEP 562, from ``graphistry_fp._facade``), so ``import graphistry_fp.testing`` (the
pytest plugin) and ``import graphistry_fp.errors`` load neither pandas nor requests, and
``import graphistry_fp.core`` never loads ``requests``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ._meta import __version__
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

if TYPE_CHECKING:
    from ._facade import (
        Client,
        ClientUnconfigured,
        DryRunClient,
        MemoryTokenStore,
        PlotPlan,
        PlotResult,
        Plottable,
        RedisTokenStore,
        TokenStore,
        addStyle,
        bind,
        client,
        client_root,
        collections,
        description,
        edges,
        encode_axis,
        encode_edge_badge,
        encode_edge_color,
        encode_edge_icon,
        encode_edge_label,
        encode_edge_opacity,
        encode_edge_size,
        encode_edge_title,
        encode_edge_weight,
        encode_point_badge,
        encode_point_color,
        encode_point_icon,
        encode_point_label,
        encode_point_opacity,
        encode_point_size,
        encode_point_title,
        from_igraph,
        from_networkx,
        infer_labels,
        layout_settings,
        name,
        nodes,
        pipe,
        scene_settings,
        settings,
        style,
        using,
    )
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


def __getattr__(attr: str) -> Any:
    if attr not in __all__:
        raise AttributeError(f"module 'graphistry_fp' has no attribute {attr!r}")
    facade = importlib.import_module("graphistry_fp._facade")
    value = facade.lazy(attr) if attr in facade._LAZY else getattr(facade, attr)
    globals()[attr] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _CallableServerPackage(types.ModuleType):
    """``graphistry_fp.server`` is both the local server's package and pygraphistry's
    ``graphistry.server()`` accessor: calling the package calls :func:`legacy.server`."""

    def __call__(self, value: str | None = None) -> str:
        from .legacy import server as _server

        return _server(value)


class _Package(types.ModuleType):
    """This package's module type: importing the ``server`` subpackage (which sets it as an
    attribute here, shadowing the ``server()`` function) makes that subpackage callable."""

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr == "server" and type(value) is types.ModuleType:
            value.__class__ = _CallableServerPackage
        super().__setattr__(attr, value)


sys.modules[__name__].__class__ = _Package


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
