"""The façade's heavy half: everything ``import graphistry_fp`` exports besides errors.

``graphistry_fp/__init__.py`` loads this module on the first access to one of its names
(PEP 562), so ``import graphistry_fp.testing`` (the pytest plugin) and
``import graphistry_fp.errors`` do not load pandas, pyarrow or requests.
"""

from __future__ import annotations

import importlib
from typing import Any

# The names below are re-exported (``X as X``): the package's ``__all__`` is the one list
# of what the façade exports; this module has none of its own.
from .core import Plottable as Plottable
from .core import using as using
from .effects import PlotPlan as PlotPlan
from .effects import PlotResult as PlotResult

# Importing the interpreters package installs the global root and the renderer into core
# (core never imports the layer above it); it loads no requests.
from .interpreters import Client as Client
from .interpreters import ClientUnconfigured as ClientUnconfigured
from .interpreters import DryRunClient as DryRunClient
from .interpreters import client_root as client_root
from .interpreters.redis_store import RedisTokenStore as RedisTokenStore
from .interpreters.tokenstore import MemoryTokenStore as MemoryTokenStore
from .interpreters.tokenstore import TokenStore as TokenStore

_LEGACY_SESSION = ("api_token", "client_protocol_hostname", "hypergraph", "login", "org_name",
                   "privacy", "protocol", "refresh", "register", "server")  # fmt: skip

#: names loaded one step later still, because their modules load ``requests``.
_LAZY = {
    "ClientAPIKey": "graphistry_fp.interpreters.clients",
    "ClientJWT": "graphistry_fp.interpreters.clients",
    "ClientUserPass": "graphistry_fp.interpreters.clients",
    "ClientSSO": "graphistry_fp.interpreters.sso",
    # the legacy session (DESIGN.md 3): module functions acting on the global root
    **dict.fromkeys(_LEGACY_SESSION, "graphistry_fp.legacy"),
}


def lazy(name: str) -> Any:
    """Resolve one of the client names of ``_LAZY`` (they load ``requests``)."""
    return getattr(importlib.import_module(_LAZY[name]), name)


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
