"""The pure half: plottables, bindings, encodings, tables -> Arrow, compile to ``PlotPlan``,
and the root cells. Nothing here performs I/O; a test proves it in a subprocess.
"""

from .frames import Frame, to_frame, to_ipc_file
from .plottable import Plottable
from .roots import RootCell, Runner, current_using, explicit_roots_exist, resolve, using

__all__ = [
    "Frame",
    "Plottable",
    "RootCell",
    "Runner",
    "current_using",
    "explicit_roots_exist",
    "resolve",
    "to_frame",
    "to_ipc_file",
    "using",
]
