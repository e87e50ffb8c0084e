"""The interpreters: the only I/O and the only credentials (DESIGN.md section 2).

Theory of operation. ``core`` compiles a plottable into a pure ``PlotPlan``; an interpreter
(a :class:`Client`) runs it. Running means *walking* the plan (``effects.walk``) and
*performing* each effect with a performer: over HTTP with ``requests``
(``http.py``'s read-only ``PERFORMERS`` table, authenticated by the ``clients.py`` and
``sso.py`` strategies through ``tokens.py``'s token cache), or in memory
(:class:`DryRunClient`). Logins, token renewals and uploads are sans-I/O *flows*
(``flows.py``) that a flow runner sends through one ``Transport`` (``transport.py``).

This layer also owns the process-wide global root (``roots.py``) and what ``plot()``
returns (``render.py``). Both are installed into ``core`` when this package is imported,
because core may not import anything above it: core's resolution ends at the installed
global root, and ``plot()`` hands its result to the installed renderer.

Public names (re-exported by the ``graphistry_fp`` façade): :class:`Client`,
:class:`ClientUnconfigured`, :class:`DryRunClient`, :func:`client_root`, and
:class:`PlotURL`. The HTTP clients (``ClientAPIKey``, ``ClientJWT``, ``ClientUserPass`` in
``clients.py``, ``ClientSSO`` in ``sso.py``) load ``requests``, so they are imported from
their modules (the façade does it lazily), never from here.
"""

from .base import Client
from .dryrun import DryRunClient
from .render import PlotURL
from .roots import client_root
from .unconfigured import ClientUnconfigured

__all__ = ["Client", "ClientUnconfigured", "DryRunClient", "PlotURL", "client_root"]
