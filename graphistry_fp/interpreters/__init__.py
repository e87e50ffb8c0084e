"""The interpreters: the only I/O and the only credentials (DESIGN.md section 2).

Theory of operation. ``core`` compiles a plottable into a pure ``PlotPlan``; an interpreter
(a :class:`Client`) runs it. Running means *walking* the plan (``effects.walk``) and
*performing* each effect with a performer: over HTTP with ``requests``
(``http.py``'s read-only ``PERFORMERS`` table, authenticated by the ``clients.py`` and
``sso.py`` strategies through ``tokens.py``'s token cache), or in memory
(:class:`DryRunClient`). Logins, token renewals, single sign-on and uploads are sans-I/O
*flows* (``auth_flows.py``, ``sso_flows.py``, ``http.py``) built on the wire records of
``wire.py``; the flow runner (``wire.run_flow``) sends their requests through one
``Transport`` (``transport.py``), and ``replies.py`` turns replies into typed errors.
What a client accepts from a server is decided in ``limits.py`` (reply size cap, overall
request deadline, token shape; no I/O, shared by any transport); ``replies.scrub_error``
removes the client's credentials from every error it raises; ``watchdog.py`` and
``watched.py`` enforce the deadline on ``requests``' blocking sockets.
``grants.py`` parses login replies and token claims; ``credentials.py`` turns credentials
(arguments or ``GRAPHISTRY_*`` variables) into a client; ``notebook.py`` shows things.
A fleet of processes shares tokens through a ``TokenStore`` (``tokenstore.py``; Redis in
``redis_store.py``): ``shared.py`` is the fleet-wide single flight over its lease lock,
``sealing.py`` encrypts entries and names them, and ``shared_cache.py`` is the token cache
of a client given ``token_store=``.
The same flows run on an event loop (issue 14): ``async_flow.arun_flow`` is the async
runner, ``async_transport.py`` the async transport (h11 on asyncio: a connection in
``aconnections.py``, a pool per loop in ``apool.py``, the route and proxy in ``aroute.py``),
``async_run.py`` performs a plan (``arun_plan``) and ``async_client.py`` gives every HTTP
client its ``a*`` methods; ``single_flight.py`` is the one flight threads and tasks share.

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
from .loop_turns import fair_turn as _fair_turn  # noqa: F401  (installs the turn gate)
from .notebook import PlotURL
from .render import render_result as _render_result  # noqa: F401  (installs the renderer)
from .roots import client_root
from .unconfigured import ClientUnconfigured

__all__ = ["Client", "ClientUnconfigured", "DryRunClient", "PlotURL", "client_root"]
